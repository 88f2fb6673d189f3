import { LoggerService } from '@backstage/backend-plugin-api';
import type { V1Job } from '@kubernetes/client-node';
import {
  isPriorityId,
  isTierId,
  readRunOrigin,
  RUN_ENV,
  SCHEDULE_ID_LABEL,
  TENANT_JOBS_LABELS,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { ACTIVE_STATUSES, RunRecord, RunStore } from '../database';
import { Clock, isoNow, systemClock } from '../lib/clock';
import { RunLifecycle } from '../lifecycle';
import { traceReconcile } from '../lib/tracing';
import { TenantClusters } from '../cluster/TenantCluster';
import { ClusterTracker } from './ClusterTracker';
import { isScheduled, runIdOf } from '../cluster/runIds';

/** What one reconcile pass did, for logs and tests. */
export type ReconcileReport = {
  cluster: string;
  /** Recorded runs whose Job was created now. */
  sent: number;
  /** Jobs found without a run, now recorded. */
  adopted: number;
  /** Runs whose Job vanished before it finished. */
  lost: number;
  /** Jobs of cancelled runs that were still there, now deleted. */
  deleted: number;
  /** Runs brought up to date from their Job. */
  refreshed: number;
  /**
   * Runs and Jobs whose reconcile failed this pass (logged, tried again
   * next pass); the others were reconciled all the same.
   */
  failed: number;
};

/** How long the same item's failure is not logged again. */
const FAILURE_LOG_INTERVAL_MS = 10 * 60_000;

/** A run this young is left to the submit path and the watch. */
const GRACE_MS = 30_000;

function isFinished(job: V1Job): boolean {
  return Boolean(
    job.status?.conditions?.some(
      c =>
        (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    ),
  );
}

/**
 * Heals what the watches missed, per cluster, from one list of the managed
 * Jobs: runs recorded but never created are sent; Jobs created but never
 * recorded are adopted by their run-id label; runs whose Job vanished
 * before finishing become Failed / Lost; Jobs of cancelled runs that
 * survived are deleted. Runs through the scheduler, one replica at a time.
 */
export class Reconciler {
  /** When each failing item's failure was last logged, by item. */
  private readonly failureLogged = new Map<string, number>();

  constructor(
    private readonly options: {
      clusters: TenantClusters;
      /** Reads runs; every write goes through the lifecycle. */
      runs: RunStore;
      lifecycle: RunLifecycle;
      clock?: Clock;
      trackers: ReadonlyMap<string, ClusterTracker>;
      logger: LoggerService;
      /** Creates the Job of a recorded run (RunService.sendRecorded). */
      sendRecorded(run: RunRecord): Promise<unknown>;
      /**
       * Whether a Job found without a run is this installation's: its
       * tenant is one of ours and it sits in that tenant's namespace.
       * Another Backstage managing the same cluster keeps its own.
       */
      isOwnJob(tenantId: string, namespace: string): Promise<boolean>;
      /**
       * Records a schedule's Job nobody recorded, through the queue; false
       * when its schedule is not recorded either (the database lost it).
       */
      adoptScheduled?(job: V1Job): Promise<boolean>;
      graceMs?: number;
    },
  ) {}

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  async reconcileAll(): Promise<ReconcileReport[]> {
    const reports: ReconcileReport[] = [];
    for (const name of this.options.clusters.names()) {
      try {
        reports.push(await traceReconcile(name, () => this.reconcile(name)));
      } catch (error) {
        this.options.logger.warn(
          `Reconciling cluster '${name}' failed: ${(error as Error).message}`,
        );
      }
    }
    return reports;
  }

  async reconcile(clusterName: string): Promise<ReconcileReport> {
    const { runs } = this.options;
    const cluster = this.options.clusters.get(clusterName);
    const tracker = this.options.trackers.get(clusterName);
    const report: ReconcileReport = {
      cluster: clusterName,
      sent: 0,
      adopted: 0,
      lost: 0,
      deleted: 0,
      refreshed: 0,
      failed: 0,
    };
    const graceMs = this.options.graceMs ?? GRACE_MS;
    const now = this.clock.now();

    // A synced watch already holds every managed Job; only without one is
    // the cluster listed. A missing Job is confirmed by name either way.
    const jobs = new Map<string, V1Job>();
    if (tracker?.isSynced()) {
      for (const [runId, job] of tracker.knownJobs()) jobs.set(runId, job);
    } else {
      for (const job of await cluster.listManagedJobs()) {
        const runId = runIdOf(job);
        if (runId) jobs.set(runId, job);
      }
    }
    const toRefresh: string[] = [];

    // Recorded runs against the cluster's Jobs.
    const active = await runs.listByStatus(clusterName, [...ACTIVE_STATUSES]);
    for (const run of active) {
      await this.isolated(report, `run ${run.id}`, () =>
        this.reconcileRun(run, jobs, cluster, report, toRefresh, {
          hasTracker: Boolean(tracker),
          graceMs,
          now,
        }),
      );
    }

    // Jobs against recorded runs: unknown ones are adopted, those of
    // cancelled runs that are still going are deleted.
    const statuses = await runs.statusesOf([...jobs.keys()]);
    for (const [runId, job] of jobs) {
      await this.isolated(
        report,
        `Job ${job.metadata?.namespace}/${job.metadata?.name}`,
        () =>
          this.reconcileJob(
            runId,
            job,
            statuses.get(runId),
            clusterName,
            report,
            toRefresh,
          ),
      );
    }
    if (tracker && toRefresh.length > 0) await tracker.refresh(...toRefresh);
    return report;
  }

  /**
   * Runs one item's reconcile on its own: a failure is counted and logged
   * (each item at most every ten minutes) and never stops the pass for the
   * other items; the item is tried again on the next pass.
   */
  private async isolated(
    report: ReconcileReport,
    item: string,
    fn: () => Promise<void>,
  ): Promise<void> {
    try {
      await fn();
      this.failureLogged.delete(item);
    } catch (error) {
      report.failed += 1;
      const now = this.clock.now();
      const last = this.failureLogged.get(item);
      if (last === undefined || now - last >= FAILURE_LOG_INTERVAL_MS) {
        // Items that stopped failing by going away are forgotten in time.
        for (const [key, at] of this.failureLogged) {
          if (now - at >= FAILURE_LOG_INTERVAL_MS)
            this.failureLogged.delete(key);
        }
        this.failureLogged.set(item, now);
        this.options.logger.warn(
          `Reconciling ${item} in cluster '${
            report.cluster
          }' failed; the other runs and Jobs were reconciled, and it is tried again on the next pass: ${
            (error as Error).message
          }`,
        );
      }
    }
  }

  /** A recorded active run against the cluster's Jobs. */
  private async reconcileRun(
    run: RunRecord,
    jobs: Map<string, V1Job>,
    cluster: ReturnType<TenantClusters['get']>,
    report: ReconcileReport,
    toRefresh: string[],
    context: { hasTracker: boolean; graceMs: number; now: number },
  ): Promise<void> {
    const { graceMs, now } = context;
    const job = jobs.get(run.id);
    // Only the run's own Job counts: in its namespace, with its uid once
    // known (a Job elsewhere may carry its id label).
    if (
      job &&
      job.metadata?.namespace === run.namespace &&
      (!run.k8sUid || !job.metadata?.uid || job.metadata.uid === run.k8sUid)
    ) {
      if (context.hasTracker) {
        toRefresh.push(run.id);
        report.refreshed += 1;
      }
      return;
    }
    if (now - Date.parse(run.createdAt) < graceMs) return;
    if (run.status === 'Queued') {
      this.options.logger.info(
        `Run ${run.id} was recorded but its Job never created; creating it now`,
      );
      await this.options.sendRecorded(run);
      report.sent += 1;
      return;
    }
    // Check once more by name: the list may predate a fresh create.
    if (await cluster.getJob(run.namespace, run.k8sName)) return;
    const lost = await this.options.lifecycle.lose(
      run,
      `The Job ${run.k8sName} disappeared from the cluster before it finished, while the backend was not watching; its outcome is unknown`,
    );
    if (lost) report.lost += 1;
  }

  /** A Job of the cluster against the recorded runs. */
  private async reconcileJob(
    runId: string,
    job: V1Job,
    status: string | undefined,
    clusterName: string,
    report: ReconcileReport,
    toRefresh: string[],
  ): Promise<void> {
    const cluster = this.options.clusters.get(clusterName);
    if (
      status === undefined &&
      isScheduled(job) &&
      ((await this.options.adoptScheduled?.(job)) || job.spec?.suspend === true)
    ) {
      // A schedule's Job: recorded through the tenant's queue. One whose
      // schedule the database lost is adopted like any other Job once
      // it was let run; one still waiting stays the CronJob's, until
      // the schedule is restored (a configuration import).
      toRefresh.push(runId);
    } else if (status === undefined) {
      if (await this.adopt(runId, job, clusterName)) {
        report.adopted += 1;
        toRefresh.push(runId);
      }
    } else if (status === 'Cancelled' && !isFinished(job)) {
      await cluster.deleteJob(job.metadata!.namespace!, job.metadata!.name!);
      report.deleted += 1;
    }
  }

  /**
   * Records a Job nobody recorded, from its labels and annotations: who
   * submitted it, when, with which tier, parameters and entity (see
   * `readRunOrigin`), so a run the database lost comes back whole.
   */
  private async adopt(
    runId: string,
    job: V1Job,
    cluster: string,
  ): Promise<boolean> {
    const labels = job.metadata?.labels ?? {};
    const tenantId = labels[TENANT_JOBS_LABELS.tenant];
    const jobType = labels[TENANT_JOBS_LABELS.type];
    const priority = labels[TENANT_JOBS_LABELS.priority];
    const origin = readRunOrigin(job.metadata);
    const tier =
      origin.tier ??
      job.spec?.template?.spec?.containers?.[0]?.env?.find(
        env => env.name === RUN_ENV.tier,
      )?.value;
    if (!tenantId || !jobType || !priority || !isPriorityId(priority)) {
      return false;
    }
    if (!(await this.options.isOwnJob(tenantId, job.metadata!.namespace!))) {
      return false;
    }
    try {
      await this.options.lifecycle.adopt({
        id: runId,
        tenantId,
        jobType,
        tier: tier && isTierId(tier) ? tier : 'unknown',
        priority,
        // It holds one of its tenant's slots like any run that was let
        // run; a suspended one waits in the queue, released in its turn.
        ...(job.spec?.suspend
          ? { status: 'Queued' as const }
          : {
              status: 'Pending' as const,
              releasedAt: isoNow(this.clock),
            }),
        reason: 'Adopted',
        message: `Job ${job.metadata?.name} was found in the cluster without a record and adopted`,
        request: {
          tenantId,
          jobType,
          priority,
          ...(tier && isTierId(tier) ? { tier } : {}),
          parameters: origin.parameters ?? {},
          ...(origin.entityRef ? { entityRef: origin.entityRef } : {}),
          ...(origin.idempotencyKey
            ? { idempotencyKey: origin.idempotencyKey }
            : {}),
        },
        entityRef: origin.entityRef,
        submittedBy: origin.submittedBy ?? 'unknown',
        idempotencyKey: origin.idempotencyKey,
        createdAt:
          origin.submittedAt ?? job.metadata?.creationTimestamp?.toString(),
        scheduleId: labels[SCHEDULE_ID_LABEL],
        cluster,
        namespace: job.metadata!.namespace!,
        k8sName: job.metadata!.name!,
        k8sUid: job.metadata?.uid,
      });
      this.options.logger.warn(
        `Adopted Job ${job.metadata?.namespace}/${job.metadata?.name}: it carried run id ${runId} but no run was recorded`,
      );
      return true;
    } catch (error) {
      this.options.logger.warn(
        `Could not adopt Job ${job.metadata?.name}: ${
          (error as Error).message
        }`,
      );
      return false;
    }
  }
}
