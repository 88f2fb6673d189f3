import type {
  V1EnvFromSource,
  V1EnvVar,
  V1Job,
  V1PodFailurePolicy,
  V1Toleration,
} from '@kubernetes/client-node';
import {
  DEFAULT_TTL_SECONDS_AFTER_FINISHED,
  GPU_RESOURCE_NAME,
  JOB_CONTAINER_NAME,
  NODE_CLASS_LABEL,
  NON_RETRIABLE_EXIT_CODE,
  RUNNER_SERVICE_ACCOUNT_NAME,
  SIMULATION_ANNOTATION_PREFIX,
  TENANT_JOBS_ANNOTATIONS,
} from '../constants';
import {
  isDns1123Label,
  isDns1123Subdomain,
  isLabelValue,
  isQualifiedKey,
  isValidTenantId,
} from '../names';
import { isCompleteEntityRef } from '../entityRefs';
import { getPriority } from '../priorities';
import { getTier, tierResources } from '../tiers';
import type { JobTypeDefinition, PriorityId, TierId } from '../types';
import type { JobRequest } from '../request';
import { runLabels } from './labels';
import { RunOrigin, runOriginAnnotations } from './runOrigin';
import { RUN_ENV, buildArgs, buildParameterEnv } from './parameters';
import { restrictedPodSecurityViolations } from './podSecurity';
import {
  containerSecurityContext,
  podSecurityContext,
} from './securityContext';

const TMP_VOLUME = 'tmp';
const MAX_ANNOTATION_VALUE_LENGTH = 1024;

/**
 * The part of a submit request the manifest builder reads.
 *
 * @public
 */
export type BuildJobRequest = Pick<
  JobRequest,
  'tenantId' | 'jobType' | 'parameters' | 'entityRef'
>;

/**
 * What the backend has decided about a run before its Job is built.
 *
 * @public
 */
export interface BuildJobContext {
  /** The effective job type: the built-in or configured one with overrides. */
  jobType: JobTypeDefinition;
  /** The tenant's namespace, see `tenantNamespaceName`. */
  namespace: string;
  /** The server-generated run id; a valid label value. */
  runId: string;
  /** The Job name, see `buildRunName`. */
  jobName: string;
  /** The resolved tier: the request's, else the type's default. */
  tier: TierId;
  /** The resolved priority. */
  priority: PriorityId;
  /**
   * A shorter deadline than the type's `defaultDeadlineSeconds`; longer
   * values are cut to the default, which is the upper bound.
   */
  deadlineSeconds?: number;
  /** Seconds a finished Job is kept; one day by default. */
  ttlSecondsAfterFinished?: number;
  /**
   * Further Secrets of the tenant's namespace to expose as environment
   * variables, besides the type's own `secretRefs`. Chosen by the backend.
   */
  secretRefs?: readonly string[];
  /**
   * Pod annotations for tests on the simulated cluster. Only keys starting
   * with `tenant-jobs.io/simulate` are accepted.
   */
  annotations?: Readonly<Record<string, string>>;
  /**
   * Who launched the run and how, recorded on the Job (with its tier,
   * parameters and entity) so that its run can be rebuilt from the Job
   * alone; see `readRunOrigin`.
   */
  origin?: Omit<RunOrigin, 'tier' | 'parameters' | 'entityRef'>;
}

function requireThat(condition: boolean, message: string): void {
  if (!condition) {
    throw new Error(message);
  }
}

function isWholeNumber(value: number, min: number): boolean {
  return Number.isInteger(value) && value >= min;
}

function resolveDeadline(jobType: JobTypeDefinition, override?: number) {
  if (override === undefined) {
    return jobType.defaultDeadlineSeconds;
  }
  requireThat(
    isWholeNumber(override, 1),
    `Deadline must be a positive whole number of seconds, got ${override}`,
  );
  return Math.min(override, jobType.defaultDeadlineSeconds);
}

