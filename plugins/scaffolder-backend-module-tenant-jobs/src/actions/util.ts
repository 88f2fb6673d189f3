import { createHash } from 'node:crypto';
import type { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import type { SubmitBody } from '../client';

/**
 * Where the portal shows one run, relative to `app.baseUrl`: the Tenant
 * Jobs page of the frontend plugin (`/tenant-jobs`) opens a run's detail
 * view in place with `?run=<id>`.
 */
export const DEFAULT_JOB_PATH = '/tenant-jobs?run={id}';

/** Options the actions share. */
export type ActionSettings = {
  /** The portal's `app.baseUrl`; without it the actions output no link. */
  appBaseUrl?: string;
  /** Path of a run's page, `{id}` standing for the run id. */
  jobPath: string;
};

/** A link to the run's page in the portal, or undefined without a base URL. */
export function jobLink(
  settings: ActionSettings,
  runId: string,
): string | undefined {
  if (!settings.appBaseUrl) return undefined;
  return `${settings.appBaseUrl.replace(/\/+$/, '')}${settings.jobPath.replace(
    '{id}',
    encodeURIComponent(runId),
  )}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter(key => (value as Record<string, unknown>)[key] !== undefined)
      .map(
        key =>
          `${JSON.stringify(key)}:${canonicalJson(
            (value as Record<string, unknown>)[key],
          )}`,
      )
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A short digest of what a step submits, the same for the same request. */
export function requestDigest(body: SubmitBody): string {
  const { idempotencyKey: _key, dryRun: _dryRun, ...request } = body;
  return createHash('sha256')
    .update(canonicalJson(request))
    .digest('hex')
    .slice(0, 12);
}

/**
 * The idempotency key of a step's submission: the task, the step and a
 * digest of the request, so a retried task (same task id and step) replays
 * the run it already submitted, while each iteration of a step with `each`
 * (a different request) submits its own. At most 128 characters of
 * `[A-Za-z0-9._:-]`, as the API asks.
 */
export function idempotencyKeyFor(
  taskId: string,
  stepId: string | undefined,
  digest: string,
): string {
  const clean = (value: string, max: number) =>
    value.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, max);
  return `scaffolder:${clean(taskId, 60)}:${clean(
    stepId ?? 'step',
    40,
  )}:${digest}`;
}

/** What the create and wait actions output about a run. */
export type RunOutputs = {
  runId: string;
  jobName: string;
  namespace: string;
  cluster: string;
  status: string;
  link?: string;
};

export function runOutputs(
  settings: ActionSettings,
  run: Pick<
    TenantJobRun,
    'id' | 'jobName' | 'namespace' | 'cluster' | 'status'
  >,
): RunOutputs {
  return {
    runId: run.id,
    jobName: run.jobName,
    namespace: run.namespace,
    cluster: run.cluster,
    status: run.status,
    link: jobLink(settings, run.id),
  };
}
