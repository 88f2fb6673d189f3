import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { QuotaExceededError } from '../kubernetes/errors';
import {
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../routes/httpErrors';
import {
  boundedLabel,
  classifySubmissionError,
  finalReasonLabel,
  priorityLabel,
  SUBMISSION_REASONS,
} from './labels';

describe('classifySubmissionError', () => {
  const cases: Array<[string, Error, string, string]> = [
    [
      'no user',
      new AuthenticationError('No token'),
      'refused',
      'unauthenticated',
    ],
    [
      'malformed JSON',
      new InputError(
        'The request body is not valid JSON; send one JSON object',
      ),
      'refused',
      'invalid_request',
    ],
    [
      'schema',
      new InputError('tenantId: must be a DNS-1123 label'),
      'refused',
      'invalid_request',
    ],
    [
      'body too large',
      new PayloadTooLargeError('too big'),
      'refused',
      'body_too_large',
    ],
    [
      'not JSON',
      new UnsupportedMediaTypeError('not json'),
      'refused',
      'unsupported_media_type',
    ],
    [
      'not a member',
      new NotAllowedError(
        "You may not launch jobs for tenant 'acme': you are not a member of it",
      ),
      'refused',
      'not_a_member',
    ],
    [
      'unknown tenant',
      new NotFoundError("No tenant 'nope' in the catalog"),
      'refused',
      'unknown_tenant',
    ],
    [
      'refused tenant',
      new ConflictError("Tenant 'kube-system' cannot be used: reserved"),
      'refused',
      'tenant_refused',
    ],
    [
      'foreign namespace',
      new ConflictError(
        "Namespace tenant-x exists and is not managed by Tenant Jobs for tenant 'x'",
      ),
      'refused',
      'tenant_refused',
    ],
    [
      'job type',
      new InputError("jobType: unknown job type 'x'; available: a"),
      'refused',
      'job_type_not_allowed',
    ],
    [
      'tier',
      new InputError('tier: xlarge is above the plan'),
      'refused',
      'tier_not_allowed',
    ],
    [
      'priority',
      new NotAllowedError('priority: critical is above the plan'),
      'refused',
      'priority_not_allowed',
    ],
    [
      'parameters',
      new InputError(
        "Invalid parameters for job type 'data-etl': parameters.x: is required",
      ),
      'refused',
      'invalid_parameters',
    ],
    [
      'entity',
      new InputError(
        "entityRef: 'component:default/x' is not a catalog entity of tenant 'a'",
      ),
      'refused',
      'entity_not_of_tenant',
    ],
    [
      'idempotency',
      new ConflictError(
        "idempotencyKey: 'k' was already used for a different request (run 1)",
      ),
      'refused',
      'idempotency_conflict',
    ],
    [
      'concurrency',
      new ConflictError(
        "Tenant 'a' already has 5 jobs queued or running; its plan 'p' allows 5 at once (maxConcurrentJobs)",
      ),
      'refused',
      'concurrency_limit',
    ],
    [
      'queue full',
      new ConflictError(
        "Tenant 'a' has 100 runs waiting (plan 'p'; tenantJobs.queue.maxQueuedPerTenant)",
      ),
      'refused',
      'queue_full',
    ],
    [
      'quota',
      new QuotaExceededError(
        'quota',
        'exceeded quota: tenant-jobs-quota, requested: count/jobs.batch=1, used: count/jobs.batch=1, limited: count/jobs.batch=1',
      ),
      'refused',
      'quota_exceeded',
    ],
    [
      'pod security',
      new InputError(
        "Cluster 'local' would refuse the pods of Job x: namespace y enforces Pod Security",
      ),
      'refused',
      'cluster_refused',
    ],
    [
      'retry of an unknown run',
      new NotFoundError("No tenant job run with id 'x'"),
      'refused',
      'run_not_found',
    ],
    [
      'retry of an active run',
      new ConflictError(
        'Run 1234 is still Running; cancel it or wait for it to finish before retrying',
      ),
      'refused',
      'run_not_finished',
    ],
    ['other 409', new ConflictError('something else'), 'refused', 'conflict'],
    [
      'cluster down',
      new ServiceUnavailableError("Cluster 'local' did not answer"),
      'failed',
      'cluster_unavailable',
    ],
    ['bug', new Error('boom'), 'failed', 'internal'],
  ];

  it.each(cases)('%s', (_what, error, outcome, reason) => {
    expect(classifySubmissionError(error)).toEqual({ outcome, reason });
  });

  it('names only reasons of the bounded enum', () => {
    for (const [, error] of cases) {
      expect(SUBMISSION_REASONS).toContain(
        classifySubmissionError(error).reason,
      );
    }
  });
});

describe('labels', () => {
  it('keeps known values and bounds the rest', () => {
    expect(priorityLabel('high')).toBe('high');
    expect(priorityLabel('urgent!!')).toBe('other');
    expect(priorityLabel(undefined)).toBe('other');
    const known = new Set(['data-etl']);
    expect(boundedLabel('data-etl', v => known.has(v))).toBe('data-etl');
    expect(boundedLabel('x'.repeat(500), v => known.has(v))).toBe('other');
    expect(boundedLabel(42, () => true)).toBe('other');
    expect(finalReasonLabel('BackoffLimitExceeded')).toBe(
      'BackoffLimitExceeded',
    );
    expect(finalReasonLabel('SomethingTheClusterSaid')).toBe('Other');
  });
});
