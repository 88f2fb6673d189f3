import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { V1Job } from '@kubernetes/client-node';
import {
  buildJob,
  buildRunName,
  checkJobTypeAllowed,
  checkPriorityAllowed,
  checkTierAllowed,
  getPriority,
  JobRequest,
  KUEUE_LOCAL_QUEUE_NAME,
  kueueClusterQueueName,
  queueWithKueue,
  resolvePlanLimits,
  TenantJobRun,
  TENANT_JOBS_ANNOTATIONS,
  TENANT_JOBS_LABELS,
  TENANT_JOBS_MANAGED_BY,
  TenantPlan,
  tenantNamespaceName,
  TierId,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { randomBytes, randomUUID } from 'node:crypto';
import { Tenant, TenantDirectory } from '../catalog/TenantDirectory';
import { TenantJobsConfig } from '../config/readConfig';
import {
  ConcurrencyLimitError,
  FINAL_STATUSES,
  RunRecord,
  RunStore,
  RunUpdate,
} from '../database';
import { JobTypeRegistry } from './JobTypeRegistry';
import { validateParameters } from './parameters';
import { TenantClusters } from '../cluster/TenantCluster';
import { Clock, systemClock } from '../lib/clock';
import { RunLifecycle } from '../lifecycle';

/** What a submission produced. */
export type SubmitResult =
  | { kind: 'created'; run: TenantJobRun }
  | { kind: 'existing'; run: TenantJobRun }
  | {
      kind: 'dryRun';
      dryRun: {
        tenantId: string;
        jobType: string;
        tier: TierId;
        priority: string;
        namespace: string;
        jobName: string;
        manifest: V1Job;
        /**
         * `apiserver` when the cluster judged the Job (admission, quota,
         * Pod Security) without keeping it; `plugin` when the tenant's
         * namespace does not exist yet, so only the plugin's checks ran.
         */
        checkedBy: 'apiserver' | 'plugin';
        message: string;
      };
    };

/** The resolved view of a tenant: catalog entry, plan and cluster. */
export type ResolvedTenant = Tenant & {
  plan: TenantPlan;
  cluster: string;
  namespace: string;
};

function secondsBetween(from?: string, to?: string): number | undefined {
  if (!from || !to) return undefined;
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
}

export function toApiRun(run: RunRecord, now = new Date()): TenantJobRun {
  const request = run.request as Partial<JobRequest>;
  const running = run.status === 'Running' ? now.toISOString() : undefined;
  return {
    id: run.id,
    tenantId: run.tenantId,
    jobType: run.jobType,
    tier: run.tier as TierId,
    priority: run.priority as TenantJobRun['priority'],
    status: run.status,
    reason: run.reason,
    message: run.message,
    parameters: (request.parameters ?? {}) as Record<string, unknown>,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    attempts: run.attempts,
    durationSeconds: secondsBetween(run.startedAt, run.finishedAt ?? running),
    queueWaitSeconds: secondsBetween(run.createdAt, run.startedAt),
    cluster: run.cluster,
    namespace: run.namespace,
    jobName: run.k8sName,
    uid: run.k8sUid,
    submittedBy: run.submittedBy,
    entityRef: run.entityRef,
    dryRun: false,
    releasedAt: run.releasedAt,
  };
}

function suffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(5)].map(b => alphabet[b % alphabet.length]).join('');
}

/** The Job suspended while its run waits in the tenant's queue. */
function queuedUnlessReleased(run: RunRecord, manifest: V1Job): V1Job {
  if (run.releasedAt) return manifest;
  return { ...manifest, spec: { ...manifest.spec!, suspend: true } };
}

/**
 * The Job as it is sent: with `tenantJobs.queue.mode: kueue` always
 * suspended in the tenant's LocalQueue (Kueue admits and resumes it),
 * else suspended while its run waits in the built-in queue.
 */
function jobToSend(
  mode: TenantJobsConfig['queue']['mode'],
  run: RunRecord,
  manifest: V1Job,
): V1Job {
  return mode === 'kueue'
    ? queueWithKueue(manifest, run.priority as JobRequest['priority'])
    : queuedUnlessReleased(run, manifest);
}

