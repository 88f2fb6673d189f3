import type { AuditAction, AuditOutcome } from '../../api';

/** Each audited action in words, in the order the filter offers them. */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  'run-submit': 'Submit a run',
  'run-cancel': 'Cancel a run',
  'run-retry': 'Retry a run',
  'schedule-create': 'Create a schedule',
  'schedule-pause': 'Pause a schedule',
  'schedule-resume': 'Resume a schedule',
  'schedule-run': 'Run a schedule now',
  'schedule-delete': 'Delete a schedule',
  'trigger-create': 'Create a trigger rule',
  'trigger-delete': 'Delete a trigger rule',
  'trigger-launch': 'Launch by a trigger rule',
  'configuration-import': 'Import a configuration',
  'tenant-provision': 'Provision a tenant',
  'request-refused': 'Another refused request',
};

export const AUDIT_OUTCOME_LABELS: Record<AuditOutcome, string> = {
  succeeded: 'Succeeded',
  refused: 'Refused',
  failed: 'Failed',
};

/**
 * What an event's detail says: its message (with the HTTP status of a
 * refusal), else its fields as JSON.
 */
export function detailText(detail: Record<string, unknown> | undefined) {
  if (!detail || Object.keys(detail).length === 0) return '';
  const { message, status, ...rest } = detail;
  if (typeof message === 'string') {
    return typeof status === 'number' ? `${message} (HTTP ${status})` : message;
  }
  return JSON.stringify(
    typeof status === 'number' ? { status, ...rest } : detail,
  );
}

/** An actor typed in the filter: an entity ref, or a user name in `default`. */
export function actorRef(text: string): string | undefined {
  const value = text.trim();
  if (!value) return undefined;
  return value.includes(':') ? value : `user:default/${value.toLowerCase()}`;
}

/** A `datetime-local` value (the user's time zone) as ISO 8601, or undefined. */
export function isoOfLocal(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** A time as a `datetime-local` value in the user's time zone, to the minute. */
export function localOf(time: number): string {
  const date = new Date(time);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(
    date.getDate(),
  )}T${two(date.getHours())}:${two(date.getMinutes())}`;
}
