import { LoggerService } from '@backstage/backend-plugin-api';
import { ArchiveStore, RunArchive, RunRecord } from '../database';
import { JobClusters } from '../service/ports';

/**
 * Keeps what a finished run leaves behind: the tail of each pod's log and
 * the events of its Job and pods, so both stay readable after Kubernetes
 * deletes the Job. Archives are written in the background, two at a time.
 */
export class RunArchiver {
  private readonly queue: RunRecord[] = [];
  private running = 0;
  private idle: Array<() => void> = [];

  constructor(
    private readonly options: {
      clusters: JobClusters;
      archives: ArchiveStore;
      logger: LoggerService;
      /** Bytes kept of each pod's log. */
      logTailBytes: number;
      concurrency?: number;
      /**
       * How long after a run finished its archive is read: the Job
       * controller's last events (Completed, BackoffLimitExceeded) are
       * written just after the status that ends the run.
       */
      delayMs?: number;
    },
  ) {}

  /** Queues the archive of a run that just finished. */
  enqueue(run: RunRecord): void {
    this.queue.push(run);
    this.pump();
  }

  /** Resolves when nothing is queued or being archived. */
  whenIdle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise(resolve => this.idle.push(resolve));
  }

  private pump() {
    while (
      this.running < (this.options.concurrency ?? 2) &&
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
          this.pump();
          if (this.running === 0 && this.queue.length === 0) {
            this.idle.splice(0).forEach(resolve => resolve());
          }
        });
    }
  }

  /** Reads the logs and events of a run from its cluster and stores them. */
  async archive(run: RunRecord): Promise<void> {
    await new Promise(resolve =>
      setTimeout(resolve, this.options.delayMs ?? 2_000),
    );
    const cluster = this.options.clusters.get(run.cluster);
    const podNames = (run.observed?.pods ?? []).map(pod => pod.name);
    const logs: RunArchive['logs'] = [];
    for (const podName of podNames) {
      const tail = await cluster.readPodLog(run.namespace, podName, {
        limitBytes: this.options.logTailBytes,
      });
      if (tail) logs.push({ podName, ...tail });
    }
    const events = await cluster.listRunEvents(
      run.namespace,
      run.k8sName,
      podNames,
    );
    await this.options.archives.save(run.id, { logs, events });
  }
}