/** What a run handed to Kueue says until its Workload says more. */
function waitingForKueue(run: RunRecord): { reason: string; message: string } {
  return {
    reason: 'WaitingForKueue',
    message: `Handed to Kueue: the Job is created and suspended in LocalQueue ${KUEUE_LOCAL_QUEUE_NAME} of ${
      run.namespace
    }; Kueue starts it when ClusterQueue ${kueueClusterQueueName(
      run.tenantId,
    )} has quota for it, highest priority first.`,
  };
}

/** JSON with object keys sorted, so key order does not matter. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map(key => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** The same request, as far as idempotency is concerned. */
function sameRequest(a: Record<string, unknown>, b: JobRequest): boolean {
  const pick = (r: Record<string, unknown>) =>
    JSON.stringify([
      r.tenantId,
      r.jobType,
      r.tier ?? null,
      r.priority,
      canonical(r.parameters),
      r.entityRef ?? null,
    ]);
  return pick(a) === pick(b as unknown as Record<string, unknown>);
}

/**
 * Submission, cancellation and retry of tenant jobs. Callers have already
 * been authorized for the tenant; this decides what the plan allows, records
 * the run before it is sent, and creates the Job.
 */
export class RunService {
  constructor(
    private readonly deps: {
      config: TenantJobsConfig;
      jobTypes: JobTypeRegistry;
      tenants: TenantDirectory;
      /** Reads runs; every write goes through the lifecycle. */
      runs: RunStore;
      lifecycle: RunLifecycle;
      clusters: TenantClusters;
      logger: LoggerService;
      clock?: Clock;
    },
  ) {}

  private get clock(): Clock {
    return this.deps.clock ?? systemClock;
  }

  /**
   * Puts the PriorityClasses and the tenant's namespace objects in place in
   * its cluster, once per process and tenant: afterwards the reconcile
   * keeps them in place, so a submission costs one write.
   */
  async prepareTenant(tenant: ResolvedTenant): Promise<void> {
    const cluster = this.deps.clusters.get(tenant.cluster);
    await cluster.ensurePriorityClasses({
      preempting: this.deps.config.preemptingPriorities,
    });
    await cluster.provisionTenant(
      tenant.id,
      tenant.plan,
      this.deps.config.namespacePattern,
      { maxAgeMs: Infinity },
    );
  }

  async resolveTenant(tenantId: string): Promise<ResolvedTenant> {
    const tenant = await this.deps.tenants.getTenant(tenantId);
    if (!tenant) {
      const refusal = await this.deps.tenants.getRefusal(tenantId);
      if (refusal) {
        throw new ConflictError(
          `Tenant '${tenantId}' cannot be used: ${refusal}`,
        );
      }
      throw new NotFoundError(`No tenant '${tenantId}' in the catalog`);
    }
    const { config } = this.deps;
    const override = config.tenants.get(tenantId);
    let planId = override?.plan ?? tenant.planAnnotation ?? config.defaultPlan;
    if (!config.plans.has(planId)) {
      this.deps.logger.warn(
        `Tenant '${tenantId}' names plan '${planId}', which is not configured; using '${config.defaultPlan}'`,
      );
      planId = config.defaultPlan;
    }
    return {
      ...tenant,
      plan: config.plans.get(planId)!,
      cluster: override?.cluster ?? config.defaultCluster,
      namespace: tenantNamespaceName(config.namespacePattern, tenantId),
    };
  }

