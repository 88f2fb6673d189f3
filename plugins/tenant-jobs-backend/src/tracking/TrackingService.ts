import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import { TenantDirectory } from '../catalog/TenantDirectory';
import { TenantJobsConfig } from '../config/readConfig';
import {
  ArchiveStore,
  AuditStore,
  FINAL_STATUSES,
  RunStore,
} from '../database';
import { RunService } from '../usecases/RunService';
import { RunQueue } from '../usecases/RunQueue';
import { ScheduleService } from '../usecases/ScheduleService';
import { TenantClusters } from '../cluster/TenantCluster';
import { ClusterTracker } from './ClusterTracker';
import { Clock, systemClock } from '../lib/clock';
import { isUpdate, RunChange, RunLifecycle } from '../lifecycle';
import { Reconciler } from './Reconciler';
import { RunArchiver } from './RunArchiver';
import { RunNotifications } from './RunNotifications';
import { RunNotifier } from './RunNotifier';

const DAY_MS = 86_400_000;

/** The catalog page of the entity a run was launched from. */
function entityPageLink(
  baseUrl: string | undefined,
  entityRef: string | undefined,
): string | undefined {
  const match = entityRef?.match(/^([^:]+):([^/]+)\/(.+)$/);
  if (!baseUrl || !match) return undefined;
  const [, kind, namespace, name] = match.map(encodeURIComponent);
  return `${baseUrl.replace(/\/$/, '')}/catalog/${namespace}/${kind}/${name}`;
}

/**
 * Everything that keeps runs true to the cluster: a tracker per cluster,
 * the archive of finished runs, signals to the tenant's members, and the
 * scheduled reconcile and retention tasks.
 */
export class TrackingService {
  readonly trackers = new Map<string, ClusterTracker>();
  readonly archiver: RunArchiver;
  readonly reconciler: Reconciler;
  private readonly notifier: RunNotifier;
  private readonly notifications: RunNotifications;

  constructor(
    private readonly deps: {
      config: TenantJobsConfig;
      clusters: TenantClusters;
      /** Reads runs; every write goes through the lifecycle. */
      runs: RunStore;
      lifecycle: RunLifecycle;
      clock?: Clock;
      archives: ArchiveStore;
      audit: AuditStore;
      jobs: RunService;
      /** The per-tenant queue, released on reconcile. */
      queue?: RunQueue;
      /** Records the Jobs of schedules as runs. */
      schedules?: ScheduleService;
      tenants: TenantDirectory;
      signals: SignalsService;
      notifications: NotificationService;
      /** The portal's base URL, for links in notifications. */
      appBaseUrl?: string;
      logger: LoggerService;
    },
  ) {
    this.subscribe();
    this.archiver = new RunArchiver({
      clusters: deps.clusters,
      archives: deps.archives,
      logger: deps.logger,
      logTailBytes: deps.config.tracking.logTailBytes,
      clock: deps.clock,
    });
    this.notifier = new RunNotifier({
      signals: deps.signals,
      logger: deps.logger,
      groupOf: async tenantId =>
        (await deps.tenants.getTenant(tenantId))?.groupRef,
      adminGroups: deps.config.adminGroups,
    });
    this.notifications = new RunNotifications({
      notifications: deps.notifications,
      settings: deps.config.notifications,
      logger: deps.logger,
      groupOf: async tenantId =>
        (await deps.tenants.getTenant(tenantId))?.groupRef,
      linkTo: run => entityPageLink(deps.appBaseUrl, run.entityRef),
    });
    for (const name of deps.clusters.names()) {
      this.trackers.set(
        name,
        new ClusterTracker({
          cluster: deps.clusters.get(name),
          lifecycle: deps.lifecycle,
          clock: deps.clock,
          logger: deps.logger.child({ cluster: name }),
          onScheduledJob: deps.schedules
            ? job => deps.schedules!.adopt(job)
            : undefined,
        }),
      );
    }
    this.reconciler = new Reconciler({
      clusters: deps.clusters,
      runs: deps.runs,
      lifecycle: deps.lifecycle,
      clock: deps.clock,
      trackers: this.trackers,
      logger: deps.logger,
      sendRecorded: run => deps.jobs.sendRecorded(run),
      adoptScheduled: deps.schedules
        ? job => deps.schedules!.adopt(job)
        : undefined,
      isOwnJob: async (tenantId, namespace) => {
        try {
          return (
            (await deps.jobs.resolveTenant(tenantId)).namespace === namespace
          );
        } catch {
          return false;
        }
      },
    });
  }

