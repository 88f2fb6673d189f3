import fc from 'fast-check';
import type { V1Job, V1PodSpec } from '@kubernetes/client-node';
import {
  GPU_RESOURCE_NAME,
  RUNNER_SERVICE_ACCOUNT_NAME,
  SIMULATION_ANNOTATION_PREFIX,
  TENANT_JOBS_LABELS,
  TENANT_JOBS_MANAGED_BY,
} from '../constants';
import { isCompleteEntityRef } from '../entityRefs';
import { BUILT_IN_JOB_TYPES } from '../jobTypes';
import { isValidTenantId } from '../names';
import {
  allowedTiersFor,
  checkJobTypeAllowed,
  checkTierAllowed,
} from '../plans';
import { PRIORITY_IDS } from '../priorities';
import { parseQuantity } from '../quantity';
import { TIER_IDS, getTier } from '../tiers';
import type {
  JobParametersSchema,
  JobTypeDefinition,
  ParameterSchema,
  PriorityId,
  TenantPlan,
  TierId,
} from '../types';
import { type BuildJobContext, type BuildJobRequest, buildJob } from './job';
import { buildRunName, tenantNamespaceName } from './names';
import {
  effectiveParameters,
  isEnvVarName,
  parameterEnvName,
  parameterValueToString,
} from './parameters';
import { restrictedPodSecurityViolations } from './podSecurity';

// Arbitrary valid submissions of the built-in job types: every parameter
// valid for its schema, any tenant, any tier the type and a plan allow, any
// priority, run id and name. Default 100 runs per property.

type Parameters = Record<string, unknown>;

function stringArbitrary(
  schema: Extract<ParameterSchema, { type: 'string' }>,
): fc.Arbitrary<string> {
  if (schema.enum) {
    return fc.constantFrom(...schema.enum);
  }
  const minLength = schema.minLength ?? 0;
  const fits = (value: string) =>
    value.length >= minLength && value.length <= schema.maxLength;
  if (schema.pattern === undefined) {
    return fc.string({ minLength, maxLength: schema.maxLength });
  }
  const pattern = new RegExp(schema.pattern, 'u');
  const generated = fc
    .stringMatching(pattern, { size: 'small' })
    .filter(value => fits(value) && pattern.test(value));
  const examples = (schema.examples ?? []).filter(
    value => fits(value) && pattern.test(value),
  );
  return examples.length > 0
    ? fc.oneof(fc.constantFrom(...examples), generated)
    : generated;
}

function scalarArbitrary(
  schema: Exclude<ParameterSchema, { type: 'array' }>,
): fc.Arbitrary<string | number | boolean> {
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum, max: schema.maximum });
    case 'number':
      return fc.double({
        min: schema.minimum,
        max: schema.maximum,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
    default:
      return fc.boolean();
  }
}

function parameterArbitrary(schema: ParameterSchema): fc.Arbitrary<unknown> {
  if (schema.type === 'array') {
    const items = scalarArbitrary(schema.items);
    const constraints = {
      minLength: schema.minItems ?? 0,
      maxLength: schema.maxItems,
    };
    return schema.uniqueItems
      ? fc.uniqueArray(items, constraints)
      : fc.array(items, constraints);
  }
  return scalarArbitrary(schema);
}

/** Parameters valid for the schema; optional ones may be absent. */
function parametersArbitrary(
  schema: JobParametersSchema,
): fc.Arbitrary<Parameters> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(schema.properties)) {
    model[name] = parameterArbitrary(property);
  }
  return fc.record(model, { requiredKeys: [...(schema.required ?? [])] });
}

const tenantIdArbitrary = fc.stringMatching(
  /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/,
);

const namespacePatternArbitrary = fc.constantFrom(
  undefined,
  'tenant-{tenant}',
  '{tenant}-jobs',
  'tj-{tenant}-ns',
);

const runIdArbitrary = fc.oneof(
  fc.uuid(),
  fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/),
);

const dnsLabelArbitrary = fc.stringMatching(
  /^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/,
);