  async submit(
    request: JobRequest,
    actor: string,
    options: {
      retryOf?: string;
      scheduleId?: string;
      /** The trigger rule that launched it, recorded on its Job. */
      triggerId?: string;
    } = {},
  ): Promise<SubmitResult> {
    const tenant = await this.resolveTenant(request.tenantId);
    const jobType = this.deps.jobTypes.get(request.jobType);
    if (!jobType) {
      throw new InputError(
        `jobType: unknown job type '${
          request.jobType
        }'; available: ${this.deps.jobTypes
          .list()
          .map(t => t.id)
          .join(', ')}`,
      );
    }
    const typeRefusal = checkJobTypeAllowed(jobType, tenant.plan);
    if (typeRefusal) {
      throw new InputError(`jobType: ${typeRefusal}`);
    }
    const tier = request.tier ?? jobType.defaultTier;
    const tierRefusal = checkTierAllowed(jobType, tenant.plan, tier);
    if (tierRefusal) {
      throw new InputError(`tier: ${tierRefusal}`);
    }
    const priorityRefusal = checkPriorityAllowed(tenant.plan, request.priority);
    if (priorityRefusal) {
      throw new NotAllowedError(`priority: ${priorityRefusal}`);
    }
    validateParameters(jobType, request.parameters);
    if (
      request.entityRef &&
      !(await this.deps.tenants.belongsTo(request.entityRef, tenant))
    ) {
      throw new InputError(
        `entityRef: '${request.entityRef}' is not a catalog entity of tenant '${tenant.id}'; name one owned by ${tenant.groupRef} or annotated ${TENANT_JOBS_ANNOTATIONS.tenantId}: ${tenant.id}`,
      );
    }

    if (request.idempotencyKey && !request.dryRun) {
      const existing = await this.deps.runs.findByIdempotencyKey(
        tenant.id,
        request.idempotencyKey,
      );
      if (existing) {
        return this.replay(existing, request);
      }
    }

    const limits = resolvePlanLimits(tenant.plan);
    const runId = randomUUID();
    // One time for the run and its Job, which records it for adoption.
    const now = new Date(this.clock.now());
    const submittedAt = now.toISOString();
    const jobName = buildRunName(jobType.id, tenant.id, now, suffix());
    const manifest = buildJob(request, {
      jobType,
      namespace: tenant.namespace,
      runId,
      jobName,
      tier,
      priority: request.priority,
      ttlSecondsAfterFinished: this.deps.config.ttlSecondsAfterFinished,
      origin: {
        submittedBy: actor,
        submittedAt,
        idempotencyKey: request.idempotencyKey,
        triggerId: options.triggerId,
      },
    });

    if (request.dryRun) {
      return this.dryRun(tenant, manifest, {
        jobType: jobType.id,
        tier,
        priority: getPriority(request.priority).id,
        jobName,
      });
    }
    await this.prepareTenant(tenant);

    // Admitted and recorded in one transaction before it is sent: a crash
    // in between leaves a Queued run that the reconcile creates, never a
    // Job nobody knows.
    let run: RunRecord;
    try {
      run = await this.deps.lifecycle.admit(
        {
          id: runId,
          tenantId: tenant.id,
          jobType: jobType.id,
          tier,
          priority: request.priority,
          request: { ...request, dryRun: false },
          entityRef: request.entityRef,
          submittedBy: actor,
          idempotencyKey: request.idempotencyKey,
          cluster: tenant.cluster,
          namespace: tenant.namespace,
          k8sName: jobName,
          retryOf: options.retryOf,
          scheduleId: options.scheduleId,
          createdAt: submittedAt,
        },
        {
          // Kueue holds runs over the tenant's quota, so the built-in
          // queue releases every run at once.
          maxActive:
            this.deps.config.queue.mode === 'kueue'
              ? Number.POSITIVE_INFINITY
              : limits.maxConcurrentJobs,
          maxQueued: this.deps.config.queue.maxQueuedPerTenant,
        },
      );
    } catch (error) {
      if (error instanceof ConcurrencyLimitError) {
        throw new ConflictError(
          `${error.message} (plan '${tenant.plan.id}'; tenantJobs.queue.maxQueuedPerTenant)`,
        );
      }
      if (error instanceof ConflictError && request.idempotencyKey) {
        // A concurrent request with the same key won the race.
        const winner = await this.deps.runs.findByIdempotencyKey(
          tenant.id,
          request.idempotencyKey,
        );
        if (winner) {
          return this.replay(winner, request);
        }
      }
      throw error;
    }
    return {
      kind: 'created',
      run: toApiRun(
        await this.send(
          run,
          jobToSend(this.deps.config.queue.mode, run, manifest),
        ),
      ),
    };
  }

