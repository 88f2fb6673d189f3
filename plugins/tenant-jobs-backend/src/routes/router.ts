import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  parseJobRequest,
  PRIORITIES,
  PriorityId,
  tenantJobsRunCancelPermission,
  tenantJobsRunCreatePermission,
  tenantJobsRunReadPermission,
  tenantJobsResourceRef,
  TIERS,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import express from 'express';
import Router from 'express-promise-router';
import { TenantDirectory } from '../catalog/TenantDirectory';
import {
  AuditAction,
  AuditStore,
  RunRecord,
  RunStore,
  ScheduleStore,
  TriggerStore,
} from '../database';
import { TenantJobAuthorizer } from '../permissions/authorizer';
import { readableRuns } from '../permissions/readCriteria';
import { createAdminRoutes } from './adminRoutes';
import type { SubmissionRequest, TenantJobsObservability } from '../metrics';
import {
  AuditContext,
  createAudit,
  createRefusalAudit,
  wasAudited,
} from './audit';
import { errorHandler, jsonBody } from './httpErrors';
import { RunService, SubmitResult } from '../usecases/RunService';
import { JobTypeRegistry } from '../usecases/JobTypeRegistry';
import {
  parseListQuery,
  parseLogQuery,
  parseStatsOptions,
  rejectQuery,
} from './listQuery';
import { TenantClusters } from '../cluster/TenantCluster';
import { RunQueries } from '../usecases/RunQueries';
import { RunQueue } from '../usecases/RunQueue';
import { createScheduleRoutes } from './scheduleRoutes';
import { ScheduleService } from '../usecases/ScheduleService';
import { createTriggerRoutes } from './triggerRoutes';
import {
  CONFIGURATION_PATH,
  createConfigurationRoutes,
} from './configurationRoutes';
import { TenantConfiguration } from '../usecases/TenantConfiguration';
import { TriggerService } from '../usecases/TriggerService';

/** Largest accepted request body; parameters are capped lower by the schema. */
export const MAX_BODY_SIZE = '64kb';

