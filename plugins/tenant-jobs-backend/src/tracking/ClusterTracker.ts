import { LoggerService } from '@backstage/backend-plugin-api';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { isKueueJob } from '@tenant-jobs/plugin-tenant-jobs-common';
import { RunObservationUpdate } from '../database';
import { Clock, isoNow, systemClock } from '../lib/clock';
import { RunChange, RunLifecycle } from '../lifecycle';
import { isScheduled, runIdOf } from '../cluster/runIds';
import {
  TenantCluster,
  ManagedObjectsWatch,
  NamespaceNotReadableError,
  WatchEventType,
  WatchStats,
} from '../cluster/TenantCluster';
import { describeWorkload, WorkloadExplanation } from './kueueWorkload';
import { versionOf } from './resourceVersion';
import { deriveRunState, describeJobEvent } from './runState';

export type { RunChange };
export { runIdOf };

/** How long a Job may have no pod before its events are read for a reason. */
const EXPLAIN_AFTER_MS = 3_000;
/** How often the events of one such Job are read at most. */
const EXPLAIN_EVERY_MS = 10_000;
/**
 * How long events are not read again in a namespace that refused it: not
 * a tenant namespace of this backend (its reader role is bound in its own
 * tenants' namespaces only), e.g. a managed Job of another installation or
 * of a namespace being deleted. Short enough that a tenant namespace whose
 * RoleBinding RBAC had not yet caught up is explained again soon.
 */
const REFUSED_NAMESPACE_PAUSE_MS = 60_000;
/** How often a failing read of Kueue Workloads is logged at most. */
const WORKLOAD_WARN_EVERY_MS = 60_000;

function createdAt(job: V1Job): number {
  const value = job.metadata?.creationTimestamp;
  return value ? new Date(value).getTime() : 0;
}

/**
 * Follows every Job the plugin manages in one cluster, and their pods,
 * with one list+watch each (label-selected, never per job), and records
 * what it sees as compare-and-set observations of the runs. Changes are
 * batched per run: a burst of events about one run costs one write.
 */
export class ClusterTracker {
  private readonly jobs = new Map<string, V1Job>();
  private readonly pods = new Map<string, Map<string, V1Pod>>();
  private readonly dirty = new Set<string>();
  private readonly explainedAt = new Map<string, number>();
  /** Namespaces whose events the backend may not read, until when. */
  private readonly eventsRefused = new Map<string, number>();
  /** The last explanation of a Job without a pod, kept between reads. */
  private readonly explanations = new Map<
    string,
    { reason: string; message: string }
  >();
  /** What Kueue says of the Jobs waiting in it, by run id (kueue mode). */
  private readonly workloadStates = new Map<string, WorkloadExplanation>();
  private readingWorkloads?: Promise<void>;
  private workloadsWarnedAt = 0;
  private flushTimer?: NodeJS.Timeout;
  private explainTimer?: NodeJS.Timeout;
  private flushing = Promise.resolve();
  private watches: ManagedObjectsWatch[] = [];

  constructor(
    private readonly options: {
      cluster: TenantCluster;
      /** Where observations are recorded (and published). */
      lifecycle: RunLifecycle;
      logger: LoggerService;
      clock?: Clock;
      /** Called for a schedule's Job seen for the first time (to record it). */
      onScheduledJob?(job: V1Job): Promise<unknown>;
      /** How long changes are gathered before they are written. */
      flushDelayMs?: number;
    },
  ) {}

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  get clusterName(): string {
    return this.options.cluster.name;
  }

  start(): void {
    if (this.watches.length > 0) return;
    this.watches = [
      this.options.cluster.watchJobs({
        onList: jobs => this.replaceJobs(jobs),
        onEvent: (type, job) => this.onJobEvent(type, job),
      }),
      this.options.cluster.watchPods({
        onList: pods => this.replacePods(pods),
        onEvent: (type, pod) => this.onPodEvent(type, pod),
      }),
    ];
    this.explainTimer = setInterval(() => {
      this.markUnexplained();
      this.readWaitingWorkloads();
    }, EXPLAIN_AFTER_MS);
    this.explainTimer.unref?.();
  }

