import { NotFoundError } from '@backstage/errors';
import type {
  TenantJobEvent,
  TenantJobRunDetail,
  TenantJobRunPage,
  TenantJobStats,
  TenantJobStatsBucket,
  TenantJobStatsBucketSize,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { Writable } from 'node:stream';
import {
  ArchiveStore,
  FINAL_STATUSES,
  RunFilter,
  RunRecord,
  RunStore,
  TenantCriteria,
} from '../database';
import { toApiRun } from './RunService';
import { TenantClusters } from '../cluster/TenantCluster';
import { extractRunResult } from './runResult';
import { computeStats, computeStatsBuckets } from './stats';

/** Where a log came from. */
export type LogSource = 'live' | 'archive';

/** How often a followed log looks whether its pod has ended. */
const FOLLOW_CHECK_MS = 2000;

/** Pod phases after which a log gets no more lines. */
const POD_ENDED = new Set(['Succeeded', 'Failed']);

/**
 * Reads of runs: lists, details and statistics from the database only;
 * logs and events from the cluster on demand, or from the archive once
 * the pods are gone.
 */
export class RunQueries {
  constructor(
    private readonly deps: {
      runs: RunStore;
      archives: ArchiveStore;
      clusters: TenantClusters;
      followCheckMs?: number;
    },
  ) {}

  /**
   * A signal that aborts once the tracker has recorded the pod's end (or
   * the run's), one check later so its last lines arrive, or when
   * `signal` aborts. Not every cluster ends a followed log when the
   * container exits, so the follow does not rely on it.
   */
  private untilPodEnds(
    runId: string,
    pod: string,
    signal: AbortSignal | undefined,
  ): { signal: AbortSignal; stop(): void } {
    const controller = new AbortController();
    const abort = () => controller.abort();
    signal?.addEventListener('abort', abort, { once: true });
    let ended = false;
    const timer = setInterval(async () => {
      if (ended) {
        abort();
        return;
      }
      try {
        const run = await this.deps.runs.get(runId);
        const phase = run.observed?.pods.find(p => p.name === pod)?.phase;
        ended =
          FINAL_STATUSES.has(run.status) ||
          (phase !== undefined && POD_ENDED.has(phase));
      } catch {
        // Looked again at the next check.
      }
    }, this.deps.followCheckMs ?? FOLLOW_CHECK_MS);
    timer.unref?.();
    return {
      signal: controller.signal,
      stop() {
        clearInterval(timer);
        signal?.removeEventListener('abort', abort);
      },
    };
  }

  async list(
    filter: RunFilter,
    permitted: TenantCriteria | undefined,
    page: { limit?: number; cursor?: string },
  ): Promise<TenantJobRunPage> {
    const result = await this.deps.runs.list({ ...filter, permitted }, page);
    const now = new Date();
    return {
      items: result.items.map(run => toApiRun(run, now)),
      ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
    };
  }

  /**
   * The run with its Job conditions and pods; a finished run whose logs
   * were archived also carries the `result` its newest attempt reported
   * (see `extractRunResult`).
   */
  async detail(run: RunRecord): Promise<TenantJobRunDetail> {
    const pods = run.observed?.pods ?? [];
    const detail: TenantJobRunDetail = {
      ...toApiRun(run),
      conditions: run.observed?.conditions ?? [],
      pods,
      logsArchived: Boolean(run.archivedAt),
    };
    if (run.archivedAt && FINAL_STATUSES.has(run.status)) {
      const result = extractRunResult(
        await this.deps.archives.getLogs(run.id),
        pods.map(pod => pod.name),
      );
      if (result) detail.result = result;
    }
    return detail;
  }

  async stats(
    filter: RunFilter,
    permitted: TenantCriteria | undefined,
  ): Promise<TenantJobStats[]> {
    return computeStats(await this.deps.runs.timings({ ...filter, permitted }));
  }

  /**
   * The figures of {@link RunQueries.stats}, and the same per time bucket
   * of the window (from one read of the runs' timings).
   */
  async statsByBucket(
    filter: RunFilter,
    permitted: TenantCriteria | undefined,
    size: TenantJobStatsBucketSize,
    now = new Date(),
  ): Promise<{ items: TenantJobStats[]; buckets: TenantJobStatsBucket[] }> {
    const timings = await this.deps.runs.timings({ ...filter, permitted });
    return {
      items: computeStats(timings),
      buckets: computeStatsBuckets(timings, {
        from: Date.parse(filter.createdAfter ?? new Date(0).toISOString()),
        to: filter.createdBefore
          ? Date.parse(filter.createdBefore)
          : now.getTime(),
        size,
      }),
    };
  }

  /**
   * Events of the run's Job and pods: live while the run is active or its
   * Job still exists, else the archived ones.
   */
  async events(
    run: RunRecord,
  ): Promise<{ source: LogSource; items: TenantJobEvent[] }> {
    const archived = await this.deps.archives.getEvents(run.id);
    if (archived && FINAL_STATUSES.has(run.status)) {
      return { source: 'archive', items: archived };
    }
    const pods = (run.observed?.pods ?? []).map(pod => pod.name);
    const items = await this.deps.clusters
      .get(run.cluster)
      .listRunEvents(run.namespace, run.k8sName, pods);
    return { source: 'live', items };
  }

  /** The pod a log is read from: the one asked for, else the newest. */
  private podOf(run: RunRecord, pod?: string): string {
    const pods = run.observed?.pods ?? [];
    if (pod) {
      if (!pods.some(p => p.name === pod)) {
        throw new NotFoundError(`Run ${run.id} has no pod named '${pod}'`);
      }
      return pod;
    }
    const newest = pods[pods.length - 1];
    if (!newest) {
      throw new NotFoundError(
        `Run ${run.id} has no pod yet, so there is no log to show; ${
          run.message ?? 'its Job is waiting for a pod'
        }`,
      );
    }
    return newest.name;
  }

  /**
   * Writes the log of one pod of the run (the newest by default) to
   * `open()`'s stream: live from the cluster while the pod exists
   * (following it when asked), else the archived tail.
   */
  async log(
    run: RunRecord,
    options: {
      pod?: string;
      follow: boolean;
      tailLines?: number;
      signal?: AbortSignal;
      open(source: LogSource): Writable;
    },
  ): Promise<void> {
    const pod = this.podOf(run, options.pod);
    const archived = (await this.deps.archives.getLogs(run.id)).find(
      log => log.podName === pod,
    );
    if (archived && FINAL_STATUSES.has(run.status)) {
      options.open('archive').end(archived.log);
      return;
    }
    let out: Writable | undefined;
    // Not the response's write and end callbacks: middleware that wraps
    // the response (Backstage's compression) drops them, and a log then
    // never ended. Backpressure goes by write's answer and 'drain'.
    const lazy = new Writable({
      write(chunk, encoding, callback) {
        out ??= options.open('live');
        if (out.write(chunk, encoding)) callback();
        else out.once('drain', () => callback());
      },
      final(callback) {
        out ??= options.open('live');
        out.end();
        callback();
      },
    });
    const follow = options.follow && !FINAL_STATUSES.has(run.status);
    const until = follow
      ? this.untilPodEnds(run.id, pod, options.signal)
      : { signal: options.signal, stop() {} };
    let found: boolean;
    try {
      found = await this.deps.clusters
        .get(run.cluster)
        .streamPodLog(run.namespace, pod, lazy, {
          follow,
          tailLines: options.tailLines,
          signal: until.signal,
        });
    } finally {
      until.stop();
    }
    if (found) return;
    if (archived) {
      options.open('archive').end(archived.log);
      return;
    }
    throw new NotFoundError(
      `The pod ${pod} of run ${run.id} is gone and its log was not archived`,
    );
  }
}