  /**
   * Judges a submission without changing anything anywhere: the apiserver
   * dry-runs the Job when the tenant's namespace exists; a tenant that
   * never ran a job has no namespace yet (provisioning is a change), so
   * only the plugin's checks apply then.
   */
  private async dryRun(
    tenant: ResolvedTenant,
    manifest: V1Job,
    what: { jobType: string; tier: TierId; priority: string; jobName: string },
  ): Promise<SubmitResult> {
    const cluster = this.deps.clusters.get(tenant.cluster);
    const labels = await cluster.namespaceLabels(tenant.namespace);
    let checkedBy: 'apiserver' | 'plugin' = 'plugin';
    let message = `Namespace ${tenant.namespace} does not exist yet; it is created with the tenant's first job. The plan, tier, priority and parameters were checked; the cluster will judge the Job then.`;
    if (labels) {
      if (
        labels[TENANT_JOBS_LABELS.managedBy] !== TENANT_JOBS_MANAGED_BY ||
        labels[TENANT_JOBS_LABELS.tenant] !== tenant.id
      ) {
        throw new ConflictError(
          `Namespace ${tenant.namespace} exists and is not managed by Tenant Jobs for tenant '${tenant.id}'; a platform administrator must resolve this`,
        );
      }
      await cluster.createJob(manifest, { dryRun: true });
      checkedBy = 'apiserver';
      message = `The cluster would accept Job ${what.jobName} in ${tenant.namespace}`;
    }
    return {
      kind: 'dryRun',
      dryRun: {
        tenantId: tenant.id,
        ...what,
        namespace: tenant.namespace,
        manifest,
        checkedBy,
        message,
      },
    };
  }

  /**
   * Creates the Job of a recorded Queued run and marks it Pending. A run
   * cancelled meanwhile gets its Job deleted again, so a cancel that races
   * a submit leaves nothing running.
   */
  private async send(
    run: RunRecord,
    manifest: V1Job,
    /** What a refusal does to the run: forgotten at submit (the caller hears why), kept for the reconcile to fail. */
    onRefusal: 'forget' | 'keep' = 'forget',
  ): Promise<RunRecord> {
    const cluster = this.deps.clusters.get(run.cluster);
    let created: V1Job;
    try {
      created = await cluster.createJob(manifest, { dryRun: false });
    } catch (error) {
      if (error instanceof ConflictError) {
        // Already created (a retried send): adopt it if it is this run's.
        const existing = await cluster.getJob(run.namespace, run.k8sName);
        if (existing?.metadata?.labels?.[TENANT_JOBS_LABELS.runId] === run.id) {
          created = existing;
        } else {
          if (onRefusal === 'forget') await this.deps.lifecycle.forget(run);
          throw error;
        }
      } else {
        // Refused by the cluster: nothing was created, so nothing is kept.
        // On any other failure (timeout, unreachable) the Job may exist:
        // the run stays Queued for the reconcile rather than be forgotten.
        if (
          onRefusal === 'forget' &&
          (error instanceof InputError || error instanceof NotFoundError)
        ) {
          await this.deps.lifecycle.forget(run);
        }
        throw error;
      }
    }
    let next: RunUpdate;
    if (this.deps.config.queue.mode === 'kueue') {
      next = { k8sUid: created.metadata?.uid, ...waitingForKueue(run) };
    } else {
      next = run.releasedAt
        ? {
            status: 'Pending',
            k8sUid: created.metadata?.uid,
            reason: 'Created',
            message: `Job ${run.k8sName} created in ${run.namespace}`,
          }
        : {
            k8sUid: created.metadata?.uid,
            reason: 'WaitingForSlot',
            message: `Waiting in tenant '${run.tenantId}''s queue: its plan's limit of jobs at once is reached. The Job is created and suspended; it starts when a slot frees, highest priority first, then oldest.`,
          };
    }
    const sent = await this.deps.lifecycle.send(run, next);
    if (sent) {
      if (!run.releasedAt && created.spec?.suspend) {
        // Released while the Job was being created: resume it now.
        const latest = await this.deps.runs.get(run.id);
        if (latest.releasedAt) {
          await cluster.resumeJob(run.namespace, run.k8sName);
        }
      }
      return sent;
    }
    const current = await this.deps.runs.get(run.id);
    if (current.status === 'Cancelled') {
      await cluster.deleteJob(run.namespace, run.k8sName);
    }
    return current;
  }

  /**
   * Applies again the namespace objects of every tenant with active runs
   * (each at most every few minutes, see `provisionTenant`), so quota,
   * limits, network policy and Pod Security labels that drifted are put
   * back without any submission paying for it. Returns how many tenants
   * were checked.
   */
  async keepTenantsProvisioned(): Promise<number> {
    const tenantIds = await this.deps.runs.activeTenantIds();
    for (const tenantId of tenantIds) {
      try {
        const tenant = await this.resolveTenant(tenantId);
        await this.deps.clusters
          .get(tenant.cluster)
          .provisionTenant(
            tenant.id,
            tenant.plan,
            this.deps.config.namespacePattern,
          );
      } catch (error) {
        this.deps.logger.warn(
          `Could not keep tenant '${tenantId}' provisioned: ${
            (error as Error).message
          }`,
        );
      }
    }
    return tenantIds.length;
  }

