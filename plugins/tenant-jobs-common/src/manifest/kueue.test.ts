import type { V1Job } from '@kubernetes/client-node';
import { BUILT_IN_JOB_TYPES } from '../jobTypes';
import type { TenantPlan } from '../types';
import { buildJob } from './job';
import {
  buildKueueSharedObjects,
  buildKueueTenantQueues,
  dispatchWithMultiKueue,
  isKueueJob,
  queueWithKueue,
} from './kueue';

const plan: TenantPlan = {
  id: 'standard',
  maxTier: 'medium',
  quota: { cpu: '4', memory: '8Gi', gpu: 1, pods: 10, jobs: 50 },
};

describe('buildKueueTenantQueues', () => {
  it("gives the tenant a ClusterQueue with its plan's quota, for its namespace only, and a LocalQueue there", () => {
    const [clusterQueue, localQueue] = buildKueueTenantQueues('acme', plan, {
      namespacePattern: 'tenant-{tenant}',
    }) as any[];
    expect(clusterQueue).toMatchObject({
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'ClusterQueue',
      metadata: {
        name: 'tenant-jobs-acme',
        labels: {
          'app.kubernetes.io/managed-by': 'tenant-jobs',
          'tenant-jobs.io/tenant': 'acme',
        },
      },
      spec: {
        namespaceSelector: {
          matchLabels: {
            'kubernetes.io/metadata.name': 'tenant-acme',
            'app.kubernetes.io/managed-by': 'tenant-jobs',
            'tenant-jobs.io/tenant': 'acme',
          },
        },
        resourceGroups: [
          {
            coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'],
            flavors: [
              {
                name: 'tenant-jobs-default',
                resources: [
                  { name: 'cpu', nominalQuota: '4' },
                  { name: 'memory', nominalQuota: '8Gi' },
                  { name: 'nvidia.com/gpu', nominalQuota: '1' },
                ],
              },
            ],
          },
        ],
      },
    });
    // Never borrows from, nor lends to, other ClusterQueues.
    expect(clusterQueue.spec).not.toHaveProperty('cohortName');
    expect(clusterQueue.metadata).not.toHaveProperty('namespace');
    expect(localQueue).toEqual({
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'LocalQueue',
      metadata: {
        name: 'tenant-jobs',
        namespace: 'tenant-acme',
        labels: {
          'app.kubernetes.io/managed-by': 'tenant-jobs',
          'tenant-jobs.io/tenant': 'acme',
        },
      },
      spec: { clusterQueue: 'tenant-jobs-acme' },
    });
  });

  it('on a MultiKueue manager, has the ClusterQueue ask the AdmissionCheck, and only there', () => {
    const [managed] = buildKueueTenantQueues('acme', plan, {
      admissionCheck: 'tenant-jobs-multikueue',
    }) as any[];
    expect(managed.spec.admissionChecksStrategy).toEqual({
      admissionChecks: [{ name: 'tenant-jobs-multikueue' }],
    });
    const [plain] = buildKueueTenantQueues('acme', plan) as any[];
    expect(plain.spec).not.toHaveProperty('admissionChecksStrategy');
  });

  it('gives a plan without GPUs a GPU quota of 0', () => {
    const [clusterQueue] = buildKueueTenantQueues('acme', {
      ...plan,
      quota: { cpu: '2', memory: '4Gi' },
    }) as any[];
    expect(clusterQueue.spec.resourceGroups[0].flavors[0].resources[2]).toEqual(
      { name: 'nvidia.com/gpu', nominalQuota: '0' },
    );
  });

  it('refuses an invalid plan', () => {
    expect(() =>
      buildKueueTenantQueues('acme', {
        ...plan,
        quota: { cpu: 'lots', memory: '1Gi' },
      }),
    ).toThrow();
  });
});

describe('buildKueueSharedObjects', () => {
  it('builds the ResourceFlavor and a WorkloadPriorityClass per priority, with the PriorityClass values', () => {
    const objects = buildKueueSharedObjects() as any[];
    expect(objects.map(o => [o.kind, o.metadata.name, o.value])).toEqual([
      ['ResourceFlavor', 'tenant-jobs-default', undefined],
      ['WorkloadPriorityClass', 'tenant-jobs-critical', 1000000],
      ['WorkloadPriorityClass', 'tenant-jobs-high', 100000],
      ['WorkloadPriorityClass', 'tenant-jobs-normal', 10000],
      ['WorkloadPriorityClass', 'tenant-jobs-low', 1000],
      ['WorkloadPriorityClass', 'tenant-jobs-batch', 100],
    ]);
    for (const object of objects) {
      expect(object.apiVersion).toBe('kueue.x-k8s.io/v1beta2');
      expect(object.metadata.labels).toEqual({
        'app.kubernetes.io/managed-by': 'tenant-jobs',
      });
    }
  });
});

describe('queueWithKueue', () => {
  const job: V1Job = buildJob(
    {
      tenantId: 'acme',
      jobType: 'data-etl',
      parameters: { source: 'events-db', destination: 'warehouse' },
    },
    {
      jobType: BUILT_IN_JOB_TYPES['data-etl'],
      namespace: 'tenant-acme',
      runId: '3f6c1a9e-8a0b-4d51-9d1e-0c5f2b7a9e11',
      jobName: 'data-etl-acme-20250717-143022-x7k2p',
      tier: 'small',
      priority: 'high',
    },
  );

  it('suspends the Job in the LocalQueue with its priority class, keeping everything else', () => {
    const queued = queueWithKueue(job, 'high');
    expect(queued.spec?.suspend).toBe(true);
    expect(queued.metadata?.labels).toEqual({
      ...job.metadata?.labels,
      'kueue.x-k8s.io/queue-name': 'tenant-jobs',
      'kueue.x-k8s.io/priority-class': 'tenant-jobs-high',
    });
    expect({ ...queued.spec, suspend: job.spec?.suspend }).toEqual(job.spec);
    expect(job.spec?.suspend).not.toBe(true); // the input is left alone
    expect(isKueueJob(queued)).toBe(true);
    expect(isKueueJob(job)).toBe(false);
  });

  it('hands a queued Job to MultiKueue, keeping everything else', () => {
    const queued = queueWithKueue(job, 'high');
    const dispatched = dispatchWithMultiKueue(queued);
    expect(dispatched.spec?.managedBy).toBe('kueue.x-k8s.io/multikueue');
    expect({ ...dispatched.spec, managedBy: undefined }).toEqual({
      ...queued.spec,
      managedBy: undefined,
    });
    expect(dispatched.metadata).toEqual(queued.metadata);
    expect(queued.spec?.managedBy).toBeUndefined();
  });
});
