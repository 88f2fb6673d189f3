/*
 * Label values of the plugin's metrics, each from a bounded set: the
 * tenants, job types and priorities that exist, fixed enums for outcomes
 * and reasons, and `other` for anything else. Never a run id, a user, a
 * namespace or a message: a caller who sends a million made-up tenant ids
 * adds no series.
 */
import { isError } from '@backstage/errors';
import { isPriorityId } from '@tenant-jobs/plugin-tenant-jobs-common';
import { QuotaExceededError } from '../kubernetes/errors';
import { statusOf } from '../lib/errorStatus';

import { OTHER } from '../lib/labels';

export { OTHER };
/** The tenant label of a request whose tenant is not a known tenant. */
export const UNKNOWN_TENANT = 'unknown';

/** What became of a submission (`POST /runs`, or a retry). */
export type SubmissionOutcome =
  /** A run was recorded (running, or waiting in the tenant's queue). */
  | 'created'
  /** The idempotency key named an earlier run with the same request. */
  | 'replayed'
  /** A dry run was judged; nothing was created. */
  | 'dry_run'
  /** Refused with a 4xx: the caller can act on the reason. */
  | 'refused'
  /** Failed with a 5xx: the platform's problem (cluster, database, bug). */
  | 'failed';

/**
 * Why a submission was refused or failed, as a fixed enum. `none` when it
 * was not; `other` when the reason is none of these (a new refusal not
 * mapped yet shows up there).
 */
export const SUBMISSION_REASONS = [
  'none',
  // before the request reaches the plan
  'unauthenticated',
  'invalid_request',
  'body_too_large',
  'unsupported_media_type',
  'not_a_member',
  'unknown_tenant',
  'tenant_refused',
  // the tenant's plan and catalog
  'job_type_not_allowed',
  'tier_not_allowed',
  'priority_not_allowed',
  'invalid_parameters',
  'entity_not_of_tenant',
  'idempotency_conflict',
  'concurrency_limit',
  'queue_full',
  // the cluster
  'quota_exceeded',
  'cluster_refused',
  // retries
  'run_not_found',
  'run_not_finished',
  // generic refusals by status
  'forbidden',
  'not_found',
  'conflict',
  // failures (5xx)
  'cluster_unavailable',
  'internal',
  OTHER,
] as const;

export type SubmissionReason = (typeof SUBMISSION_REASONS)[number];

/** Message patterns of the plugin's refusals, most specific first. */
const MESSAGE_REASONS: Array<[RegExp, SubmissionReason]> = [
  [/^jobType: /, 'job_type_not_allowed'],
  [/^tier: /, 'tier_not_allowed'],
  [/^priority: /, 'priority_not_allowed'],
  [/^entityRef: /, 'entity_not_of_tenant'],
  [/^idempotencyKey: /, 'idempotency_conflict'],
  [/^Invalid parameters for job type /, 'invalid_parameters'],
  [/maxQueuedPerTenant/, 'queue_full'],
  [/maxConcurrentJobs/, 'concurrency_limit'],
  [/^You may not launch jobs for tenant /, 'not_a_member'],
  [/^No tenant '/, 'unknown_tenant'],
  [/^Tenant '[^']*' cannot be used: /, 'tenant_refused'],
  [/exists and is not managed by Tenant Jobs/, 'tenant_refused'],
  [/^No tenant job run with id /, 'run_not_found'],
  [/^Run \S+ is still \w+; cancel it or wait/, 'run_not_finished'],
  [/^Cluster '[^']*' would refuse /, 'cluster_refused'],
];

const REASON_BY_STATUS: Record<number, SubmissionReason> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'body_too_large',
  415: 'unsupported_media_type',
};

/** The outcome and reason of a submission that threw `error`. */
export function classifySubmissionError(error: unknown): {
  outcome: 'refused' | 'failed';
  reason: SubmissionReason;
} {
  const status = statusOf(error);
  if (status >= 500) {
    const unavailable =
      isError(error) && error.name === 'ServiceUnavailableError';
    return {
      outcome: 'failed',
      reason: unavailable ? 'cluster_unavailable' : 'internal',
    };
  }
  if (error instanceof QuotaExceededError) {
    return { outcome: 'refused', reason: 'quota_exceeded' };
  }
  const message = isError(error) ? error.message : '';
  for (const [pattern, reason] of MESSAGE_REASONS) {
    if (pattern.test(message)) return { outcome: 'refused', reason };
  }
  if (status === 400 && isError(error) && error.name === 'InputError') {
    // A refusal of the cluster's (admission, Pod Security) or a body that
    // failed the request schema: both read as 400 input errors.
    return {
      outcome: 'refused',
      reason: /[Cc]luster '/.test(message)
        ? 'cluster_refused'
        : 'invalid_request',
    };
  }
  return { outcome: 'refused', reason: REASON_BY_STATUS[status] ?? OTHER };
}

/** The priority as a label: a known priority id, else `other`. */
export function priorityLabel(priority: unknown): string {
  return typeof priority === 'string' && isPriorityId(priority)
    ? priority
    : OTHER;
}

/** A bounded label from a value and the set of values allowed as labels. */
export function boundedLabel(
  value: unknown,
  allowed: (value: string) => boolean,
  fallback: string = OTHER,
): string {
  return typeof value === 'string' && value !== '' && allowed(value)
    ? value
    : fallback;
}

/** Run reasons worth a label of their own; others are `Other`. */
const FINAL_REASONS = new Set([
  'Completed',
  'BackoffLimitExceeded',
  'DeadlineExceeded',
  'OOMKilled',
  'PodFailurePolicy',
  'Preempted',
  'Evicted',
  'Lost',
  'NotCreated',
  'CancelledByUser',
  'Error',
  'Failed',
]);

/** The reason of a finished run, as a bounded label. */
export function finalReasonLabel(reason: string | undefined): string {
  return reason && FINAL_REASONS.has(reason) ? reason : 'Other';
}
