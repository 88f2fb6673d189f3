import { LoggerService } from '@backstage/backend-plugin-api';
import type { V1CronJob, V1Job, V1Pod } from '@kubernetes/client-node';
import {
  dispatchWithMultiKueue,
  isKueueJob,
  KUEUE_LABELS,
  MULTIKUEUE_MANAGED_BY,
  PriorityId,
  TenantJobEvent,
  TenantPlan,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { Writable } from 'node:stream';
import {
  KueueWorkload,
  ManagedObjectsHandler,
  ManagedObjectsWatch,
  TenantCluster,
  TenantQuotaUsage,
  WatchEventType,
} from '../cluster/TenantCluster';
import { markWorkerCluster } from '../cluster/workerCluster';
import { mergeWatches } from './mergedWatch';

/** How long the log of a finished worker pod is kept here, in ms. */
const FINISHED_LOG_TTL_MS = 15 * 60_000;
/** How many such logs are kept at most (the oldest go first). */
const FINISHED_LOG_LIMIT = 500;
/** How many such logs are read at once. */
const MAX_LOG_READS = 4;

/**
 * A MultiKueue manager cluster with its workers, as one
 * {@link TenantCluster}: the cluster tenants are pinned to and runs are
 * recorded on, whose Kueue dispatches each Job to a worker, where its pods
 * run. Jobs, CronJobs, Workloads and cancels go to the manager (its Jobs
 * managed by MultiKueue, which copies the worker's Job status back);
 * tenants are provisioned on the manager (their ClusterQueue with the
 * MultiKueue AdmissionCheck) and on every worker; pods, their logs and
 * events come from the worker that runs them.
 *
 * Kueue deletes the worker's Job and pods as soon as the manager's Job
 * has finished, often before the run's log is archived, so the log of a
 * worker pod that ends is read at once and kept here a while (in memory:
 * a restart in that window loses it).
 */
export class MultiKueueManager implements TenantCluster {
  readonly name: string;
  /** Which worker holds each pod seen, by `namespace/name`. */
  private readonly podCluster = new Map<string, TenantCluster>();
  private readonly finishedLogs = new Map<
    string,
    { at: number; log: { log: string; truncated: boolean } }
  >();
  /** Pods whose log is being read to be kept, and the reads waiting. */
  private readonly reading = new Set<string>();
  private readsUnderWay = 0;
  private readonly waitingReads: Array<(value: unknown) => void> = [];

  constructor(
    private readonly manager: TenantCluster,
    private readonly workers: TenantCluster[],
    private readonly options: {
      logger: LoggerService;
      /** Bytes of a finished pod's log kept (tracking.logTailBytes). */
      logTailBytes: number;
      now?: () => number;
    },
  ) {
    this.name = manager.name;
  }

  /** The worker clusters' names. */
  workerNames(): string[] {
    return this.workers.map(worker => worker.name);
  }

  async ensurePriorityClasses(options?: {
    preempting?: readonly PriorityId[];
  }): Promise<void> {
    // The pods, with their PriorityClass, are created on the workers.
    await Promise.all(
      [this.manager, ...this.workers].map(cluster =>
        cluster.ensurePriorityClasses(options),
      ),
    );
  }

  async provisionTenant(
    tenantId: string,
    plan: TenantPlan,
    namespacePattern: string,
    options?: { maxAgeMs?: number },
  ): Promise<string> {
    // Workers first: a Job the manager dispatches finds its namespace,
    // quota, policy and LocalQueue there.
    for (const worker of this.workers) {
      await worker.provisionTenant(tenantId, plan, namespacePattern, options);
    }
    return this.manager.provisionTenant(
      tenantId,
      plan,
      namespacePattern,
      options,
    );
  }

  namespaceLabels(namespace: string) {
    return this.manager.namespaceLabels(namespace);
  }

  createJob(job: V1Job, options: { dryRun: boolean }): Promise<V1Job> {
    return this.manager.createJob(
      isKueueJob(job) ? dispatchWithMultiKueue(job) : job,
      options,
    );
  }

  getJob(namespace: string, name: string) {
    return this.manager.getJob(namespace, name);
  }

  /** Kueue then deletes the worker's copy and its pods. */
  deleteJob(namespace: string, name: string) {
    return this.manager.deleteJob(namespace, name);
  }

  applyCronJob(cronJob: V1CronJob): Promise<V1CronJob> {
    const template = cronJob.spec?.jobTemplate;
    if (!template?.metadata?.labels?.[KUEUE_LABELS.queueName]) {
      return this.manager.applyCronJob(cronJob);
    }
    return this.manager.applyCronJob({
      ...cronJob,
      spec: {
        ...cronJob.spec!,
        jobTemplate: {
          ...template,
          spec: { ...template.spec!, managedBy: MULTIKUEUE_MANAGED_BY },
        },
      },
    });
  }

  deleteCronJob(namespace: string, name: string) {
    return this.manager.deleteCronJob(namespace, name);
  }

  resumeJob(namespace: string, name: string) {
    return this.manager.resumeJob(namespace, name);
  }

  /** What the tenant's pods use: on its worker, when it has one. */
  async getQuota(namespace: string): Promise<TenantQuotaUsage | undefined> {
    return this.workers.length === 1
      ? this.workers[0].getQuota(namespace)
      : this.manager.getQuota(namespace);
  }

  listWorkloads(namespace: string): Promise<KueueWorkload[]> {
    return this.manager.listWorkloads?.(namespace) ?? Promise.resolve([]);
  }

  listManagedJobs(): Promise<V1Job[]> {
    return this.manager.listManagedJobs();
  }

  watchJobs(handler: ManagedObjectsHandler<V1Job>): ManagedObjectsWatch {
    return this.manager.watchJobs(handler);
  }

  /** The pods of the manager's runs, wherever they run. */
  watchPods(handler: ManagedObjectsHandler<V1Pod>): ManagedObjectsWatch {
    const byName = new Map(
      [this.manager, ...this.workers].map(c => [c.name, c]),
    );
    // Each pod marked with the worker it runs on (in memory), for users.
    const marked = (
      cluster: TenantCluster,
      h: ManagedObjectsHandler<V1Pod>,
    ) => {
      const worker = cluster === this.manager ? undefined : cluster.name;
      return {
        onList: (pods: V1Pod[]) => {
          // A cluster's new list replaces what was known of its pods.
          for (const [key, holder] of this.podCluster) {
            if (holder === cluster) this.podCluster.delete(key);
          }
          return h.onList(pods.map(pod => markWorkerCluster(pod, worker)));
        },
        onEvent: (type: WatchEventType, pod: V1Pod) =>
          h.onEvent(type, markWorkerCluster(pod, worker)),
      };
    };
    return mergeWatches<V1Pod>(
      [this.manager, ...this.workers].map(cluster => ({
        cluster: cluster.name,
        start: h => cluster.watchPods(marked(cluster, h)),
      })),
      handler,
      (clusterName, type, pod) => {
        const key = podKey(pod.metadata?.namespace, pod.metadata?.name);
        const cluster = byName.get(clusterName)!;
        if (type === 'DELETED') this.podCluster.delete(key);
        else this.podCluster.set(key, cluster);
        if (
          cluster !== this.manager &&
          type !== 'DELETED' &&
          (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed')
        ) {
          void this.keepFinishedLog(cluster, pod);
        }
      },
    );
  }

  async listRunEvents(
    namespace: string,
    jobName: string,
    podNames: readonly string[],
  ): Promise<TenantJobEvent[]> {
    // The manager's Job (Kueue's admission), and the worker's copy of it
    // with its pods. A cluster that does not answer fails the whole list,
    // naming it, as a single cluster would: an archive is then tried again
    // later rather than kept without the worker's part.
    const lists = await Promise.all([
      this.manager.listRunEvents(namespace, jobName, []),
      ...this.workers.map(worker =>
        worker.listRunEvents(namespace, jobName, podNames),
      ),
    ]);
    return lists
      .flat()
      .sort((a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? ''));
  }

  /**
   * From the cluster that holds the pod (every one when not known yet),
   * else the log kept when the worker's pod ended. A cluster that does not
   * answer fails it, unless the log was kept.
   */
  async readPodLog(
    namespace: string,
    pod: string,
    options: { limitBytes: number },
  ): Promise<{ log: string; truncated: boolean } | undefined> {
    const key = podKey(namespace, pod);
    let failure: unknown;
    for (const cluster of this.candidates(key)) {
      try {
        const log = await cluster.readPodLog(namespace, pod, options);
        if (log) return log;
      } catch (error) {
        failure ??= error;
      }
    }
    const kept = this.keptLog(key);
    if (kept) return kept;
    if (failure) throw failure;
    return undefined;
  }

  async streamPodLog(
    namespace: string,
    pod: string,
    out: Writable,
    options: { follow: boolean; tailLines?: number; signal?: AbortSignal },
  ): Promise<boolean> {
    const key = podKey(namespace, pod);
    for (const cluster of this.candidates(key)) {
      if (await cluster.streamPodLog(namespace, pod, out, options)) {
        return true;
      }
    }
    // Kueue deleted the worker's pod as its run finished: what was kept.
    const kept = this.keptLog(key);
    if (!kept) return false;
    const lines = kept.log.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const shown =
      options.tailLines !== undefined ? lines.slice(-options.tailLines) : lines;
    out.end(shown.length > 0 ? `${shown.join('\n')}\n` : '');
    return true;
  }

  /** The cluster known to hold the pod, else all of them. */
  private candidates(key: string): TenantCluster[] {
    const known = this.podCluster.get(key);
    return known ? [known] : [this.manager, ...this.workers];
  }

  private keptLog(key: string) {
    this.forgetOldLogs();
    return this.finishedLogs.get(key)?.log;
  }

  /**
   * Reads a finished worker pod's log once, at most
   * {@link MAX_LOG_READS} at a time (a new list may hold many).
   */
  private async keepFinishedLog(cluster: TenantCluster, pod: V1Pod) {
    const namespace = pod.metadata!.namespace!;
    const name = pod.metadata!.name!;
    const key = podKey(namespace, name);
    if (this.finishedLogs.has(key) || this.reading.has(key)) return;
    this.reading.add(key);
    let counted = false;
    try {
      while (this.readsUnderWay >= MAX_LOG_READS) {
        await new Promise(resolve => this.waitingReads.push(resolve));
      }
      this.readsUnderWay += 1;
      counted = true;
      const log = await cluster.readPodLog(namespace, name, {
        limitBytes: this.options.logTailBytes,
      });
      if (log) {
        this.forgetOldLogs();
        this.finishedLogs.set(key, { at: this.now(), log });
      }
    } catch (error) {
      this.options.logger.debug(
        `Could not keep the log of pod ${key} in cluster '${cluster.name}': ${
          (error as Error).message
        }`,
      );
    } finally {
      this.reading.delete(key);
      if (counted) {
        this.readsUnderWay -= 1;
        this.waitingReads.shift()?.(undefined);
      }
    }
  }

  private forgetOldLogs() {
    const before = this.now() - FINISHED_LOG_TTL_MS;
    for (const [key, entry] of this.finishedLogs) {
      if (entry.at >= before && this.finishedLogs.size < FINISHED_LOG_LIMIT) {
        break; // oldest first: the rest are newer
      }
      this.finishedLogs.delete(key);
    }
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }
}

function podKey(namespace: string | undefined, name: string | undefined) {
  return `${namespace ?? ''}/${name ?? ''}`;
}