const entityRefArbitrary = fc
  .tuple(
    fc.constantFrom('component', 'resource', 'system', 'Component'),
    dnsLabelArbitrary,
    dnsLabelArbitrary,
  )
  .map(([kind, namespace, name]) => `${kind}:${namespace}/${name}`);

const simulationAnnotationsArbitrary = fc.dictionary(
  dnsLabelArbitrary.map(name => `${SIMULATION_ANNOTATION_PREFIX}-${name}`),
  fc.string({ maxLength: 40 }),
  { maxKeys: 3 },
);

/** A plan under which the type may run on at least one tier. */
function planArbitrary(jobType: JobTypeDefinition): fc.Arbitrary<TenantPlan> {
  const maxTiers = TIER_IDS.filter(
    maxTier => allowedTiersFor(jobType, { id: 'plan', maxTier }).length > 0,
  );
  return fc.record({
    id: fc.constantFrom('starter', 'business', 'enterprise'),
    maxTier: fc.constantFrom(...maxTiers),
    quota: fc.record({
      cpu: fc.constantFrom('16', '64'),
      memory: fc.constantFrom('64Gi', '256Gi'),
      gpu: fc.integer({ min: jobType.gpu ? 1 : 0, max: 8 }),
    }),
  });
}

interface Scenario {
  jobType: JobTypeDefinition;
  plan: TenantPlan;
  tier: TierId;
  priority: PriorityId;
  tenantId: string;
  namespacePattern: string | undefined;
  request: BuildJobRequest;
  context: BuildJobContext;
}

/** What does not depend on the job type, built once. */
const runArbitraries = {
  tenantId: tenantIdArbitrary,
  namespacePattern: namespacePatternArbitrary,
  priority: fc.constantFrom(...PRIORITY_IDS),
  runId: runIdArbitrary,
  submittedAt: fc.date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2999-12-31T23:59:59Z'),
    noInvalidDate: true,
  }),
  suffix: fc.stringMatching(/^[a-z0-9]{1,10}$/),
  entityRef: fc.option(entityRefArbitrary, { nil: undefined }),
  deadlineSeconds: fc.option(fc.integer({ min: 1, max: 14 * 86400 }), {
    nil: undefined,
  }),
  ttlSecondsAfterFinished: fc.option(fc.integer({ min: 0, max: 7 * 86400 }), {
    nil: undefined,
  }),
  secretRefs: fc.option(fc.array(dnsLabelArbitrary, { maxLength: 3 }), {
    nil: undefined,
  }),
  annotations: fc.option(simulationAnnotationsArbitrary, { nil: undefined }),
};

// Built once per type, outside `chain`: building a `stringMatching`
// arbitrary is far slower than drawing from it.
const perJobType = Object.values(BUILT_IN_JOB_TYPES).map(jobType =>
  fc.record({
    ...runArbitraries,
    jobType: fc.constant(jobType),
    plan: planArbitrary(jobType),
    parameters: parametersArbitrary(jobType.parameterSchema),
  }),
);

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .oneof(...perJobType)
  .chain(drawn => {
    const { jobType } = drawn;
    return fc
      .constantFrom(...allowedTiersFor(jobType, drawn.plan))
      .map((tier): Scenario => {
        const {
          plan,
          parameters,
          tenantId,
          namespacePattern,
          priority,
          runId,
        } = drawn;
        return {
          jobType,
          plan,
          tier,
          priority,
          tenantId,
          namespacePattern,
          request: {
            tenantId,
            jobType: jobType.id,
            parameters,
            ...(drawn.entityRef ? { entityRef: drawn.entityRef } : {}),
          },
          context: {
            jobType,
            namespace: tenantNamespaceName(namespacePattern, tenantId),
            runId,
            jobName: buildRunName(
              jobType.id,
              tenantId,
              drawn.submittedAt,
              drawn.suffix,
            ),
            tier,
            priority,
            deadlineSeconds: drawn.deadlineSeconds,
            ttlSecondsAfterFinished: drawn.ttlSecondsAfterFinished,
            secretRefs: drawn.secretRefs,
            annotations: drawn.annotations,
          },
        };
      });
  });

