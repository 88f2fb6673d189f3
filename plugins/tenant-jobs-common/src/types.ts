/**
 * The domain vocabulary of Tenant Jobs: job types, tiers, priorities,
 * plans and runs. Types only; the catalogs live in their own files.
 */

/**
 * Id of a job type: a DNS-1123 label of at most 30 characters. The
 * built-ins are {@link BuiltInJobTypeId}; app-config and the backend's
 * extension point add more.
 *
 * @public
 */
export type JobTypeId = string;

/**
 * Ids of the job types that ship with the plugin.
 *
 * @public
 */
export type BuiltInJobTypeId =
  | 'ml-training'
  | 'data-etl'
  | 'tenant-backup'
  | 'security-scan'
  | 'billing-report';

/**
 * Id of a resource tier, smallest first.
 *
 * @public
 */
export type TierId =
  | 'micro'
  | 'small'
  | 'medium'
  | 'large'
  | 'xlarge'
  | 'enterprise';

/**
 * Id of a priority, most urgent first.
 *
 * @public
 */
export type PriorityId = 'critical' | 'high' | 'normal' | 'low' | 'batch';

/**
 * Status of a run. `Queued` runs wait in the backend's per-tenant queue and
 * have no Kubernetes object yet; `Pending` runs have a Job whose pod is not
 * running yet.
 *
 * @public
 */
export type RunStatus =
  | 'Queued'
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Cancelled';

/**
 * A resource tier: what one job's single container gets. Requests equal
 * limits (see `tierResources`).
 *
 * @public
 */
export interface Tier {
  id: TierId;
  title: string;
  description: string;
  /** CPU as a Kubernetes quantity, e.g. `500m` or `2`. */
  cpu: string;
  /** Memory as a Kubernetes quantity, e.g. `1Gi`. */
  memory: string;
  /**
   * GPUs (`nvidia.com/gpu`) given to job types that need one. A GPU job type
   * cannot run on a tier without this.
   */
  gpu?: number;
  /** Size limit of the writable `/tmp` emptyDir, a Kubernetes quantity. */
  tmpSize: string;
}

/**
 * How a PriorityClass may treat running pods of lower priority.
 *
 * @public
 */
export type PreemptionPolicy = 'Never' | 'PreemptLowerPriority';

/**
 * A priority and the PriorityClass that carries it into the cluster.
 *
 * @public
 */
export interface Priority {
  id: PriorityId;
  title: string;
  description: string;
  /** Name of the cluster-scoped PriorityClass, `tenant-jobs-<id>`. */
  priorityClassName: string;
  /** The PriorityClass value; higher is scheduled first. */
  value: number;
  preemptionPolicy: PreemptionPolicy;
}

/**
 * JSON Schema of a string parameter. Always bounded by `maxLength`; free
 * text (no `enum`) should also carry a `pattern`.
 *
 * @public
 */
export interface StringParameterSchema {
  type: 'string';
  title?: string;
  description?: string;
  maxLength: number;
  minLength?: number;
  pattern?: string;
  enum?: readonly string[];
  default?: string;
  examples?: readonly string[];
}

/**
 * JSON Schema of a numeric parameter, bounded on both sides.
 *
 * @public
 */
export interface NumberParameterSchema {
  type: 'integer' | 'number';
  title?: string;
  description?: string;
  minimum: number;
  maximum: number;
  default?: number;
  examples?: readonly number[];
}

/**
 * JSON Schema of a boolean parameter.
 *
 * @public
 */
export interface BooleanParameterSchema {
  type: 'boolean';
  title?: string;
  description?: string;
  default?: boolean;
}

/**
 * JSON Schema of a list parameter of scalars, bounded by `maxItems`. It
 * reaches the container JSON-encoded.
 *
 * @public
 */
export interface ArrayParameterSchema {
  type: 'array';
  title?: string;
  description?: string;
  items: StringParameterSchema | NumberParameterSchema | BooleanParameterSchema;
  maxItems: number;
  minItems?: number;
  uniqueItems?: boolean;
  default?: readonly (string | number | boolean)[];
}

/**
 * JSON Schema of one job parameter.
 *
 * @public
 */
export type ParameterSchema =
  | StringParameterSchema
  | NumberParameterSchema
  | BooleanParameterSchema
  | ArrayParameterSchema;

/**
 * JSON Schema of a job type's parameters object. Valid under both draft-07
 * and draft 2020-12 (it uses no keyword whose meaning differs), closed with
 * `additionalProperties: false`. The backend validates requests against it
 * with ajv; the frontend and scaffolder render forms from it.
 *
 * @public
 */
export interface JobParametersSchema {
  type: 'object';
  title?: string;
  description?: string;
  properties: Readonly<Record<string, ParameterSchema>>;
  required?: readonly string[];
  additionalProperties: false;
}

/**
 * One entry of a job type's argument template. A string is passed as is; a
 * parameter reference becomes the parameter's value as its own argv entry,
 * preceded by `flag` when given, and is left out when the parameter is
 * absent. Values are never spliced into a string.
 *
 * @public
 */
export type JobArgument = string | { param: string; flag?: string };

/**
 * A job type (template): what runs, with which parameters, on which tiers.
 *
 * @public
 */
