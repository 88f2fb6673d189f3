import { LoggerService } from '@backstage/backend-plugin-api';
import {
  resolvePlanLimits,
  TenantJobQueuePlace,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import {
  ACTIVE_STATUSES,
  FINAL_STATUSES,
  QueueStore,
  RunRecord,
  RunStore,
} from '../database';
import { ResolvedTenant } from './RunService';
import { TenantClusters } from '../cluster/TenantCluster';
import { Clock, systemClock } from '../lib/clock';
import { RunChange, RunLifecycle } from '../lifecycle';

const WEEK_MS = 7 * 86_400_000;
/** How many recent runs the start estimate takes its median from. */
const ESTIMATE_SAMPLE = 200;
/** A released run still suspended after this long is resumed again. */
const RESUME_GRACE_MS = 15_000;

/**
 * The built-in per-tenant queue. A run over its plan's `maxConcurrentJobs`
 * is recorded unreleased and its Job created suspended; when a run holding
 * a slot finishes, the next waiting ones are released (in the database,
 * under the tenant's lock, so exactly once across replicas) and their Jobs
 * resumed. The reconcile releases what a crash left waiting and resumes
 * released Jobs still suspended.
 */
export class RunQueue {
  constructor(
    private readonly deps: {
      queue: QueueStore;
      /** Reads runs; every write goes through the lifecycle. */
      runs: RunStore;
      lifecycle: RunLifecycle;
      clusters: TenantClusters;
      resolveTenant(tenantId: string): Promise<ResolvedTenant>;
      logger: LoggerService;
      clock?: Clock;
    },
  ) {}

  private get clock(): Clock {
    return this.deps.clock ?? systemClock;
  }

  /** Releases the tenant's next runs when a change freed one of its slots. */
  async onChange(change: RunChange) {
    const { before, after } = change;
    if (!before) return;
    const heldSlot = ACTIVE_STATUSES.has(before.status) && before.releasedAt;
    if (heldSlot && FINAL_STATUSES.has(after.status)) {
      await this.release(after.tenantId);
    }
  }

  /** Releases as many waiting runs of the tenant as it has free slots. */
  async release(tenantId: string): Promise<number> {
    let tenant: ResolvedTenant;
    try {
      tenant = await this.deps.resolveTenant(tenantId);
    } catch (error) {
      this.deps.logger.warn(
        `Cannot release the queue of tenant '${tenantId}': ${
          (error as Error).message
        }`,
      );
      return 0;
    }
    const ids = await this.deps.lifecycle.releaseSlots(
      tenantId,
      resolvePlanLimits(tenant.plan).maxConcurrentJobs,
    );
    for (const id of ids) {
      const run = await this.deps.runs.get(id);
      // No Job yet (its submit is still creating it): created unsuspended.
      if (run.k8sUid) await this.resume(run);
      await this.deps.lifecycle.release(run, {
        reason: 'Released',
        message: 'A slot of the tenant is free: the Job is starting',
      });
    }
    return ids.length;
  }

  /** Releases the queues of every tenant with waiting runs. */
  async releaseAll(): Promise<number> {
    let released = 0;
    for (const tenantId of await this.deps.queue.tenantsWaiting()) {
      released += await this.release(tenantId);
    }
    return released;
  }

  /** Resumes released Jobs still suspended (a resume lost in a crash). */
  async resumeStuck(now = this.clock.now()): Promise<number> {
    const stuck = await this.deps.queue.releasedNotStarted(
      new Date(now - RESUME_GRACE_MS),
    );
    for (const run of stuck) await this.resume(run);
    return stuck.length;
  }

  private async resume(run: {
    id: string;
    cluster: string;
    namespace: string;
    k8sName: string;
  }) {
    try {
      await this.deps.clusters
        .get(run.cluster)
        .resumeJob(run.namespace, run.k8sName);
    } catch (error) {
      // The reconcile tries again.
      this.deps.logger.warn(
        `Could not resume the Job of run ${run.id}: ${
          (error as Error).message
        }`,
      );
    }
  }

  /**
   * Where a waiting run stands and when it may start: its position, and an
   * estimate from the median run time of the tenant's last 200 finished
   * runs of the past week (one bounded read, however long the history).
   */
  async placeOf(
    run: RunRecord,
    now = this.clock.now(),
  ): Promise<TenantJobQueuePlace | undefined> {
    const place = await this.deps.queue.placeOf(run);
    if (!place) return undefined;
    let slots = 1;
    try {
      const tenant = await this.deps.resolveTenant(run.tenantId);
      slots = resolvePlanLimits(tenant.plan).maxConcurrentJobs;
    } catch {
      // An unknown tenant: estimate with one slot.
    }
    const durations = (
      await this.deps.runs.recentDurations(
        run.tenantId,
        new Date(now - WEEK_MS),
        ESTIMATE_SAMPLE,
      )
    ).sort((a, b) => a - b);
    const median = durations.length
      ? durations[Math.floor(durations.length / 2)]
      : undefined;
    return {
      position: place.position,
      running: place.running,
      slots,
      estimatedStartAt:
        median === undefined
          ? undefined
          : new Date(
              now + Math.ceil(place.position / slots) * median,
            ).toISOString(),
    };
  }
}
