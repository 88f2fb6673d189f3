import type {
  RunStatus,
  TenantJobCondition,
  TenantJobEvent,
  TenantJobPod,
} from '@tenant-jobs/plugin-tenant-jobs-common';

export type { RunStatus };

/** What the tracker last saw of a run's Job and pods. */
export type RunObserved = {
  conditions: TenantJobCondition[];
  pods: TenantJobPod[];
};

/** One submission of a tenant job, as stored. */
export type RunRecord = {
  id: string;
  tenantId: string;
  jobType: string;
  tier: string;
  priority: string;
  status: RunStatus;
  reason?: string;
  message?: string;
  /** The validated request, as submitted. */
  request: Record<string, unknown>;
  entityRef?: string;
  submittedBy: string;
  idempotencyKey?: string;
  cluster: string;
  namespace: string;
  k8sName: string;
  k8sUid?: string;
  attempts: number;
  retryOf?: string;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** resourceVersion of the newest observation applied. */
  observedVersion?: number;
  observed?: RunObserved;
  /** When the logs and events of the finished run were archived. */
  archivedAt?: string;
  /**
   * When the run got one of its tenant's slots; absent while it waits in
   * the tenant's queue (its Job suspended).
   */
  releasedAt?: string;
  /** The schedule that created the run, if any. */
  scheduleId?: string;
};

/** What a submission records before it is sent to the cluster. */
export type NewRun = Omit<
  RunRecord,
  | 'status'
  | 'attempts'
  | 'createdAt'
  | 'updatedAt'
  | 'startedAt'
  | 'finishedAt'
  | 'observedVersion'
  | 'observed'
  | 'archivedAt'
  | 'releasedAt'
> & {
  status?: RunStatus;
  releasedAt?: string;
  /** When it was submitted, if not now (a run rebuilt from its Job). */
  createdAt?: string;
};

/** A change of a run's state; absent fields stay as they are. */
export type RunUpdate = Partial<
  Pick<
    RunRecord,
    | 'status'
    | 'reason'
    | 'message'
    | 'k8sUid'
    | 'attempts'
    | 'startedAt'
    | 'finishedAt'
  >
>;

/**
 * Statuses of runs that are not finished. Of these, a run holds one of its
 * tenant's slots once released; a Queued run without `releasedAt` waits.
 */
export const ACTIVE_STATUSES: ReadonlySet<RunStatus> = new Set([
  'Queued',
  'Pending',
  'Running',
]);

export const FINAL_STATUSES: ReadonlySet<RunStatus> = new Set([
  'Succeeded',
  'Failed',
  'Cancelled',
]);

/** What the tracker saw, applied only when newer than what is recorded. */
export type RunObservationUpdate = {
  status: RunStatus;
  reason: string;
  message: string;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  /** uid of the observed Job; the watch may see it before the submit records it. */
  k8sUid?: string;
  /**
   * Namespace of the observed Job. An observation applies only to the run
   * whose namespace it names (and whose Job uid, once recorded, it has): a
   * Job elsewhere that carries the run's id label is not its Job.
   */
  namespace?: string;
  /** resourceVersion of the newest object this was derived from. */
  version: number;
  observed: RunObserved;
};

/** Filters of run lists; every field narrows. */
export type RunFilter = {
  tenantIds?: string[];
  entityRef?: string;
  statuses?: RunStatus[];
  jobTypes?: string[];
  priorities?: string[];
  submittedBy?: string;
  /** Runs the schedule created. */
  scheduleId?: string;
  /** ISO 8601 bounds on when runs were submitted. */
  createdAfter?: string;
  createdBefore?: string;
};

/** The archived logs and events of a finished run. */
export type RunArchive = {
  logs: Array<{ podName: string; log: string; truncated: boolean }>;
  events: TenantJobEvent[];
};

/** Timing figures of one run, for statistics. */
export type RunTiming = {
  tenantId: string;
  jobType: string;
  status: RunStatus;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
};