/** Why a scalar value breaks its schema; empty when it fits. */
function scalarProblems(
  schema: Exclude<ParameterSchema, { type: 'array' }>,
  value: unknown,
): string[] {
  switch (schema.type) {
    case 'string': {
      if (typeof value !== 'string') {
        return ['not a string'];
      }
      const problems: string[] = [];
      if (value.length > schema.maxLength) {
        problems.push('too long');
      }
      if (value.length < (schema.minLength ?? 0)) {
        problems.push('too short');
      }
      if (
        schema.pattern !== undefined &&
        !new RegExp(schema.pattern, 'u').test(value)
      ) {
        problems.push('does not match the pattern');
      }
      if (schema.enum && !schema.enum.includes(value)) {
        problems.push('not in the enum');
      }
      return problems;
    }
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || Number.isNaN(value)) {
        return ['not a number'];
      }
      if (schema.type === 'integer' && !Number.isInteger(value)) {
        return ['not an integer'];
      }
      return value < schema.minimum || value > schema.maximum
        ? ['out of range']
        : [];
    case 'boolean':
    default:
      return typeof value === 'boolean' ? [] : ['not a boolean'];
  }
}

/** Why parameters break their schema; empty when they fit. */
function parameterProblems(
  schema: JobParametersSchema,
  parameters: Readonly<Parameters>,
): string[] {
  const problems = (schema.required ?? [])
    .filter(name => !(name in parameters))
    .map(name => `${name}: missing`);
  for (const [name, value] of Object.entries(parameters)) {
    const property = schema.properties[name];
    if (!property) {
      problems.push(`${name}: not declared`);
    } else if (property.type === 'array') {
      const items = Array.isArray(value) ? value : [];
      if (!Array.isArray(value) || items.length > property.maxItems) {
        problems.push(`${name}: not an array of at most ${property.maxItems}`);
      }
      items.forEach((item, index) =>
        scalarProblems(property.items, item).forEach(problem =>
          problems.push(`${name}[${index}]: ${problem}`),
        ),
      );
    } else {
      scalarProblems(property, value).forEach(problem =>
        problems.push(`${name}: ${problem}`),
      );
    }
  }
  return problems;
}

function podSpecOf(job: V1Job): V1PodSpec {
  const spec = job.spec?.template.spec;
  if (!spec) {
    throw new Error('Job has no pod spec');
  }
  return spec;
}

/** Paths of every `namespace` field in an object tree. */
function namespacePaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) =>
      namespacePaths(item, `${path}[${index}]`),
    );
  }
  if (value === null || typeof value !== 'object') {
    return [];
  }
  return Object.entries(value).flatMap(([key, child]) => {
    const childPath = path ? `${path}.${key}` : key;
    return [
      ...(key.toLowerCase().includes('namespace') ? [childPath] : []),
      ...namespacePaths(child, childPath),
    ];
  });
}

const SHELLS = new Set([
  'sh',
  'bash',
  'dash',
  'ash',
  'zsh',
  'ksh',
  'csh',
  'tcsh',
  'fish',
  'busybox',
  'pwsh',
  'powershell',
  'cmd',
  'cmd.exe',
]);

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function build(scenario: Scenario): V1Job {
  return buildJob(scenario.request, scenario.context);
}