function simulationAnnotations(
  annotations: Readonly<Record<string, string>> = {},
): Record<string, string> {
  for (const [key, value] of Object.entries(annotations)) {
    requireThat(
      key.startsWith(SIMULATION_ANNOTATION_PREFIX) && isQualifiedKey(key),
      `Annotation '${key}' may not be passed to a job; only ${SIMULATION_ANNOTATION_PREFIX}* may`,
    );
    requireThat(
      typeof value === 'string' && value.length <= MAX_ANNOTATION_VALUE_LENGTH,
      `Annotation '${key}' must be a string of at most ${MAX_ANNOTATION_VALUE_LENGTH} characters`,
    );
  }
  return { ...annotations };
}

function secretEnv(names: readonly string[]): V1EnvFromSource[] {
  const unique = [...new Set(names)];
  for (const name of unique) {
    requireThat(isDns1123Subdomain(name), `Invalid Secret name '${name}'`);
  }
  return unique.map(name => ({ secretRef: { name, optional: false } }));
}

/**
 * The pod failure policy of every Job: a pod evicted or preempted
 * (condition `DisruptionTarget`) is replaced without using up a retry, and
 * exit code 42 fails the whole Job at once (the program says retrying is
 * pointless, e.g. for invalid input).
 *
 * @public
 */
export function buildPodFailurePolicy(): V1PodFailurePolicy {
  return {
    rules: [
      {
        action: 'Ignore',
        onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }],
      },
      {
        action: 'FailJob',
        onExitCodes: {
          containerName: JOB_CONTAINER_NAME,
          operator: 'In',
          values: [NON_RETRIABLE_EXIT_CODE],
        },
      },
    ],
  };
}

/**
 * The toleration GPU jobs carry for the `nvidia.com/gpu` taint of GPU nodes.
 *
 * @public
 */
export function gpuToleration(): V1Toleration {
  return { key: GPU_RESOURCE_NAME, operator: 'Exists', effect: 'NoSchedule' };
}

/**
 * Builds the Job of one run. Pure: it returns a client-node `V1Job` object
 * and never YAML or shell text. Parameters reach the container only as
 * environment variables (and as separate argv entries where the type's
 * argument template asks for them); `command` is the type's, untouched.
 *
 * Throws when the input is incoherent (an invalid name, a parameter the type
 * does not declare, a tier the type does not allow, a GPU type on a tier
 * without GPU, a pod that would break the `restricted` Pod Security
 * Standard): the backend's validation and admission must have refused such
 * requests, so a throw here is a bug, not a user error.
 *
 * @public
 */
