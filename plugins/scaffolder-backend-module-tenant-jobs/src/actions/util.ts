import { createHash } from 'node:crypto';
import { isError, toError } from '@backstage/errors';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import type { SubmitBody } from '../client';

/**
 * Where the portal shows one run, relative to `app.baseUrl`: the Tenant
 * Jobs page of the frontend plugin (`/tenant-jobs`) opens a run's detail
 * view in place with `?run=<id>`.
 *
 * @public
 */
export const DEFAULT_JOB_PATH = '/tenant-jobs?run={id}';

/**
 * Options the actions share.
 *
 * @public
 */
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

/**
 * Cuts an error's `stack` down to its first line, `${name}: ${message}`,
 * in place, so it keeps its class, name, message and other properties;
 * the same for its `cause` chain and an AggregateError's `errors`. A thrown
 * value that is not an error becomes one. An error whose stack cannot be
 * replaced (a read-only `stack`) is exchanged for a plain Error with its
 * name and message.
 */
export function withoutStackFrames(thrown: unknown): Error {
  const seen = new Set<unknown>();
  const strip = (value: unknown): Error => {
    const error = toError(value);
    if (seen.has(error)) return error;
    seen.add(error);
    const header = `${error.name}: ${error.message}`;
    try {
      error.stack = header;
    } catch {
      // a read-only stack: exchanged below
    }
    const { cause, errors } = error as { cause?: unknown; errors?: unknown };
    if (isError(cause)) strip(cause);
    if (Array.isArray(errors)) errors.filter(isError).forEach(strip);
    if (error.stack === header) return error;
    const plain = new Error(error.message);
    plain.name = error.name;
    plain.stack = header;
    return plain;
  };
  return strip(thrown);
}

/**
 * The action with a handler whose errors carry no stack frames (see
 * {@link withoutStackFrames}). The scaffolder writes a failed step's
 * `error.stack` into the task log, which the task's creator reads; frames
 * would show the backend's file paths and dependencies there.
 */
export function hideStackFrames<A extends TemplateAction<any, any, any>>(
  action: A,
): A {
  const { handler } = action;
  return {
    ...action,
    async handler(ctx: Parameters<A['handler']>[0]) {
      try {
        await handler.call(action, ctx);
      } catch (error) {
        throw withoutStackFrames(error);
      }
    },
  };
}