describe('buildJob properties', () => {
  it('generates only coherent scenarios', () => {
    fc.assert(
      fc.property(scenarioArbitrary, scenario => {
        expect(isValidTenantId(scenario.tenantId)).toBe(true);
        expect(checkJobTypeAllowed(scenario.jobType, scenario.plan)).toBe(
          undefined,
        );
        expect(
          checkTierAllowed(scenario.jobType, scenario.plan, scenario.tier),
        ).toBe(undefined);
        const { entityRef } = scenario.request;
        expect(entityRef === undefined || isCompleteEntityRef(entityRef)).toBe(
          true,
        );
        expect(
          parameterProblems(
            scenario.jobType.parameterSchema,
            scenario.request.parameters ?? {},
          ),
        ).toEqual([]);
      }),
    );
  });

  it('builds pods that meet the restricted Pod Security Standard', () => {
    fc.assert(
      fc.property(scenarioArbitrary, scenario => {
        const job = build(scenario);
        expect(
          restrictedPodSecurityViolations(
            podSpecOf(job),
            job.spec?.template.metadata,
          ),
        ).toEqual([]);
      }),
    );
  });

  it("keeps every Job and reference inside the tenant's namespace", () => {
    fc.assert(
      fc.property(scenarioArbitrary, scenario => {
        const job = build(scenario);
        expect(job.metadata?.namespace).toBe(
          tenantNamespaceName(scenario.namespacePattern, scenario.tenantId),
        );
        expect(namespacePaths(job)).toEqual(['metadata.namespace']);
        const pod = podSpecOf(job);
        expect(pod.serviceAccountName).toBe(RUNNER_SERVICE_ACCOUNT_NAME);
        expect(pod).not.toHaveProperty('serviceAccount');
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(pod).not.toHaveProperty('nodeName');
        for (const source of pod.volumes ?? []) {
          expect(Object.keys(source).sort()).toEqual(['emptyDir', 'name']);
        }
      }),
    );
  });

  it("gives the container exactly its tier's resources and labels the run", () => {
    fc.assert(
      fc.property(scenarioArbitrary, scenario => {
        const job = build(scenario);
        const tier = getTier(scenario.tier);
        const expected: Record<string, string> = {
          cpu: tier.cpu,
          memory: tier.memory,
          ...(scenario.jobType.gpu
            ? { [GPU_RESOURCE_NAME]: String(tier.gpu) }
            : {}),
        };
        const pod = podSpecOf(job);
        expect(pod.initContainers ?? []).toEqual([]);
        expect(pod.containers).toHaveLength(1);
        const { resources } = pod.containers[0];
        expect(resources?.requests).toEqual(expected);
        expect(resources?.limits).toEqual(expected);

        const maxTier = getTier(scenario.plan.maxTier);
        for (const key of ['cpu', 'memory'] as const) {
          expect(parseQuantity(expected[key])).toBeLessThanOrEqual(
            parseQuantity(maxTier[key]) ?? -1,
          );
        }

        const labels = {
          [TENANT_JOBS_LABELS.managedBy]: TENANT_JOBS_MANAGED_BY,
          [TENANT_JOBS_LABELS.tenant]: scenario.tenantId,
          [TENANT_JOBS_LABELS.type]: scenario.jobType.id,
          [TENANT_JOBS_LABELS.priority]: scenario.priority,
          [TENANT_JOBS_LABELS.runId]: scenario.context.runId,
        };
        expect(job.metadata?.labels).toEqual(expect.objectContaining(labels));
        expect(job.spec?.template.metadata?.labels).toEqual(
          expect.objectContaining(labels),
        );
      }),
    );
  });

  it('runs the exec-form command and passes parameters as data only', () => {
    fc.assert(
      fc.property(scenarioArbitrary, scenario => {
        const job = build(scenario);
        const [container] = podSpecOf(job).containers;
        const command = container.command ?? [];
        expect(command).toEqual([...scenario.jobType.command]);
        expect(command.length).toBeGreaterThan(0);
        expect(SHELLS.has(basename(command[0]))).toBe(false);
        expect(command).not.toContain('-c');
        // The built-in types have no argument template.
        expect(container.args).toBeUndefined();

        const parameterEnv = Object.fromEntries(
          effectiveParameters(
            scenario.jobType,
            scenario.request.parameters ?? {},
          ).map(([name, value]) => [
            parameterEnvName(scenario.jobType, name),
            parameterValueToString(value),
          ]),
        );
        const env = container.env ?? [];
        for (const variable of env) {
          expect(isEnvVarName(variable.name)).toBe(true);
          expect(typeof variable.value).toBe('string');
          expect(variable).not.toHaveProperty('valueFrom');
        }
        expect(new Set(env.map(variable => variable.name)).size).toBe(
          env.length,
        );
        for (const [name, value] of Object.entries(parameterEnv)) {
          expect(env.find(variable => variable.name === name)?.value).toBe(
            value,
          );
        }
      }),
    );
  });
});
