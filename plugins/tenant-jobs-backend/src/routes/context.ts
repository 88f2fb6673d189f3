import express from 'express';
import Router from 'express-promise-router';
import { TenantAccess } from '../access';
import { AuditAction } from '../database';
import { AuditLog } from '../usecases/AuditLog';
import { JobTypeRegistry } from '../usecases/JobTypeRegistry';
import { PlatformOverview } from '../usecases/PlatformOverview';
import { RunQueries } from '../usecases/RunQueries';
import { RunQueue } from '../usecases/RunQueue';
import { RunService } from '../usecases/RunService';
import { ScheduleService } from '../usecases/ScheduleService';
import { TenantConfiguration } from '../usecases/TenantConfiguration';
import { TenantService } from '../usecases/TenantService';
import { CountedSubmission, TriggerService } from '../usecases/TriggerService';
import { UsageReports } from '../usecases/UsageReport';
import { createOpenApiRouter } from '../schema/openapi';
import { AuditTrail } from '../audit';

/** What the routes call: the use cases, nothing below them. */
export type TenantJobsUseCases = {
  runs: RunService;
  queries: RunQueries;
  /** Where waiting runs stand in their tenant's queue. */
  queue?: RunQueue;
  schedules?: ScheduleService;
  triggers?: TriggerService;
  /** Export and import of a tenant's schedules and triggers. */
  configuration?: TenantConfiguration;
  tenants: TenantService;
  jobTypes: JobTypeRegistry;
  /** Every tenant at a glance and the clusters' health, for admins. */
  platform?: PlatformOverview;
  /** Reading and exporting the audit trail. */
  auditLog?: AuditLog;
  /** Usage for chargeback. */
  usage?: UsageReports;
};

/** Counts and traces submissions and retries (see src/metrics). */
export type SubmissionObserver = {
  submission: CountedSubmission;
  refusedBeforeRoute(action: string, error: unknown): void;
};

/** The audit action a request's route declared, and the run it names. */
export type RouteAudit = { action: AuditAction; runId?: string };

/** Registers a route with the audit action it is recorded under. */
export type RouteRegistrar = (
  method: 'get' | 'post' | 'delete',
  path: string,
  action: AuditAction | undefined,
  handler: (req: express.Request, res: express.Response) => Promise<void>,
) => void;

/** What every route module gets. */
export type RouteContext = {
  access: TenantAccess;
  audit: AuditTrail;
  useCases: TenantJobsUseCases;
  observability?: SubmissionObserver;
  route: RouteRegistrar;
};

/** What a run id can look like: a label value (UUIDs in practice). */
const RUN_ID = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * The routes' router, generated from the REST API's OpenAPI description
 * (`src/schema/openapi.yaml`; it also serves `GET /openapi.json`), and one
 * that tags each request with the audit action its route declares, ahead
 * of authentication and body parsing, so a request refused before its
 * handler ran is audited under its route's action (`request-refused` when
 * no route matches).
 *
 * The generated router does not validate requests against the schema:
 * who may do what is decided before a request is judged (a caller who may
 * not see a run learns nothing from its query or body), so each route
 * parses its input after the access module answered. `routes.test.ts`
 * holds the description and the registered routes to each other.
 */
export async function createRoutes(): Promise<{
  routes: express.Router;
  tags: express.Router;
  route: RouteRegistrar;
  registered: Array<{ method: string; path: string }>;
}> {
  const routes = (await createOpenApiRouter({
    // Bodies are parsed (and bounded) by the plugin's router before.
    middleware: [(_req, _res, next) => next()],
    validatorOptions: { validateRequests: false, validateResponses: false },
  })) as unknown as express.Router;
  const tags = Router();
  const registered: Array<{ method: string; path: string }> = [];
  const route: RouteRegistrar = (method, path, action, handler) => {
    registered.push({ method, path });
    if (action) {
      // Matched without decoding its parameters: a request whose path
      // Express cannot decode is still audited under its route.
      const segments = path.split('/');
      const runIdAt = segments.indexOf(':runId');
      const pattern = new RegExp(
        `^${segments
          .map(segment => (segment.startsWith(':') ? '[^/]+' : segment))
          .join('\\/')}\\/?$`,
      );
      tags[method](pattern, (req, res, next) => {
        const runId = runIdAt >= 0 ? req.path.split('/')[runIdAt] : undefined;
        const audit: RouteAudit = {
          action,
          runId: runId && RUN_ID.test(runId) ? runId : undefined,
        };
        res.locals.tenantJobsAudit = audit;
        next();
      });
    }
    routes[method](path, handler);
  };
  return { routes, tags, route, registered };
}

/** The audit of a request, as its route declared it. */
export function routeAudit(res: express.Response): RouteAudit {
  return (
    (res.locals.tenantJobsAudit as RouteAudit | undefined) ?? {
      action: 'request-refused',
    }
  );
}
