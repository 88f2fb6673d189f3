/**
 * Label and annotation keys, names and prefixes shared by every Tenant Jobs
 * package. The backend selects, the tracker watches and the frontend filters
 * by these, so they are part of the public contract.
 */

/**
 * Label keys put on every tenant namespace object, Job and pod.
 *
 * @public
 */
export const TENANT_JOBS_LABELS = {
  /** Always `tenant-jobs`; selects everything the plugin owns. */
  managedBy: 'app.kubernetes.io/managed-by',
  /** The tenant id. */
  tenant: 'tenant-jobs.io/tenant',
  /** The job type id (Jobs and pods only). */
  type: 'tenant-jobs.io/type',
  /** The priority id (Jobs and pods only). */
  priority: 'tenant-jobs.io/priority',
  /** The server-generated run id (Jobs and pods only). */
  runId: 'tenant-jobs.io/run-id',
} as const;

/**
 * Value of the `app.kubernetes.io/managed-by` label.
 *
 * @public
 */
export const TENANT_JOBS_MANAGED_BY = 'tenant-jobs';

/**
 * Annotation keys used on Kubernetes objects and on catalog entities.
 *
 * @public
 */
export const TENANT_JOBS_ANNOTATIONS = {
  /**
   * On a Job and its pods: the catalog entity the run was launched from.
   * Entity refs are not valid label values, hence an annotation.
   */
  entityRef: 'tenant-jobs.io/entity-ref',
  /** On a catalog entity: the tenant the entity belongs to. */
  tenantId: 'tenant-jobs.io/tenant-id',
  /** On a catalog Group: the plan of the tenant it owns. */
  plan: 'tenant-jobs.io/plan',
  /**
   * On a Job (and a schedule's Job template): what the backend needs to
   * rebuild its run from the Job alone if the database lost it (see
   * `runOriginAnnotations`). The submitter, as a user entity ref.
   */
  submittedBy: 'tenant-jobs.io/submitted-by',
  /** On a Job: when the run was submitted, ISO 8601. */
  submittedAt: 'tenant-jobs.io/submitted-at',
  /** On a Job: the resolved resource tier. */
  tier: 'tenant-jobs.io/tier',
  /** On a Job: the run's parameters as JSON. */
  parameters: 'tenant-jobs.io/parameters',
  /** On a Job: the idempotency key the run was submitted with. */
  idempotencyKey: 'tenant-jobs.io/idempotency-key',
  /** On a Job: the trigger rule that launched the run. */
  triggerId: 'tenant-jobs.io/trigger-id',
} as const;

/**
 * Prefix of the only pod annotations a caller may pass through to a Job's
 * pod template. They steer simulated outcomes on the local KWOK cluster
 * (tests only).
 *
 * @public
 */
export const SIMULATION_ANNOTATION_PREFIX = 'tenant-jobs.io/simulate';

/**
 * Name of the ServiceAccount jobs run as in every tenant namespace.
 *
 * @public
 */
export const RUNNER_SERVICE_ACCOUNT_NAME = 'tenant-jobs-runner';

/**
 * Name of the default-deny NetworkPolicy in every tenant namespace.
 *
 * @public
 */
export const DEFAULT_DENY_NETWORK_POLICY_NAME = 'tenant-jobs-default-deny';

/**
 * Name of the ResourceQuota in every tenant namespace.
 *
 * @public
 */
export const TENANT_QUOTA_NAME = 'tenant-jobs-quota';

/**
 * Name of the ResourceQuota that allows no pod at a priority the tenant's
 * plan does not allow.
 *
 * @public
 */
export const PRIORITY_CEILING_QUOTA_NAME = 'tenant-jobs-priority-ceiling';

/**
 * Name of the ResourceQuota that bounds the tenant's pods above `normal`.
 *
 * @public
 */
export const HIGH_PRIORITY_QUOTA_NAME = 'tenant-jobs-high-priority';

/**
 * Name of the LimitRange in every tenant namespace.
 *
 * @public
 */
export const TENANT_LIMIT_RANGE_NAME = 'tenant-jobs-limits';

/**
 * Name of the single container of every Job's pod.
 *
 * @public
 */
export const JOB_CONTAINER_NAME = 'job';

/**
 * Exit code with which a job's container says "retrying will not help":
 * the Job's pod failure policy fails the whole Job at once.
 *
 * @public
 */
export const NON_RETRIABLE_EXIT_CODE = 42;

/**
 * Prefix of the environment variables that carry job parameters
 * (`learningRate` becomes `TJ_PARAM_LEARNING_RATE`).
 *
 * @public
 */
export const PARAMETER_ENV_PREFIX = 'TJ_PARAM_';

/**
 * Node label that marks GPU nodes; GPU jobs select `gpu` on it.
 *
 * @public
 */
export const NODE_CLASS_LABEL = 'tenant-jobs.io/node-class';

/**
 * The extended resource name of NVIDIA GPUs, also the key of their taint.
 *
 * @public
 */
export const GPU_RESOURCE_NAME = 'nvidia.com/gpu';

/**
 * Default namespace pattern; `{tenant}` is replaced by the tenant id.
 *
 * @public
 */
export const DEFAULT_NAMESPACE_PATTERN = 'tenant-{tenant}';

/**
 * Default seconds a finished Job is kept before Kubernetes deletes it.
 *
 * @public
 */
export const DEFAULT_TTL_SECONDS_AFTER_FINISHED = 86400;