  /**
   * Reads the Kueue Workloads of the Jobs waiting in Kueue, one list per
   * namespace, and marks the runs whose Workload says something new: the
   * suspended Job does not change while Kueue judges it, its Workload does.
   */
  private readWaitingWorkloads(): void {
    const { cluster } = this.options;
    if (!cluster.listWorkloads || this.readingWorkloads) return;
    /** Namespace → Job uid → run id. */
    const waiting = new Map<string, Map<string, string>>();
    const waitingRuns = new Set<string>();
    for (const [runId, job] of this.jobs) {
      const uid = job.metadata?.uid;
      const namespace = job.metadata?.namespace;
      if (!uid || !namespace || !job.spec?.suspend || !isKueueJob(job)) {
        continue;
      }
      if (!waiting.has(namespace)) waiting.set(namespace, new Map());
      waiting.get(namespace)!.set(uid, runId);
      waitingRuns.add(runId);
    }
    for (const runId of this.workloadStates.keys()) {
      if (!waitingRuns.has(runId)) this.workloadStates.delete(runId);
    }
    if (waiting.size === 0) return;
    this.readingWorkloads = (async () => {
      for (const [namespace, uids] of waiting) {
        try {
          for (const workload of await cluster.listWorkloads!(namespace)) {
            const runId = workload.jobUid && uids.get(workload.jobUid);
            const explained = runId && describeWorkload(workload);
            if (!runId || !explained) continue;
            const known = this.workloadStates.get(runId);
            if (
              known?.reason === explained.reason &&
              known.message === explained.message
            ) {
              continue;
            }
            this.workloadStates.set(runId, explained);
            this.markDirty(runId);
          }
        } catch (error) {
          if (
            this.clock.now() - this.workloadsWarnedAt >
            WORKLOAD_WARN_EVERY_MS
          ) {
            this.workloadsWarnedAt = this.clock.now();
            this.options.logger.warn(
              `Could not read the Kueue Workloads in ${namespace}: ${
                (error as Error).message
              }`,
            );
          }
        }
      }
    })().finally(() => {
      this.readingWorkloads = undefined;
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.explainTimer);
    clearTimeout(this.flushTimer);
    await this.readingWorkloads;
    await Promise.all(this.watches.map(w => w.stop()));
    this.watches = [];
    await this.flushing;
  }

  /** Whether both watches have listed and are running. */
  isSynced(): boolean {
    return (
      this.watches.length > 0 && this.watches.every(w => w.getStats().synced)
    );
  }

  stats(): { jobs: WatchStats; pods: WatchStats } | undefined {
    if (this.watches.length === 0) return undefined;
    return {
      jobs: this.watches[0].getStats(),
      pods: this.watches[1].getStats(),
    };
  }

  /** The Jobs known now, by run id. */
  knownJobs(): ReadonlyMap<string, V1Job> {
    return this.jobs;
  }

  /** The pods of a run known now. */
  knownPods(runId: string): V1Pod[] {
    return [...(this.pods.get(runId)?.values() ?? [])];
  }

  /** Writes every pending change now; for tests and shutdown. */
  async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const run = this.flushing.then(() => this.writeDirty());
    this.flushing = run.catch(() => undefined);
    await run;
  }

  /** Records the runs' states from their Jobs as known now, in one write pass. */
  async refresh(...runIds: string[]): Promise<void> {
    runIds.forEach(runId => this.markDirty(runId));
    await this.flush();
  }

