import { LoggerService } from '@backstage/backend-plugin-api';
import {
  isTerminalRunStatus,
  TenantJobRun,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { TenantJobsRequestError } from '../client';

/**
 * How long to wait between two reads of a run: doubling up to `maxMs`.
 *
 * @public
 */
export type PollInterval = { initialMs: number; maxMs: number };

export const DEFAULT_POLL_INTERVAL: PollInterval = {
  initialMs: 1000,
  maxMs: 10_000,
};

/** What a step waits for: the run to start, or to finish. */
export type WaitUntil = 'started' | 'finished';

/** The run's state in words, for the task log. */
export function describeRun(run: TenantJobRun): string {
  let text = run.status;
  if (run.reason && run.reason !== run.status) text += ` (${run.reason})`;
  if (run.message) text += `: ${run.message}`;
  return text;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Errors worth another try: the backend or the network, not a refusal. */
function isTransient(error: unknown): boolean {
  if (error instanceof TenantJobsRequestError) {
    return error.statusCode >= 500 || error.statusCode === 429;
  }
  return true;
}

/**
 * Follows a run through the tenant-jobs API (which answers from its
 * database, never by asking the cluster) until it started or finished,
 * writing each change of status, reason or message to the task log.
 *
 * - A run that failed or was cancelled fails the step with its reason.
 * - When `signal` aborts (the task was cancelled), the run is cancelled
 *   through the API and the step fails.
 * - After `timeoutMs` the step fails, and the run is cancelled only when
 *   `cancelOnTimeout` says so; otherwise it goes on running.
 */
export async function watchRun(options: {
  runId: string;
  until: WaitUntil;
  fetchRun(): Promise<TenantJobRun>;
  cancelRun(): Promise<TenantJobRun>;
  logger: LoggerService;
  timeoutMs: number;
  cancelOnTimeout?: boolean;
  signal?: AbortSignal;
  pollInterval?: PollInterval;
  /** The last state already logged, so it is not logged twice. */
  lastLogged?: string;
}): Promise<TenantJobRun> {
  const { runId, until, logger, signal } = options;
  const poll = options.pollInterval ?? DEFAULT_POLL_INTERVAL;
  const deadline = Date.now() + options.timeoutMs;
  let interval = poll.initialMs;
  let last = options.lastLogged;
  let lastRun: TenantJobRun | undefined;
  let warnedTransient = false;

  const cancel = async (why: string) => {
    logger.warn(`${why}: cancelling run ${runId}`);
    try {
      const cancelled = await options.cancelRun();
      logger.info(`Run ${runId}: ${describeRun(cancelled)}`);
    } catch (error) {
      // A run that finished meanwhile cannot be cancelled (409); say so.
      logger.warn(
        `Run ${runId} could not be cancelled: ${(error as Error).message}`,
      );
    }
  };

  for (;;) {
    if (signal?.aborted) {
      await cancel('The task was cancelled');
      throw new Error(
        `The task was cancelled while waiting for run ${runId}, so the run was cancelled too`,
      );
    }
    try {
      lastRun = await options.fetchRun();
      warnedTransient = false;
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (!warnedTransient) {
        logger.warn(
          `Could not read run ${runId}, trying again: ${
            (error as Error).message
          }`,
        );
        warnedTransient = true;
      }
    }
    if (lastRun) {
      const state = describeRun(lastRun);
      if (state !== last) {
        logger.info(`Run ${runId}: ${state}`);
        last = state;
        interval = poll.initialMs;
      }
      if (isTerminalRunStatus(lastRun.status)) {
        if (lastRun.status === 'Succeeded') return lastRun;
        throw new Error(
          `Run ${runId} ${lastRun.status.toLowerCase()}: ${state}`,
        );
      }
      if (until === 'started' && lastRun.status === 'Running') {
        return lastRun;
      }
    }
    if (signal?.aborted) continue;
    const left = deadline - Date.now();
    if (left <= 0) {
      const status = lastRun ? describeRun(lastRun) : 'unknown';
      const waitedFor = until === 'started' ? 'start' : 'finish';
      if (options.cancelOnTimeout) {
        await cancel(`Run ${runId} did not ${waitedFor} in time`);
        throw new Error(
          `Run ${runId} did not ${waitedFor} within ${Math.round(
            options.timeoutMs / 1000,
          )}s (last: ${status}), so it was cancelled`,
        );
      }
      throw new Error(
        `Run ${runId} did not ${waitedFor} within ${Math.round(
          options.timeoutMs / 1000,
        )}s (last: ${status}); it goes on running`,
      );
    }
    await sleep(Math.min(interval, left), signal);
    interval = Math.min(poll.maxMs, interval * 2);
  }
}