/** What a run id can look like: a label value (UUIDs in practice). */
const RUN_ID = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** The audit action of a refused request, by its route. */
function actionOf(req: express.Request): {
  action: AuditAction;
  runId?: string;
} {
  if (req.method === 'DELETE') {
    if (/^\/schedules\/[^/]+\/?$/.test(req.path)) {
      return { action: 'schedule-delete' };
    }
    if (/^\/triggers\/[^/]+\/?$/.test(req.path)) {
      return { action: 'trigger-delete' };
    }
  }
  if (req.method !== 'POST') return { action: 'request-refused' };
  if (/^\/runs\/?$/.test(req.path)) return { action: 'run-submit' };
  if (/^\/tenants\/[^/]+\/provision\/?$/.test(req.path)) {
    return { action: 'tenant-provision' };
  }
  if (/^\/triggers\/?$/.test(req.path)) return { action: 'trigger-create' };
  if (CONFIGURATION_PATH.test(req.path)) {
    return { action: 'configuration-import' };
  }
  const schedule = /^\/schedules(?:\/[^/]+\/(pause|resume|run))?\/?$/.exec(
    req.path,
  );
  if (schedule) {
    return {
      action: schedule[1] ? `schedule-${schedule[1]}` : 'schedule-create',
    } as {
      action: AuditAction;
    };
  }
  const match = /^\/runs\/([^/]+)\/(cancel|retry)\/?$/.exec(req.path);
  if (!match) return { action: 'request-refused' };
  return {
    action: match[2] === 'cancel' ? 'run-cancel' : 'run-retry',
    runId: RUN_ID.test(match[1]) ? match[1] : undefined,
  };
}

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  auditor: AuditorService;
  logger: LoggerService;
  jobs: RunService;
  queries: RunQueries;
  /** Where waiting runs stand in their tenant's queue. */
  queue?: RunQueue;
  /** Schedules: their service and store. */
  schedules?: { service: ScheduleService; store: ScheduleStore };
  /** Trigger rules: their service and store. */
  triggers?: { service: TriggerService; store: TriggerStore };
  /** Export and import of a tenant's schedules and triggers. */
  configuration?: TenantConfiguration;
  /** Decides a permission on one tenant or run. */
  authorizer: TenantJobAuthorizer;
  jobTypes: JobTypeRegistry;
  tenants: TenantDirectory;
  runs: RunStore;
  audit: AuditStore;
  clusters: TenantClusters;
  /** What provisioning a tenant needs of the plugin's config. */
  config: { namespacePattern: string; preemptingPriorities: PriorityId[] };
  /** Counts and traces submissions and retries (see src/metrics). */
  observability?: Pick<
    TenantJobsObservability,
    'submission' | 'refusedBeforeRoute'
  >;
}): Promise<express.Router> {
  const { httpAuth, permissions, jobs, runs, queries } = options;
  const isAllowed = options.authorizer;
  const audited = createAudit({
    auditor: options.auditor,
    store: options.audit,
    logger: options.logger,
  });

  const refused = createRefusalAudit({
    auditor: options.auditor,
    store: options.audit,
  });

  /** A submission or retry under audit, counted and traced as well. */
  function auditedSubmission<T extends SubmitResult>(
    request: SubmissionRequest,
    action: AuditAction,
    req: express.Request,
    actor: string,
    context: AuditContext,
    fn: (ctx: AuditContext) => Promise<T>,
  ): Promise<T> {
    const run = () => audited(action, req, actor, context, fn);
    return options.observability?.submission(request, run) ?? run();
  }

  const router = Router();
  // Every route is for signed-in users. Checked here, before the body is
  // read, so no route can forget it, and a refusal reaches the audit below
  // (the plugin lets unauthenticated requests through the http router for
  // that reason; see plugin.ts).
  router.use(async (req, _res, next) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    next();
  });
  router.use(jsonBody(MAX_BODY_SIZE, { yamlPaths: CONFIGURATION_PATH }));

  const userCredentials = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user'] });

  async function authorize(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    permission: ResourcePermission<'tenant-jobs-run'>,
    resourceRef: string,
    denial: string,
  ) {
    if (!(await isAllowed(credentials, permission, resourceRef))) {
      throw new NotAllowedError(denial);
    }
  }

  /** The run, or undefined when there is none with this id. */
  async function findRun(id: string): Promise<RunRecord | undefined> {
    // Run ids are label values; anything else names no run and never
    // reaches the database (NUL bytes, megabytes).
    if (!RUN_ID.test(id)) return undefined;
    try {
      return await runs.get(id);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * The run, if the caller may read it. Another tenant's run answers the
   * same 404 as one that does not exist, so ids reveal nothing.
   */
  async function readableRun(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    id: string,
    found?: RunRecord,
  ): Promise<RunRecord> {
    const notFound = new NotFoundError(`No tenant job run with id '${id}'`);
    const run = found ?? (await findRun(id));
    if (!run) throw notFound;
    const allowed = await isAllowed(
      credentials,
      tenantJobsRunReadPermission,
      tenantJobsResourceRef.forRun(run.id),
    );
    if (!allowed) throw notFound;
    return run;
  }

  function send(res: express.Response, result: SubmitResult) {
    if (result.kind === 'dryRun') {
      res.status(200).json({ dryRun: true, ...result.dryRun });
    } else {
      res.status(result.kind === 'created' ? 201 : 200).json(result.run);
    }
  }

  router.get('/job-types', async (req, res) => {
    await userCredentials(req);
    rejectQuery(req.query);
    res.json({
      items: options.jobTypes.list().map(type => ({
        id: type.id,
        title: type.title,
        description: type.description,
        category: type.category,
        gpu: type.gpu ?? false,
        defaultTier: type.defaultTier,
        allowedTiers: type.allowedTiers,
        defaultDeadlineSeconds: type.defaultDeadlineSeconds,
        retries: type.retries,
        parameterSchema: type.parameterSchema,
      })),
    });
  });

  router.get('/tiers', async (req, res) => {
    await userCredentials(req);
    rejectQuery(req.query);
    res.json({ items: TIERS });
  });

  router.get('/priorities', async (req, res) => {
    await userCredentials(req);
    rejectQuery(req.query);
    res.json({ items: PRIORITIES });
  });

  router.get('/tenants', async (req, res) => {
    const credentials = await userCredentials(req);
    rejectQuery(req.query);
    const { ownershipEntityRefs } = await options.userInfo.getUserInfo(
      credentials,
    );
    const mine = await options.tenants.getTenantsFor(ownershipEntityRefs);
    const items = await Promise.all(
      mine.map(async tenant => {
        const resolved = await jobs.resolveTenant(tenant.id);
        let quota: unknown = null;
        try {
          quota =
            (await options.clusters
              .get(resolved.cluster)
              .getQuota(resolved.namespace)) ?? null;
        } catch (error) {
          options.logger.warn(
            `Could not read the quota of tenant '${tenant.id}': ${
              (error as Error).message
            }`,
          );
        }
        return {
          id: resolved.id,
          title: resolved.title,
          groupRef: resolved.groupRef,
          plan: resolved.plan,
          cluster: resolved.cluster,
          namespace: resolved.namespace,
          activeJobs: await runs.countActive(resolved.id),
          quota,
        };
      }),
    );
    res.json({ items });
  });

  router.post('/runs', async (req, res) => {
    const credentials = await userCredentials(req);
    const actor = credentials.principal.userEntityRef;
    const parsed = parseJobRequest(req.body);
    const tenantId = parsed.success ? parsed.request.tenantId : undefined;
    // Counted under its tenant only once the caller may launch there.
    const counted: SubmissionRequest = parsed.success
      ? { jobType: parsed.request.jobType, priority: parsed.request.priority }
      : {};
    const result = await auditedSubmission(
      counted,
      'run-submit',
      req,
      actor,
      { tenantId },
      async ctx => {
        rejectQuery(req.query);
        if (!parsed.success) {
          throw new InputError(parsed.message);
        }
        const request = parsed.request;
        // Why a claimed tenant is refused: only to its claiming Groups.
        const { ownershipEntityRefs } = await options.userInfo.getUserInfo(
          credentials,
        );
        const refusal = await options.tenants.getRefusal(
          request.tenantId,
          ownershipEntityRefs,
        );
        if (refusal) {
          throw new ConflictError(
            `Tenant '${request.tenantId}' cannot be used: ${refusal}`,
          );
        }
        await authorize(
          credentials,
          tenantJobsRunCreatePermission,
          tenantJobsResourceRef.forTenant(request.tenantId),
          `You may not launch jobs for tenant '${request.tenantId}': you are not a member of it`,
        );
        counted.tenantId = request.tenantId;
        const outcome = await jobs.submit(request, actor);
        if (outcome.kind !== 'dryRun') {
          ctx.runId = outcome.run.id;
        }
        ctx.detail = { jobType: request.jobType, dryRun: request.dryRun };
        return outcome;
      },
    );
    send(res, result);
  });

  router.get('/runs', async (req, res) => {
    const credentials = await userCredentials(req);
    const { filter, page } = parseListQuery(req.query);
    const permitted = await readableRuns(
      permissions,
      credentials,
      options.tenants,
    );
    res.json(await queries.list(filter, permitted, page));
  });

  router.get('/stats', async (req, res) => {
    const credentials = await userCredentials(req);
    const { filter, bucket } = parseStatsOptions(req.query);
    const permitted = await readableRuns(
      permissions,
      credentials,
      options.tenants,
    );
    if (bucket) {
      const { items, buckets } = await queries.statsByBucket(
        filter,
        permitted,
        bucket,
      );
      res.json({
        from: filter.createdAfter,
        to: filter.createdBefore,
        items,
        bucket,
        buckets,
      });
      return;
    }
    res.json({
      from: filter.createdAfter,
      to: filter.createdBefore,
      items: await queries.stats(filter, permitted),
    });
  });

  router.get('/runs/:runId', async (req, res) => {
    const credentials = await userCredentials(req);
    const run = await readableRun(credentials, req.params.runId);
    rejectQuery(req.query);
    const queue = await options.queue?.placeOf(run);
    res.json({ ...(await queries.detail(run)), ...(queue && { queue }) });
  });

  router.get('/runs/:runId/events', async (req, res) => {
    const credentials = await userCredentials(req);
    const run = await readableRun(credentials, req.params.runId);
    rejectQuery(req.query);
    const { source, items } = await queries.events(run);
    res.json({ source, items });
  });

  router.get('/runs/:runId/logs', async (req, res) => {
    const credentials = await userCredentials(req);
    // Whether the run may be read comes first: a foreign run's id with a
    // bad query answers the same 404 as with a good one.
    const run = await readableRun(credentials, req.params.runId);
    const logQuery = parseLogQuery(req.query);
    const closed = new AbortController();
    res.on('close', () => closed.abort());
    await queries.log(run, {
      ...logQuery,
      signal: closed.signal,
      open(source) {
        res.status(200);
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Tenant-Jobs-Log-Source', source);
        res.flushHeaders();
        return res;
      },
    });
  });

  router.post('/runs/:runId/cancel', async (req, res) => {
    const credentials = await userCredentials(req);
    const actor = credentials.principal.userEntityRef;
    const id = req.params.runId;
    // Its tenant goes to the audit trail, never to the caller.
    const found = await findRun(id);
    const cancelled = await audited(
      'run-cancel',
      req,
      actor,
      { tenantId: found?.tenantId, runId: id },
      async () => {
        const run = await readableRun(credentials, id, found);
        await authorize(
          credentials,
          tenantJobsRunCancelPermission,
          tenantJobsResourceRef.forRun(run.id),
          `You may not cancel jobs of tenant '${run.tenantId}': you are not a member of it`,
        );
        rejectQuery(req.query);
        return jobs.cancel(run, actor);
      },
    );
    res.json(cancelled);
  });

  router.post('/runs/:runId/retry', async (req, res) => {
    const credentials = await userCredentials(req);
    const actor = credentials.principal.userEntityRef;
    const id = req.params.runId;
    const found = await findRun(id);
    // Counted under the run's tenant only once the caller may retry it:
    // a refused caller neither writes into nor learns of its series.
    const counted: SubmissionRequest = { retry: true };
    const result = await auditedSubmission(
      counted,
      'run-retry',
      req,
      actor,
      { tenantId: found?.tenantId, runId: id },
      async ctx => {
        const run = await readableRun(credentials, id, found);
        await authorize(
          credentials,
          tenantJobsRunCreatePermission,
          tenantJobsResourceRef.forTenant(run.tenantId),
          `You may not launch jobs for tenant '${run.tenantId}': you are not a member of it`,
        );
        rejectQuery(req.query);
        Object.assign(counted, {
          tenantId: run.tenantId,
          jobType: run.jobType,
          priority: run.priority,
        });
        const outcome = await jobs.retry(run, actor);
        if (outcome.kind !== 'dryRun') {
          ctx.detail = { newRunId: outcome.run.id };
        }
        return outcome;
      },
    );
    send(res, result);
  });

  router.use(createAdminRoutes({ ...options, audited }));
  if (options.configuration) {
    router.use(
      createConfigurationRoutes({
        httpAuth,
        authorizer: isAllowed,
        configuration: options.configuration,
        audited,
      }),
    );
  }
  if (options.triggers) {
    router.use(
      createTriggerRoutes({
        httpAuth,
        userInfo: options.userInfo,
        authorizer: isAllowed,
        tenants: options.tenants,
        triggers: options.triggers.service,
        store: options.triggers.store,
        audited,
      }),
    );
  }
  if (options.schedules) {
    router.use(
      createScheduleRoutes({
        httpAuth,
        userInfo: options.userInfo,
        authorizer: isAllowed,
        tenants: options.tenants,
        schedules: options.schedules.service,
        store: options.schedules.store,
        audited,
      }),
    );
  }

  router.use(
    errorHandler({
      logger: options.logger,
      async onRefusal(error, req, status) {
        if (wasAudited(error)) return;
        let actor: string | undefined;
        try {
          actor = (await userCredentials(req)).principal.userEntityRef;
        } catch {
          // Refused before or because of authentication: anonymous.
        }
        const { action, runId } = actionOf(req);
        options.observability?.refusedBeforeRoute(action, error);
        await refused(
          action,
          req,
          actor,
          {
            runId,
            status,
            detail: {
              method: req.method,
              path: req.path.slice(0, 200),
            },
          },
          error,
        );
      },
    }),
  );

  return router;
}
