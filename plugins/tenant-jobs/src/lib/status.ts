import type { RunStatus } from '@tenant-jobs/plugin-tenant-jobs-common';

/** Statuses that still hold a slot or wait for one. */
export const ACTIVE_STATUSES: readonly RunStatus[] = [
  'Queued',
  'Pending',
  'Running',
];

export function isActive(status: RunStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

/** Whether a run may be cancelled (it has not finished). */
export const canCancel = isActive;

/** Whether a run may be retried (it finished). */
export function canRetry(status: RunStatus): boolean {
  return !isActive(status);
}

/** The reasons of a run in words, for the list and the timeline. */
const REASONS: Record<string, string> = {
  Unschedulable: 'no node can take it',
  QuotaExceeded: "over the tenant's quota",
  ImagePullBackOff: 'its image cannot be pulled',
  ErrImagePull: 'its image cannot be pulled',
  BackOff: 'retrying after a failed attempt',
  Preempted: 'preempted by a more urgent job',
  Evicted: 'evicted from its node',
  Completed: 'completed',
  BackoffLimitExceeded: 'every attempt failed',
  OOMKilled: 'ran out of memory',
  DeadlineExceeded: 'ran past its deadline',
  PodFailurePolicy: 'failed in a way retrying will not fix',
  Lost: 'its Job disappeared',
  CancelledByUser: 'cancelled by a user',
  Released: 'a slot is free, starting',
  WaitingForSlot: "waiting for a slot in the tenant's queue",
  NotCreated: 'its Job is being created',
  NoPod: 'waiting for its pod',
  ContainerCreating: 'starting its container',
  CrashLoopBackOff: 'its container keeps crashing',
  Expired: 'expired before it could start',
};

export function describeReason(reason: string | undefined): string | undefined {
  if (!reason) return undefined;
  return REASONS[reason] ?? reason.replace(/([a-z])([A-Z])/g, '$1 $2');
}
