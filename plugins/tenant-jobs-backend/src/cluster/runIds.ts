import type { V1Job, V1Pod } from '@kubernetes/client-node';
import {
  SCHEDULE_ID_LABEL,
  TENANT_JOBS_LABELS,
} from '@tenant-jobs/plugin-tenant-jobs-common';

/** The Job controller's label on pods: the uid of their Job. */
const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';

/** Whether a schedule's CronJob created this Job or pod. */
export function isScheduled(object: V1Job | V1Pod): boolean {
  return Boolean(object.metadata?.labels?.[SCHEDULE_ID_LABEL]);
}

/**
 * The run a Job or pod belongs to: its run-id label; for the Jobs of a
 * schedule (which carry none) the Job's uid, which is also the run id the
 * schedule's runs are recorded under.
 */
export function runIdOf(object: V1Job | V1Pod): string | undefined {
  const labels = object.metadata?.labels;
  const runId = labels?.[TENANT_JOBS_LABELS.runId];
  if (runId) return runId;
  if (!labels?.[SCHEDULE_ID_LABEL]) return undefined;
  return object.kind === 'Pod' || (object as V1Pod).spec?.containers
    ? labels[CONTROLLER_UID_LABEL]
    : object.metadata?.uid;
}
