import type { TenantJobResult } from './runResult';
import type { TenantJobRun } from './types';

/**
 * A condition of a run's Kubernetes Job, as the API returns it.
 *
 * @public
 */
export interface TenantJobCondition {
  /** `Complete`, `Failed`, `Suspended`, `FailureTarget`, `SuccessCriteriaMet`... */
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/**
 * One pod of a run: one attempt. Pods of a Job are attempts in the order
 * they were created.
 *
 * @public
 */
export interface TenantJobPod {
  name: string;
  /** The pod phase: Pending, Running, Succeeded, Failed or Unknown. */
  phase: string;
  nodeName?: string;
  /**
   * The cluster the pod runs on, when it is not the run's: the MultiKueue
   * worker its manager dispatched the Job to.
   */
  cluster?: string;
  createdAt?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Exit code of the job container once it terminated. */
  exitCode?: number;
  /**
   * Why the pod is where it is, e.g. `Unschedulable`, `ImagePullBackOff`,
   * `OOMKilled`, `Error`, `Completed`, `Evicted`, `Preempted`.
   */
  reason?: string;
  /** The detail in words, e.g. the scheduler's message. */
  message?: string;
  /** Container restarts in place. */
  restarts: number;
  /**
   * What the pod requested of its node, summed over its containers (an
   * init container's when larger): CPU cores, memory bytes and GPUs.
   */
  requests?: TenantJobPodRequests;
  /** When the job container started running, ISO 8601. */
  ranFrom?: string;
  /** When the job container stopped running, ISO 8601. */
  ranUntil?: string;
}

/**
 * A pod's requests, as numbers.
 *
 * @public
 */
export interface TenantJobPodRequests {
  cpuCores: number;
  memoryBytes: number;
  gpus: number;
}

/**
 * A Kubernetes event about a run's Job or one of its pods.
 *
 * @public
 */
export interface TenantJobEvent {
  /** `Normal` or `Warning`. */
  type: string;
  reason: string;
  message: string;
  /** `Job` or `Pod`. */
  objectKind: string;
  objectName: string;
  count: number;
  /** ISO 8601; when it was last seen. */
  lastSeen?: string;
}

/**
 * A run with what the tracker knows of its Job and pods.
 *
 * @public
 */
export interface TenantJobRunDetail extends TenantJobRun {
  conditions: TenantJobCondition[];
  /** Attempts, oldest first. */
  pods: TenantJobPod[];
  /** Whether the pods' logs were archived when the run finished. */
  logsArchived: boolean;
  /**
   * What the run reported as its result in its archived log, when it
   * printed a `TENANT_JOBS_RESULT {...}` line (see `TenantJobResult`).
   */
  result?: TenantJobResult;
}

/**
 * A page of runs. `nextCursor` is absent on the last page.
 *
 * @public
 */
export interface TenantJobRunPage {
  items: TenantJobRun[];
  nextCursor?: string;
}

/**
 * Figures of one tenant and job type over a window, for charts.
 *
 * @public
 */
export interface TenantJobStats {
  tenantId: string;
  jobType: string;
  total: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  active: number;
  /** succeeded / (succeeded + failed); absent when nothing finished. */
  successRate?: number;
  /** Seconds from start to finish of finished runs. */
  durationP50Seconds?: number;
  durationP95Seconds?: number;
  /** Seconds from submission to start. */
  queueWaitP50Seconds?: number;
  queueWaitP95Seconds?: number;
}

/**
 * What the signals channel of a tenant carries: a run changed.
 *
 * @public
 */
export interface TenantJobRunSignal {
  type: 'run-changed';
  runId: string;
  status: TenantJobRun['status'];
  reason?: string;
}

/**
 * The signals channel of a tenant's run changes. Only the tenant's members
 * receive what is published on it.
 *
 * @public
 */
export function tenantJobsSignalChannel(tenantId: string): string {
  return `tenant-jobs:${tenantId}`;
}