  private replaceJobs(jobs: V1Job[]) {
    const before = new Map(this.jobs);
    this.jobs.clear();
    for (const job of jobs) {
      const runId = runIdOf(job);
      if (!runId) continue;
      if (!before.has(runId)) this.scheduled(job);
      this.jobs.set(runId, job);
      this.markDirty(runId);
      before.delete(runId);
    }
    // Gone while nobody watched: judged from what was last seen.
    for (const [runId, job] of before) {
      void this.recordDeleted(runId, job, 'unwatched');
    }
  }

  private replacePods(pods: V1Pod[]) {
    this.pods.clear();
    for (const pod of pods) this.putPod(pod);
    for (const runId of this.pods.keys()) this.markDirty(runId);
  }

  private onJobEvent(type: WatchEventType, job: V1Job) {
    const runId = runIdOf(job);
    if (!runId) return;
    if (type === 'DELETED') {
      this.jobs.delete(runId);
      this.dirty.delete(runId);
      this.explainedAt.delete(runId);
      this.explanations.delete(runId);
      this.workloadStates.delete(runId);
      void this.recordDeleted(runId, job, 'watched');
      return;
    }
    if (!this.jobs.has(runId)) this.scheduled(job);
    this.jobs.set(runId, job);
    this.markDirty(runId);
  }

  /** Has a schedule's new Job recorded as a run, then its state. */
  private scheduled(job: V1Job) {
    if (!isScheduled(job) || !this.options.onScheduledJob) return;
    const runId = runIdOf(job)!;
    this.options.onScheduledJob(job).then(
      () => this.markDirty(runId),
      error =>
        this.options.logger.warn(
          `Could not record the run of scheduled Job ${job.metadata?.name}: ${
            (error as Error).message
          }`,
        ),
    );
  }

  private onPodEvent(type: WatchEventType, pod: V1Pod) {
    const runId = runIdOf(pod);
    if (!runId) return;
    if (type === 'DELETED') {
      // A removed pod changes nothing that happened; its attempt stays
      // recorded. The map only forgets it.
      this.pods.get(runId)?.delete(pod.metadata?.name ?? '');
      if (this.pods.get(runId)?.size === 0) this.pods.delete(runId);
      return;
    }
    this.putPod(pod);
    this.markDirty(runId);
  }

  private putPod(pod: V1Pod) {
    const runId = runIdOf(pod);
    const name = pod.metadata?.name;
    if (!runId || !name) return;
    let pods = this.pods.get(runId);
    if (!pods) {
      pods = new Map();
      this.pods.set(runId, pods);
    }
    pods.set(name, pod);
  }

