import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { V1Job } from '@kubernetes/client-node';
import {
  buildJob,
  buildRunName,
  checkJobTypeAllowed,
  checkTierAllowed,
  getPriority,
  JobRequest,
  resolvePlanLimits,
  TenantJobRun,
  TenantPlan,
  tenantNamespaceName,
  TierId,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { randomBytes, randomUUID } from 'node:crypto';
import { Tenant, TenantDirectory } from '../catalog/TenantDirectory';
import { TenantJobsConfig } from '../config/readConfig';
import { FINAL_STATUSES, RunRecord, RunStore } from '../database';
import { JobTypeRegistry } from './JobTypeRegistry';
import { validateParameters } from './parameters';
import { JobClusters } from './ports';

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
      };
    };

/** The resolved view of a tenant: catalog entry, plan and cluster. */
export type ResolvedTenant = Tenant & {
  plan: TenantPlan;
  cluster: string;
  namespace: string;
};

export function toApiRun(run: RunRecord): TenantJobRun {
  const request = run.request as Partial<JobRequest>;
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
    cluster: run.cluster,
    namespace: run.namespace,
    jobName: run.k8sName,
    uid: run.k8sUid,
    submittedBy: run.submittedBy,
    entityRef: run.entityRef,
    dryRun: false,
  };
}

function suffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(5)].map(b => alphabet[b % alphabet.length]).join('');
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
export class JobService {
  constructor(
    private readonly deps: {
      config: TenantJobsConfig;
      jobTypes: JobTypeRegistry;
      tenants: TenantDirectory;
      runs: RunStore;
      clusters: JobClusters;
      logger: LoggerService;
    },
  ) {}

  async resolveTenant(tenantId: string): Promise<ResolvedTenant> {
    const tenant = await this.deps.tenants.getTenant(tenantId);
    if (!tenant) {
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
    options: { retryOf?: string } = {},
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
    validateParameters(jobType, request.parameters);

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
    if (!request.dryRun) {
      await this.refreshActiveRuns(tenant.id);
      const active = await this.deps.runs.countActive(tenant.id);
      if (active >= limits.maxConcurrentJobs) {
        throw new ConflictError(
          `Tenant '${tenant.id}' already has ${active} jobs queued or running; its plan '${tenant.plan.id}' allows ${limits.maxConcurrentJobs} at once (maxConcurrentJobs)`,
        );
      }
    }

    const runId = randomUUID();
    const jobName = buildRunName(jobType.id, tenant.id, new Date(), suffix());
    const manifest = buildJob(request, {
      jobType,
      namespace: tenant.namespace,
      runId,
      jobName,
      tier,
      priority: request.priority,
      ttlSecondsAfterFinished: this.deps.config.ttlSecondsAfterFinished,
    });

    const cluster = this.deps.clusters.get(tenant.cluster);
    await cluster.ensurePriorityClasses();
    await cluster.provisionTenant(
      tenant.id,
      tenant.plan,
      this.deps.config.namespacePattern,
    );

    if (request.dryRun) {
      await cluster.createJob(manifest, { dryRun: true });
      return {
        kind: 'dryRun',
        dryRun: {
          tenantId: tenant.id,
          jobType: jobType.id,
          tier,
          priority: getPriority(request.priority).id,
          namespace: tenant.namespace,
          jobName,
          manifest,
        },
      };
    }

    // Recorded before it is sent: a crash in between leaves a Queued run
    // that reconciliation completes or fails, never a Job nobody knows.
    let run: RunRecord;
    try {
      run = await this.deps.runs.create({
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
      });
    } catch (error) {
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

    let created: V1Job;
    try {
      created = await cluster.createJob(manifest, { dryRun: false });
    } catch (error) {
      // Refused by the cluster: nothing was created, so nothing is kept. On
      // any other failure (timeout, unreachable) the Job may exist: the run
      // stays Queued for reconciliation rather than be forgotten.
      if (
        error instanceof InputError ||
        error instanceof ConflictError ||
        error instanceof NotFoundError
      ) {
        await this.deps.runs.delete(run.id);
      }
      throw error;
    }
    run = await this.deps.runs.update(run.id, {
      status: 'Pending',
      k8sUid: created.metadata?.uid,
      reason: 'Created',
      message: `Job ${jobName} created in ${tenant.namespace}`,
    });
    return { kind: 'created', run: toApiRun(run) };
  }

  async cancel(run: RunRecord, actor: string): Promise<TenantJobRun> {
    if (FINAL_STATUSES.has(run.status)) {
      throw new ConflictError(
        `Run ${run.id} is already ${run.status}; only Queued, Pending or Running runs can be cancelled`,
      );
    }
    await this.deps.clusters
      .get(run.cluster)
      .deleteJob(run.namespace, run.k8sName);
    const updated = await this.deps.runs.update(run.id, {
      status: 'Cancelled',
      reason: 'CancelledByUser',
      message: `Cancelled by ${actor}`,
      finishedAt: new Date().toISOString(),
    });
    return toApiRun(updated);
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

  /**
   * Brings the tenant's Pending and Running runs up to date with their Jobs,
   * so finished runs free their slot. A stopgap until the watch-based
   * tracker of DESIGN.md lands; cheap for the few runs a plan allows.
   */
  private async refreshActiveRuns(tenantId: string): Promise<void> {
    const active = await this.deps.runs.list({
      tenantIds: [tenantId],
      statuses: ['Pending', 'Running'],
      limit: 100,
    });
    for (const run of active) {
      const job = await this.deps.clusters
        .get(run.cluster)
        .getJob(run.namespace, run.k8sName);
      const conditions = job?.status?.conditions ?? [];
      const done = conditions.find(
        c =>
          (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
      );
      if (!job) {
        await this.deps.runs.update(run.id, {
          status: 'Failed',
          reason: 'JobNotFound',
          message: `Job ${run.k8sName} no longer exists in ${run.namespace}`,
          finishedAt: new Date().toISOString(),
        });
      } else if (done) {
        await this.deps.runs.update(run.id, {
          status: done.type === 'Complete' ? 'Succeeded' : 'Failed',
          reason: done.reason ?? done.type,
          message: done.message,
          attempts: (job.status?.succeeded ?? 0) + (job.status?.failed ?? 0),
          finishedAt: (done.lastTransitionTime
            ? new Date(done.lastTransitionTime)
            : new Date()
          ).toISOString(),
        });
      } else if ((job.status?.active ?? 0) > 0 && run.status === 'Pending') {
        await this.deps.runs.update(run.id, {
          status: 'Running',
          startedAt: (job.status?.startTime
            ? new Date(job.status.startTime)
            : new Date()
          ).toISOString(),
        });
      }
    }
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