  /**
   * Sends a run that was recorded but whose Job was never created (the
   * backend died or timed out in between). Refusals fail the run.
   */
  async sendRecorded(run: RunRecord): Promise<RunRecord> {
    const jobType = this.deps.jobTypes.get(run.jobType);
    if (!jobType) {
      return this.failed(run, {
        reason: 'NotCreated',
        message: `Its job type '${run.jobType}' is no longer configured`,
      });
    }
    const manifest = buildJob(run.request as JobRequest, {
      jobType,
      namespace: run.namespace,
      runId: run.id,
      jobName: run.k8sName,
      tier: run.tier as TierId,
      priority: run.priority as JobRequest['priority'],
      ttlSecondsAfterFinished: this.deps.config.ttlSecondsAfterFinished,
      origin: {
        submittedBy: run.submittedBy,
        submittedAt: run.createdAt,
        idempotencyKey: run.idempotencyKey,
      },
    });
    try {
      return await this.send(
        run,
        jobToSend(this.deps.config.queue.mode, run, manifest),
        'keep',
      );
    } catch (error) {
      if (
        error instanceof InputError ||
        error instanceof NotFoundError ||
        error instanceof ConflictError
      ) {
        // Nobody waits for an answer here, so the run keeps why: the
        // apiserver's words, and a quota refusal by its name.
        return this.failed(run, {
          // The apiserver's own words for a ResourceQuota's refusal.
          reason: /exceeded quota/i.test((error as Error).message)
            ? 'QuotaExceeded'
            : 'NotCreated',
          message: `The cluster refused its Job: ${(error as Error).message}`,
        });
      }
      throw error;
    }
  }

  /** Fails a run that cannot be sent; the run as it is when it had moved on. */
  private async failed(
    run: RunRecord,
    why: { reason: string; message: string },
  ): Promise<RunRecord> {
    return (
      (await this.deps.lifecycle.fail(run, why)) ??
      (await this.deps.runs.get(run.id))
    );
  }

  async cancel(run: RunRecord, actor: string): Promise<TenantJobRun> {
    // Guarded by the state read: a run that finished meanwhile stays as it
    // finished. The Job goes after the run is final, so the tracker never
    // records the deletion as a loss.
    const cancelled = await this.deps.lifecycle.cancel(run, actor);
    if (!cancelled) {
      const current = await this.deps.runs.get(run.id);
      throw new ConflictError(
        `Run ${run.id} is already ${current.status}; only Queued, Pending or Running runs can be cancelled`,
      );
    }
    try {
      await this.deps.clusters
        .get(run.cluster)
        .deleteJob(run.namespace, run.k8sName);
    } catch (error) {
      // The run is Cancelled either way: the reconcile deletes the Job of a
      // cancelled run that is still there. Its slot and its notification
      // must not wait for that.
      this.deps.logger.warn(
        `Run ${run.id} is cancelled, but its Job ${run.namespace}/${
          run.k8sName
        } could not be deleted yet; the reconcile deletes it: ${
          (error as Error).message
        }`,
      );
    }
    return toApiRun(cancelled);
  }

  async retry(run: RunRecord, actor: string): Promise<SubmitResult> {
    if (!FINAL_STATUSES.has(run.status)) {
      throw new ConflictError(
        `Run ${run.id} is still ${run.status}; cancel it or wait for it to finish before retrying`,
      );
    }
    const previous = run.request as JobRequest;
    return this.submit(
      { ...previous, idempotencyKey: undefined, dryRun: false },
      actor,
      { retryOf: run.id },
    );
  }

  private replay(existing: RunRecord, request: JobRequest): SubmitResult {
    if (!sameRequest(existing.request, request)) {
      throw new ConflictError(
        `idempotencyKey: '${request.idempotencyKey}' was already used for a different request (run ${existing.id})`,
      );
    }
    return { kind: 'existing', run: toApiRun(existing) };
  }
}
