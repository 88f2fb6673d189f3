import { LoggerService } from '@backstage/backend-plugin-api';
import { ArchiveStore, RunArchive, RunRecord } from '../database';
import { Clock, systemClock } from '../lib/clock';
import { TenantClusters } from '../cluster/TenantCluster';

/**
 * Keeps what a finished run leaves behind: the tail of each pod's log and
 * the events of its Job and pods, so both stay readable after Kubernetes
 * deletes the Job. Archives are read a moment after the run finished (the
 * Job controller's last events follow the status that ends the run) and
 * written in the background, a few at a time. What is still queued when
 * the backend stops is picked up again by the reconcile (`archiveMissed`).
 */
export class RunArchiver {
  private readonly queue: RunRecord[] = [];
  private readonly pending = new Set<string>();
  /** Runs waiting for their delay, by id. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private running = 0;
  private stopped = false;
  private idle: Array<() => void> = [];

  constructor(
    private readonly options: {
      clusters: TenantClusters;
      archives: ArchiveStore;
      logger: LoggerService;
      /** Bytes kept of each pod's log. */
      logTailBytes: number;
      concurrency?: number;
      /** How long after a run finished its archive is read. */
      delayMs?: number;
      /**
       * The most archives waiting at once (10,000 by default). Past it a
       * run is not queued now; the reconcile's `archiveMissed` picks it up
       * on a later pass, so a burst of finished runs cannot fill memory.
       */
      maxPending?: number;
      clock?: Clock;
    },
  ) {}

  /** Runs not queued since the last warning, because the queue was full. */
  private deferred = 0;
  private deferredWarnedAt = 0;

  /** Queues the archive of a run that finished; once per run. */
  enqueue(run: RunRecord): void {
    if (this.stopped || this.pending.has(run.id)) return;
    if (this.pending.size >= (this.options.maxPending ?? 10_000)) {
      this.deferred += 1;
      const now = (this.options.clock ?? systemClock).now();
      if (now - this.deferredWarnedAt >= 60_000) {
        this.options.logger.warn(
          `${this.deferred} finished runs wait for their archive beyond the ${this.pending.size} queued; the reconcile archives them on a later pass`,
        );
        this.deferredWarnedAt = now;
        this.deferred = 0;
      }
      return;
    }
    this.pending.add(run.id);
    const timer = setTimeout(() => {
      this.timers.delete(run.id);
      this.queue.push(run);
      this.pump();
    }, this.options.delayMs ?? 5_000);
    timer.unref?.();
    this.timers.set(run.id, timer);
  }

  /** Whether a run is queued or being archived. */
  isPending(runId: string): boolean {
    return this.pending.has(runId);
  }

  /** Resolves when nothing is queued or being archived. */
  whenIdle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise(resolve => this.idle.push(resolve));
  }

  /** Takes nothing new and drops what waits; lets running archives end. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [runId, timer] of this.timers) {
      clearTimeout(timer);
      this.pending.delete(runId);
    }
    this.timers.clear();
    for (const run of this.queue.splice(0)) this.pending.delete(run.id);
    if (this.running > 0) await this.whenIdle();
  }

  private pump() {
    while (
      this.running < (this.options.concurrency ?? 4) &&
      this.queue.length > 0
    ) {
      const run = this.queue.shift()!;
      this.running += 1;
      this.archive(run)
        .catch(error =>
          this.options.logger.warn(
            `Could not archive the logs of run ${run.id}: ${
              (error as Error).message
            }`,
          ),
        )
        .finally(() => {
          this.running -= 1;
          this.pending.delete(run.id);
          this.pump();
          if (this.pending.size === 0 || (this.stopped && this.running === 0)) {
            this.idle.splice(0).forEach(resolve => resolve());
          }
        });
    }
  }

  /** Reads the logs and events of a run from its cluster and stores them. */
  async archive(run: RunRecord): Promise<void> {
    const cluster = this.options.clusters.get(run.cluster);
    const podNames = (run.observed?.pods ?? []).map(pod => pod.name);
    const logs: RunArchive['logs'] = [];
    for (const podName of podNames) {
      try {
        const tail = await cluster.readPodLog(run.namespace, podName, {
          limitBytes: this.options.logTailBytes,
        });
        if (tail) logs.push({ podName, ...tail });
      } catch (error) {
        // A pod that never started has no log; the others still count.
        this.options.logger.debug(
          `No log of pod ${podName} of run ${run.id}: ${
            (error as Error).message
          }`,
        );
      }
    }
    const events = await cluster.listRunEvents(
      run.namespace,
      run.k8sName,
      podNames,
    );
    await this.options.archives.save(run.id, { logs, events });
  }
}
