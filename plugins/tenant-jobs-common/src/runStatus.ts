import { deepFreeze } from './deepFreeze';
import type { RunStatus } from './types';

/**
 * Every run status, in lifecycle order.
 *
 * @public
 */
export const RUN_STATUSES: readonly RunStatus[] = deepFreeze<RunStatus[]>([
  'Queued',
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'Cancelled',
]);

const TERMINAL: ReadonlySet<RunStatus> = new Set<RunStatus>([
  'Succeeded',
  'Failed',
  'Cancelled',
]);

/**
 * Whether `value` is a run status.
 *
 * @public
 */
export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === 'string' && RUN_STATUSES.includes(value as RunStatus);
}

/**
 * Whether a run in this status is finished for good. A terminal status
 * never changes again; the tracker must not move a run out of it.
 *
 * @public
 */
export function isTerminalRunStatus(status: RunStatus): boolean {
  return TERMINAL.has(status);
}