export interface JobTypeDefinition {
  id: JobTypeId;
  title: string;
  description: string;
  /** A grouping for the UI, e.g. `ml`, `data`, `infrastructure`. */
  category: string;
  /** Container image, pinned by tag or digest. */
  image: string;
  /** Entrypoint in exec form; never a shell string built from input. */
  command: readonly string[];
  /** Optional argument template appended after `command`. */
  args?: readonly JobArgument[];
  parameterSchema: JobParametersSchema;
  defaultTier: TierId;
  /** Tiers a request may choose; must include `defaultTier`. */
  allowedTiers: readonly TierId[];
  /** The Job's activeDeadlineSeconds and the upper bound of any override. */
  defaultDeadlineSeconds: number;
  /** The Job's backoffLimit: retries after the first failed attempt. */
  retries: number;
  /** Whether the job needs a GPU; only tiers with `gpu` may run it. */
  gpu?: boolean;
  /**
   * Environment variable names for parameters, keyed by parameter name.
   * Parameters not listed get `TJ_PARAM_<NAME>` (`learningRate` becomes
   * `TJ_PARAM_LEARNING_RATE`).
   */
  env?: Readonly<Record<string, string>>;
  /**
   * Names of Secrets in the tenant's namespace whose keys become environment
   * variables of every run of this type. Chosen by the operator, never by
   * the requester.
   */
  secretRefs?: readonly string[];
  /**
   * Node labels the job's pods must match, e.g. a dedicated node pool;
   * merged with the GPU node selector of GPU types.
   */
  nodeSelector?: Readonly<Record<string, string>>;
  /**
   * For the simulated local cluster only: the value of the pod annotation
   * `tenant-jobs.io/simulate` (e.g. `fail=42,duration=5s`), so tests and
   * demos can define types that fail or run long. Real clusters ignore it.
   */
  simulate?: string;
}

/**
 * A tenant's quota: the namespace ResourceQuota.
 *
 * @public
 */
export interface TenantQuota {
  /** CPU over all the tenant's pods (requests and limits), e.g. `16`. */
  cpu: string;
  /** Memory over all the tenant's pods (requests and limits), e.g. `64Gi`. */
  memory: string;
  /** GPUs; none when absent. */
  gpu?: number;
  /** Pods at once; see `DEFAULT_PLAN_LIMITS`. */
  pods?: number;
  /** Job objects kept in the namespace, finished ones included. */
  jobs?: number;
  /**
   * Pods at once at a priority above `normal` (`high`, `critical`); half
   * of `pods`, rounded up, when absent. Enforced by a ResourceQuota scoped
   * to those PriorityClasses.
   */
  highPriorityPods?: number;
}

/**
 * A plan: what a tenant may run and how much of the cluster it may use.
 * Mirrors `tenantJobs.plans.<id>` in app-config.
 *
 * @public
 */
export interface TenantPlan {
  id: string;
  /** The largest tier a job of this plan may ask for. */
  maxTier: TierId;
  /** Job type ids this plan may run; all when absent. */
  allowedJobTypes?: readonly JobTypeId[];
  /** How many of the tenant's jobs may run at once; see `DEFAULT_PLAN_LIMITS`. */
  maxConcurrentJobs?: number;
  /**
   * The most urgent priority the tenant may use; `high` when absent, so
   * `critical` (which may evict other tenants' pods) needs a plan the
   * platform team granted it.
   */
  maxPriority?: PriorityId;
  /**
   * How many schedules the tenant may keep (each is a CronJob, also
   * bounded by `count/cronjobs.batch` in its ResourceQuota); see
   * `DEFAULT_PLAN_LIMITS`.
   */
  maxSchedules?: number;
  /** How many trigger rules the tenant may keep; see `DEFAULT_PLAN_LIMITS`. */
  maxTriggers?: number;
  quota: TenantQuota;
}

/**
 * A run as the REST API returns it.
 *
 * @public
 */
export interface TenantJobRun {
  /** Server-generated run id; also the `tenant-jobs.io/run-id` label. */
  id: string;
  tenantId: string;
  jobType: JobTypeId;
  tier: TierId;
  priority: PriorityId;
  status: RunStatus;
  /** Machine-readable reason of the latest status, e.g. `DeadlineExceeded`. */
  reason?: string;
  /** Human-readable detail of the latest status. */
  message?: string;
  parameters: Record<string, unknown>;
  /** ISO 8601 timestamps. */
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Pods started so far. */
  attempts: number;
  /** Seconds from start to finish (or to now while it runs). */
  durationSeconds?: number;
  /** Seconds from submission to start. */
  queueWaitSeconds?: number;
  cluster: string;
  namespace: string;
  /** The Kubernetes Job name. */
  jobName: string;
  /** The Kubernetes Job uid once created. */
  uid?: string;
  /** Entity ref of the user who submitted the run. */
  submittedBy: string;
  /** Entity ref of the catalog entity the run was launched from. */
  entityRef?: string;
  dryRun: boolean;
  /** When the run got one of its tenant's slots; absent while it waits. */
  releasedAt?: string;
  /** Where a run waiting in its tenant's queue stands; absent otherwise. */
  queue?: TenantJobQueuePlace;
}

/**
 * Where a run stands in its tenant's queue.
 *
 * @public
 */
export interface TenantJobQueuePlace {
  /** 1 for the next run to start. */
  position: number;
  /** Runs of the tenant holding a slot now. */
  running: number;
  /** The tenant's slots: its plan's `maxConcurrentJobs`. */
  slots: number;
  /**
   * When it may start, from the tenant's median run time over the last
   * week; absent without history.
   */
  estimatedStartAt?: string;
}
