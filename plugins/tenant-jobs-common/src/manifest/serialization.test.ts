// The only runtime use of client-node in this package, in a test: the
// package itself imports client-node types only, so that nothing of it ends
// up in the browser bundle.
import * as k8s from '@kubernetes/client-node';
import { BUILT_IN_JOB_TYPES } from '../jobTypes';
import { buildJob } from './job';
import { buildPriorityClasses } from './priorityClasses';
import { buildTenantObjects } from './tenantObjects';

type AttributeMap = Array<{ name: string; baseName: string; type: string }>;

const models = k8s as unknown as Record<
  string,
  { getAttributeTypeMap?: () => AttributeMap } | undefined
>;

/**
 * Paths of keys that client-node's serializer would drop: it writes only
 * the attributes its model classes declare, so a misspelt field built
 * through an object spread would silently vanish on the way to the cluster.
 */
function unknownKeys(value: unknown, type: string, path: string): string[] {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    return (value as unknown[]).flatMap((item, i) =>
      unknownKeys(item, array[1], `${path}[${i}]`),
    );
  }
  const model = models[type];
  if (!model?.getAttributeTypeMap) {
    return []; // a scalar, a map of strings or IntOrString
  }
  const attributes = model.getAttributeTypeMap();
  return Object.entries(value as Record<string, unknown>).flatMap(
    ([key, child]) => {
      const attribute = attributes.find(a => a.name === key);
      if (!attribute) {
        return [`${path}.${key}`];
      }
      return child === undefined
        ? []
        : unknownKeys(child, attribute.type, `${path}.${key}`);
    },
  );
}

describe('client-node compatibility', () => {
  it.each(Object.values(BUILT_IN_JOB_TYPES).map(t => [t.id, t] as const))(
    'builds a %s Job whose every field client-node serializes',
    (_id, jobType) => {
      const job = buildJob(
        {
          tenantId: 'acme',
          jobType: jobType.id,
          parameters: {},
          entityRef: 'component:default/x',
        },
        {
          jobType: { ...jobType, secretRefs: ['creds'] },
          namespace: 'tenant-acme',
          runId: 'r1',
          jobName: 'j1',
          tier: jobType.defaultTier,
          priority: 'normal',
          annotations: { 'tenant-jobs.io/simulate': 'succeed' },
        },
      );
      expect(unknownKeys(job, 'V1Job', 'job')).toEqual([]);
    },
  );

  it('builds tenant objects whose every field client-node serializes', () => {
    const objects = buildTenantObjects('acme', {
      id: 'p',
      maxTier: 'enterprise',
      quota: { cpu: '64', memory: '128Gi', gpu: 2 },
    });
    const types = [
      'V1Namespace',
      'V1ResourceQuota',
      'V1LimitRange',
      'V1NetworkPolicy',
      'V1ServiceAccount',
    ];
    objects.forEach((object, i) => {
      expect(unknownKeys(object, types[i], types[i])).toEqual([]);
    });
  });

  it('builds PriorityClasses whose every field client-node serializes', () => {
    for (const priorityClass of buildPriorityClasses()) {
      expect(unknownKeys(priorityClass, 'V1PriorityClass', 'pc')).toEqual([]);
    }
  });

  it('notices a misspelt field', () => {
    expect(
      unknownKeys(
        { spec: { template: { spec: { nodeSelecter: {} } } } },
        'V1Job',
        'job',
      ),
    ).toEqual(['job.spec.template.spec.nodeSelecter']);
  });
});