export function buildJob(
  request: BuildJobRequest,
  context: BuildJobContext,
): V1Job {
  const { jobType, namespace, runId, jobName } = context;
  requireThat(
    isValidTenantId(request.tenantId),
    `Invalid tenant id '${request.tenantId}'`,
  );
  requireThat(
    request.jobType === jobType.id,
    `Request is for job type '${request.jobType}', context for '${jobType.id}'`,
  );
  requireThat(isDns1123Label(namespace), `Invalid namespace '${namespace}'`);
  requireThat(isDns1123Label(jobName), `Invalid Job name '${jobName}'`);
  requireThat(
    runId !== '' && isLabelValue(runId),
    `Run id '${runId}' is not a valid label value`,
  );
  requireThat(
    request.entityRef === undefined || isCompleteEntityRef(request.entityRef),
    `Invalid entity ref '${request.entityRef}'`,
  );
  requireThat(
    jobType.allowedTiers.includes(context.tier),
    `Tier '${context.tier}' is not allowed for job type '${jobType.id}'`,
  );
  const ttlSecondsAfterFinished =
    context.ttlSecondsAfterFinished ?? DEFAULT_TTL_SECONDS_AFTER_FINISHED;
  requireThat(
    isWholeNumber(ttlSecondsAfterFinished, 0),
    `ttlSecondsAfterFinished must be a whole number >= 0, got ${ttlSecondsAfterFinished}`,
  );

  const tier = getTier(context.tier);
  const priority = getPriority(context.priority);
  const gpu = Boolean(jobType.gpu);
  const labels = runLabels({
    tenantId: request.tenantId,
    jobType: jobType.id,
    priority: priority.id,
    runId,
  });
  const entityAnnotations: Record<string, string> = request.entityRef
    ? { [TENANT_JOBS_ANNOTATIONS.entityRef]: request.entityRef }
    : {};
  // The Job records its run's origin, when given, so the run can be
  // rebuilt from the Job alone; else only its entity.
  const jobAnnotations: Record<string, string> = context.origin
    ? runOriginAnnotations({
        ...context.origin,
        tier: tier.id,
        parameters: request.parameters ?? {},
        entityRef: request.entityRef,
      })
    : { ...entityAnnotations };
  const podAnnotations = {
    ...entityAnnotations,
    ...simulationAnnotations({
      ...(jobType.simulate
        ? { [SIMULATION_ANNOTATION_PREFIX]: jobType.simulate }
        : {}),
      ...context.annotations,
    }),
  };
  const nodeSelector: Record<string, string> = {
    ...jobType.nodeSelector,
    ...(gpu ? { [NODE_CLASS_LABEL]: 'gpu' } : {}),
  };
  for (const [key, value] of Object.entries(nodeSelector)) {
    requireThat(
      isQualifiedKey(key) && isLabelValue(value),
      `Invalid node selector ${key}=${value}`,
    );
  }

  const env: V1EnvVar[] = [
    { name: RUN_ENV.tenantId, value: request.tenantId },
    { name: RUN_ENV.runId, value: runId },
    { name: RUN_ENV.jobType, value: jobType.id },
    { name: RUN_ENV.tier, value: tier.id },
    { name: RUN_ENV.priority, value: priority.id },
    { name: RUN_ENV.home, value: '/tmp' },
    { name: RUN_ENV.tmpDir, value: '/tmp' },
    ...buildParameterEnv(jobType, request.parameters ?? {}),
  ];
  const envFrom = secretEnv([
    ...(jobType.secretRefs ?? []),
    ...(context.secretRefs ?? []),
  ]);
  const args = buildArgs(jobType, request.parameters ?? {});

  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName,
      namespace,
      labels: { ...labels },
      ...(Object.keys(jobAnnotations).length > 0
        ? { annotations: jobAnnotations }
        : {}),
    },
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: jobType.retries,
      activeDeadlineSeconds: resolveDeadline(jobType, context.deadlineSeconds),
      ttlSecondsAfterFinished,
      podFailurePolicy: buildPodFailurePolicy(),
      template: {
        metadata: {
          labels: { ...labels },
          ...(Object.keys(podAnnotations).length > 0
            ? { annotations: podAnnotations }
            : {}),
        },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: RUNNER_SERVICE_ACCOUNT_NAME,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          priorityClassName: priority.priorityClassName,
          securityContext: podSecurityContext(),
          ...(Object.keys(nodeSelector).length > 0 ? { nodeSelector } : {}),
          ...(gpu ? { tolerations: [gpuToleration()] } : {}),
          containers: [
            {
              name: JOB_CONTAINER_NAME,
              image: jobType.image,
              imagePullPolicy: 'IfNotPresent',
              command: [...jobType.command],
              ...(args ? { args } : {}),
              env,
              ...(envFrom.length > 0 ? { envFrom } : {}),
              resources: tierResources(tier, { gpu }),
              securityContext: containerSecurityContext(),
              terminationMessagePolicy: 'FallbackToLogsOnError',
              volumeMounts: [{ name: TMP_VOLUME, mountPath: '/tmp' }],
            },
          ],
          volumes: [
            { name: TMP_VOLUME, emptyDir: { sizeLimit: tier.tmpSize } },
          ],
        },
      },
    },
  } satisfies V1Job;

  const violations = restrictedPodSecurityViolations(
    job.spec.template.spec,
    job.spec.template.metadata,
  );
  requireThat(
    violations.length === 0,
    `Job '${jobName}' would break the restricted Pod Security Standard: ${violations.join(
      '; ',
    )}`,
  );
  return job;
}
