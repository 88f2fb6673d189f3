import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import type { V1Job } from '@kubernetes/client-node';
import {
  checkConfigurationLimit,
  buildCronJob,
  JobRequest,
  queueWithKueue,
  PriorityId,
  resolvePlanLimits,
  SCHEDULE_ID_LABEL,
  ScheduleRequest,
  TenantJobSchedule,
  TierId,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { CronTime } from 'cron';
import { randomUUID } from 'node:crypto';
import { TenantJobsConfig } from '../config/readConfig';
import {
  ConcurrencyLimitError,
  RunRecord,
  RunStore,
  ScheduleRecord,
  ScheduleStore,
} from '../database';
import { RunService, SubmitResult } from './RunService';
import { JobTypeRegistry } from './JobTypeRegistry';
import { TenantClusters } from '../cluster/TenantCluster';
import { RunLifecycle } from '../lifecycle';

/** What a server-generated id looks like. */
const UUID = /^[0-9a-f-]{36}$/;

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** The next `count` times a schedule fires, ISO 8601; none while paused. */
export function nextRunTimes(request: ScheduleRequest, count = 3): string[] {
  if (request.paused) return [];
  const expression = MACROS[request.cron.trim()] ?? request.cron;
  return new CronTime(expression, request.timeZone)
    .sendAt(count)
    .map(time => time.toUTC().toISO()!);
}

/** A schedule's CronJob name: short (CronJobs allow 52), unique by id. */
function cronJobName(jobType: string, id: string): string {
  return `${jobType.slice(0, 30).replace(/-+$/, '')}-sched-${id.slice(0, 8)}`;
}

/** The part of a schedule request that is a submit request. */
function asJobRequest(request: ScheduleRequest): JobRequest {
  return {
    tenantId: request.tenantId,
    jobType: request.jobType,
    tier: request.tier,
    priority: request.priority,
    parameters: request.parameters,
    entityRef: request.entityRef,
    dryRun: false,
  };
}

/**
 * Schedules: recurring runs of a job type, each a CronJob in the tenant's
 * namespace. A schedule is judged like a submission when it is created
 * (plan, tier, priority, parameters, entity, and the apiserver's dry run),
 * its Jobs are created suspended and adopted as runs by the tracker, so
 * they wait in the tenant's queue, count against its limit and are
 * tracked like any other run, linked to the schedule.
 */
export class ScheduleService {
  constructor(
    private readonly deps: {
      config: TenantJobsConfig;
      jobs: RunService;
      jobTypes: JobTypeRegistry;
      schedules: ScheduleStore;
      /** Reads runs; every write goes through the lifecycle. */
      runs: RunStore;
      lifecycle: RunLifecycle;
      clusters: TenantClusters;
      logger: LoggerService;
    },
  ) {}

  /** The schedule with this id, if there is one (ids are UUIDs). */
  async find(id: string): Promise<ScheduleRecord | undefined> {
    return UUID.test(id) ? this.deps.schedules.find(id) : undefined;
  }

  /** The schedules of these tenants. */
  list(tenantIds: string[]): Promise<ScheduleRecord[]> {
    return this.deps.schedules.list(tenantIds);
  }

  /** The schedules as the API shows them, each with its newest run. */
  async describe(records: ScheduleRecord[]): Promise<TenantJobSchedule[]> {
    const lastRuns = await this.deps.schedules.lastRuns(records.map(r => r.id));
    return records.map(record => {
      const lastRun = lastRuns.get(record.id);
      return { ...this.toApi(record), ...(lastRun && { lastRun }) };
    });
  }

  /** The schedule as the API shows it, with its newest run. */
  async describeOne(record: ScheduleRecord): Promise<TenantJobSchedule> {
    return (await this.describe([record]))[0];
  }

  toApi(schedule: ScheduleRecord): TenantJobSchedule {
    return {
      ...schedule.request,
      paused: schedule.paused,
      id: schedule.id,
      cronJobName: schedule.cronJobName,
      namespace: schedule.namespace,
      cluster: schedule.cluster,
      createdBy: schedule.createdBy,
      createdAt: schedule.createdAt,
      updatedAt: schedule.updatedAt,
      nextRunTimes: nextRunTimes({
        ...schedule.request,
        paused: schedule.paused,
      }),
    };
  }

  /**
   * Everything a run of the schedule is checked for (job type, plan, tier,
   * priority, parameters, entity, the cluster's dry run when the tenant's
   * namespace exists), creating nothing; throws what to fix, else answers
   * the request with its tier resolved. The plan's limit on schedules is
   * the caller's to check.
   */
  async check(
    request: ScheduleRequest,
    actor: string,
  ): Promise<ScheduleRequest> {
    const verdict = await this.deps.jobs.submit(
      { ...asJobRequest(request), dryRun: true },
      actor,
    );
    if (verdict.kind !== 'dryRun') {
      throw new Error('A dry run created something');
    }
    return { ...request, tier: verdict.dryRun.tier };
  }

  async create(
    request: ScheduleRequest,
    actor: string,
  ): Promise<ScheduleRecord> {
    const limit = checkConfigurationLimit(
      (await this.deps.jobs.resolveTenant(request.tenantId)).plan,
      'schedules',
      await this.deps.schedules.countOf(request.tenantId),
      1,
    );
    if (limit) throw new ConflictError(limit);
    const resolved = await this.check(request, actor);
    const tenant = await this.deps.jobs.resolveTenant(request.tenantId);
    const id = randomUUID();
    const name = cronJobName(request.jobType, id);
    const cluster = this.deps.clusters.get(tenant.cluster);
    await this.deps.jobs.prepareTenant(tenant);
    await cluster.applyCronJob(
      this.cronJobOf(resolved, id, name, tenant.namespace, actor),
    );
    try {
      return await this.deps.schedules.create({
        id,
        tenantId: tenant.id,
        jobType: request.jobType,
        request: resolved,
        cluster: tenant.cluster,
        namespace: tenant.namespace,
        cronJobName: name,
        createdBy: actor,
      });
    } catch (error) {
      // Nothing half-created: no CronJob without its schedule.
      await cluster.deleteCronJob(tenant.namespace, name);
      throw error;
    }
  }

  async setPaused(
    schedule: ScheduleRecord,
    paused: boolean,
  ): Promise<ScheduleRecord> {
    await this.deps.clusters
      .get(schedule.cluster)
      .applyCronJob(
        this.cronJobOf(
          { ...schedule.request, paused },
          schedule.id,
          schedule.cronJobName,
          schedule.namespace,
          schedule.createdBy,
        ),
      );
    return this.deps.schedules.setPaused(schedule.id, paused);
  }

  /** Starts one run of the schedule now, as `actor`, through the queue. */
  runNow(schedule: ScheduleRecord, actor: string): Promise<SubmitResult> {
    return this.deps.jobs.submit(asJobRequest(schedule.request), actor, {
      scheduleId: schedule.id,
    });
  }

  async delete(schedule: ScheduleRecord): Promise<void> {
    await this.deps.clusters
      .get(schedule.cluster)
      .deleteCronJob(schedule.namespace, schedule.cronJobName);
    await this.deps.schedules.delete(schedule.id);
  }

  /**
   * Records a Job a schedule's CronJob created as a run (its id is the
   * Job's uid), admitted like a submission: released at once when the
   * tenant has a free slot, else left suspended in its queue; dropped with
   * the reason recorded when the queue is full. Adopting twice is a no-op.
   */
  async adopt(job: V1Job): Promise<boolean> {
    const scheduleId = job.metadata?.labels?.[SCHEDULE_ID_LABEL];
    const uid = job.metadata?.uid;
    if (!scheduleId || !uid) return false;
    const schedule = await this.deps.schedules.find(scheduleId);
    if (!schedule || schedule.namespace !== job.metadata?.namespace) {
      return false;
    }
    if ((await this.deps.runs.statusesOf([uid])).has(uid)) return true;
    const tenant = await this.deps.jobs.resolveTenant(schedule.tenantId);
    const request = asJobRequest(schedule.request);
    const run = {
      id: uid,
      tenantId: schedule.tenantId,
      jobType: schedule.jobType,
      tier: schedule.request.tier as TierId,
      priority: schedule.request.priority as PriorityId,
      request: request as unknown as Record<string, unknown>,
      entityRef: schedule.request.entityRef,
      submittedBy: schedule.createdBy,
      cluster: schedule.cluster,
      namespace: schedule.namespace,
      k8sName: job.metadata!.name!,
      k8sUid: uid,
      scheduleId,
    };
    const cluster = this.deps.clusters.get(schedule.cluster);
    let admitted: RunRecord;
    try {
      admitted = await this.deps.lifecycle.admit(run, {
        // With Kueue, Kueue holds the runs over the tenant's quota.
        maxActive: this.kueue
          ? Number.POSITIVE_INFINITY
          : resolvePlanLimits(tenant.plan).maxConcurrentJobs,
        maxQueued: this.deps.config.queue.maxQueuedPerTenant,
      });
    } catch (error) {
      if (error instanceof ConcurrencyLimitError) {
        await cluster.deleteJob(schedule.namespace, run.k8sName);
        await this.deps.lifecycle.refuse(run, {
          reason: 'QueueFull',
          message: `Not started: ${error.message}`,
        });
        this.deps.logger.warn(
          `Dropped a run of schedule ${scheduleId}: the queue of tenant '${schedule.tenantId}' is full`,
        );
        return true;
      }
      if (error instanceof ConflictError) return true; // adopted meanwhile
      throw error;
    }
    if (admitted.releasedAt && !this.kueue) {
      await cluster.resumeJob(schedule.namespace, run.k8sName);
    }
    let waiting = admitted.releasedAt
      ? { reason: 'Released', message: `Started by schedule ${scheduleId}` }
      : {
          reason: 'WaitingForSlot',
          message: `Started by schedule ${scheduleId}; waiting in the tenant's queue for a free slot`,
        };
    if (this.kueue) {
      waiting = {
        reason: 'WaitingForKueue',
        message: `Started by schedule ${scheduleId}; handed to Kueue, which starts it when the tenant's ClusterQueue has quota`,
      };
    }
    await this.deps.lifecycle.send(admitted, waiting);
    return true;
  }

  private get kueue(): boolean {
    return this.deps.config.queue.mode === 'kueue';
  }

  private cronJobOf(
    request: ScheduleRequest,
    id: string,
    name: string,
    namespace: string,
    /** The schedule's owner: its runs act for them. */
    createdBy: string,
  ) {
    const jobType = this.deps.jobTypes.get(request.jobType)!;
    const cronJob = buildCronJob(asJobRequest(request), {
      // Each Job it makes carries its owner, tier, parameters and entity,
      // so its run can be rebuilt from the Job alone.
      origin: { submittedBy: createdBy },
      jobType,
      namespace,
      tier: request.tier as TierId,
      priority: request.priority,
      ttlSecondsAfterFinished: this.deps.config.ttlSecondsAfterFinished,
      scheduleId: id,
      name,
      cron: request.cron,
      timeZone: request.timeZone,
      concurrencyPolicy: request.concurrencyPolicy,
      startingDeadlineSeconds: request.startingDeadlineSeconds,
      suspend: request.paused,
    });
    if (this.kueue) {
      // Its Jobs go to the tenant's LocalQueue, like every submission.
      const template = cronJob.spec!.jobTemplate;
      const queued = queueWithKueue(
        { metadata: template.metadata, spec: template.spec },
        request.priority,
      );
      cronJob.spec!.jobTemplate = {
        metadata: queued.metadata,
        spec: queued.spec,
      };
    }
    return cronJob;
  }
}
