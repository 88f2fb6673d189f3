/** Status of a run, as the tracker last saw it. */
export type RunStatus =
  | 'Queued'
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Cancelled';

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
};

/** What a submission records before it is sent to the cluster. */
export type NewRun = Omit<
  RunRecord,
  'status' | 'attempts' | 'createdAt' | 'updatedAt' | 'startedAt' | 'finishedAt'
> & { status?: RunStatus };

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

export const FINAL_STATUSES: ReadonlySet<RunStatus> = new Set([
  'Succeeded',
  'Failed',
  'Cancelled',
]);