  /**
   * Subscribes to every change of a run, on the lifecycle's bus: signals
   * and notifications to the tenant's members, the archive of finished
   * runs, and the queue (a finished run frees its slot).
   */
  subscribe(): void {
    const { bus } = this.deps.lifecycle;
    bus.subscribe('tracking', change => this.onChange(change));
    const queue = this.deps.queue;
    if (queue) bus.subscribe('queue', change => queue.onChange(change));
  }

  /** Signals, notifies and archives a change of an existing run. */
  private async onChange(change: RunChange): Promise<void> {
    if (!isUpdate(change)) return;
    const { before, after } = change;
    if (before.status !== after.status || before.reason !== after.reason) {
      await this.notifier.runChanged(after);
      await this.notifications.runChanged(change);
    }
    if (
      FINAL_STATUSES.has(after.status) &&
      !FINAL_STATUSES.has(before.status)
    ) {
      this.archiver.enqueue(after);
    }
  }

  private get clock(): Clock {
    return this.deps.clock ?? systemClock;
  }

  start(): void {
    for (const tracker of this.trackers.values()) tracker.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.trackers.values()].map(t => t.stop()));
    await this.archiver.stop();
  }

  /**
   * Queues the archives that were missed (the backend stopped between a
   * run's end and its archive), while the Jobs are likely still there.
   */
  async archiveMissed(now = this.clock.now()): Promise<number> {
    const since = new Date(
      now - this.deps.config.ttlSecondsAfterFinished * 1000,
    );
    const settled = now - 60_000;
    let queued = 0;
    for (const run of await this.deps.runs.listUnarchived(since, 200)) {
      if (Date.parse(run.finishedAt!) > settled) continue;
      if (this.archiver.isPending(run.id)) continue;
      this.archiver.enqueue(run);
      queued += 1;
    }
    return queued;
  }

  /** Deletes history past its retention. */
  async enforceRetention(now = this.clock.now()): Promise<void> {
    const { retention } = this.deps.config;
    const runs = await this.deps.runs.deleteFinishedBefore(
      new Date(now - retention.runDays * DAY_MS),
    );
    const logs = await this.deps.archives.deleteLogsBefore(
      new Date(now - retention.logDays * DAY_MS),
    );
    const audit = await this.deps.audit.deleteBefore(
      new Date(now - retention.auditDays * DAY_MS),
    );
    if (runs + logs + audit > 0) {
      this.deps.logger.info(
        `Retention removed ${runs} runs, ${logs} archived logs and ${audit} audit entries`,
      );
    }
  }

  /** Registers the reconcile and retention tasks (one replica at a time). */
  async schedule(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: 'tenant-jobs-reconcile',
      frequency: {
        seconds: this.deps.config.tracking.reconcileIntervalSeconds,
      },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 5 },
      scope: 'global',
      fn: async () => {
        await this.deps.jobs.keepTenantsProvisioned();
        await this.archiveMissed();
        const reports = await this.reconciler.reconcileAll();
        // What a crash left: slots freed while no replica was there to
        // release, and released Jobs whose resume was lost.
        await this.deps.queue?.releaseAll();
        // With Kueue, a released run's suspended Job is Kueue's to resume.
        if (this.deps.config.queue.mode !== 'kueue') {
          await this.deps.queue?.resumeStuck();
        }
        for (const report of reports) {
          const { cluster, ...counts } = report;
          if (counts.sent + counts.adopted + counts.lost + counts.deleted > 0) {
            this.deps.logger.info(
              `Reconciled cluster '${cluster}': ${JSON.stringify(counts)}`,
            );
          }
        }
      },
    });
    await scheduler.scheduleTask({
      id: 'tenant-jobs-retention',
      frequency: { hours: 1 },
      timeout: { minutes: 10 },
      initialDelay: { minutes: 1 },
      scope: 'global',
      fn: () => this.enforceRetention(),
    });
  }
}