  private markDirty(runId: string) {
    this.dirty.add(runId);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.flushing = this.flushing
          .then(() => this.writeDirty())
          .catch(error =>
            this.options.logger.error('Recording run changes failed', error),
          );
      }, this.options.flushDelayMs ?? 50);
    }
  }

  /** Marks Jobs that have waited for a pod long enough to be explained. */
  private markUnexplained() {
    const now = this.clock.now();
    for (const [runId, job] of this.jobs) {
      if (
        this.pods.has(runId) ||
        now - createdAt(job) < EXPLAIN_AFTER_MS ||
        now - (this.explainedAt.get(runId) ?? 0) < EXPLAIN_EVERY_MS
      ) {
        continue;
      }
      const done = job.status?.conditions?.some(
        c =>
          (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
      );
      if (!done && !job.spec?.suspend) this.markDirty(runId);
    }
  }

  private async writeDirty(): Promise<void> {
    const runIds = [...this.dirty];
    this.dirty.clear();
    for (const runId of runIds) {
      const job = this.jobs.get(runId);
      if (!job) continue;
      try {
        await this.record(runId, job);
      } catch (error) {
        this.options.logger.warn(
          `Could not record run ${runId}: ${(error as Error).message}`,
        );
      }
    }
  }

  private async record(runId: string, job: V1Job): Promise<void> {
    const pods = this.knownPods(runId);
    const state = deriveRunState(job, pods);
    let { reason, message } = state;
    if (state.status === 'Pending' && pods.length === 0) {
      const explained =
        (await this.explainMissingPod(runId, job)) ??
        this.explanations.get(runId);
      if (explained) ({ reason, message } = explained);
    } else {
      this.explanations.delete(runId);
    }
    if (state.status === 'Queued' && isKueueJob(job)) {
      // Handed to Kueue: why it waits is its Workload's to say.
      const explained = this.workloadStates.get(runId);
      if (explained) ({ reason, message } = explained);
    }
    const version = Math.max(versionOf(job), ...pods.map(versionOf));
    await this.apply(runId, {
      status: state.status,
      reason,
      message,
      attempts: state.attempts,
      startedAt: state.startedAt,
      finishedAt: state.finishedAt,
      k8sUid: job.metadata?.uid,
      namespace: job.metadata?.namespace,
      version,
      observed: { conditions: state.conditions, pods: state.pods },
    });
  }

  /** Why a Job has no pod, from its events (quota, Pod Security...). */
  private async explainMissingPod(
    runId: string,
    job: V1Job,
  ): Promise<{ reason: string; message: string } | undefined> {
    const now = this.clock.now();
    if (
      now - createdAt(job) < EXPLAIN_AFTER_MS ||
      now - (this.explainedAt.get(runId) ?? 0) < EXPLAIN_EVERY_MS
    ) {
      return undefined;
    }
    this.explainedAt.set(runId, now);
    const namespace = job.metadata!.namespace!;
    if ((this.eventsRefused.get(namespace) ?? 0) > now) return undefined;
    let events;
    try {
      events = await this.options.cluster.listRunEvents(
        namespace,
        job.metadata!.name!,
        [],
      );
    } catch (error) {
      if (!(error instanceof NamespaceNotReadableError)) throw error;
      // Not ours to read: asked again only after a pause, said once a pause.
      this.eventsRefused.set(namespace, now + REFUSED_NAMESPACE_PAUSE_MS);
      this.options.logger.info(
        `Not reading events in ${namespace} for ${
          REFUSED_NAMESPACE_PAUSE_MS / 1000
        } s: ${error.message}`,
      );
      return undefined;
    }
    for (const event of [...events].reverse()) {
      const message = describeJobEvent(event.reason, event.message);
      if (message) {
        const quota = /exceeded quota/i.test(event.message);
        const explanation = {
          reason: quota ? 'QuotaExceeded' : event.reason,
          message,
        };
        this.explanations.set(runId, explanation);
        return explanation;
      }
    }
    return undefined;
  }

  private async recordDeleted(
    runId: string,
    job: V1Job,
    seen: 'watched' | 'unwatched',
  ): Promise<void> {
    try {
      const pods = this.knownPods(runId);
      this.pods.delete(runId);
      const state = deriveRunState(job, pods);
      const finished =
        state.status === 'Succeeded' || state.status === 'Failed';
      const version = Math.max(versionOf(job), ...pods.map(versionOf)) + 1;
      await this.apply(runId, {
        ...(finished
          ? state
          : {
              ...state,
              status: 'Failed',
              reason: 'Lost',
              message:
                seen === 'watched'
                  ? `The Job ${job.metadata?.name} was deleted from the cluster before it finished`
                  : `The Job ${job.metadata?.name} disappeared from the cluster while its watch was interrupted, before it was seen to finish; its outcome is unknown`,
              finishedAt: isoNow(this.clock),
            }),
        k8sUid: job.metadata?.uid,
        namespace: job.metadata?.namespace,
        version,
        observed: { conditions: state.conditions, pods: state.pods },
      });
    } catch (error) {
      this.options.logger.warn(
        `Could not record the deletion of run ${runId}: ${
          (error as Error).message
        }`,
      );
    }
  }

  private async apply(runId: string, update: RunObservationUpdate) {
    await this.options.lifecycle.observe(runId, update);
  }
}
