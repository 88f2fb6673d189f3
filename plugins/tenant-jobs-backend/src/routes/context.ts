import express from 'express';
import Router from 'express-promise-router';
import { TenantAccess } from '../access';
import { AuditAction } from '../database';
import type { SubmissionRequest } from '../metrics';
import { JobTypeRegistry } from '../usecases/JobTypeRegistry';
import { RunQueries } from '../usecases/RunQueries';
import { RunQueue } from '../usecases/RunQueue';
import { RunService } from '../usecases/RunService';
import { ScheduleService } from '../usecases/ScheduleService';
import { TenantConfiguration } from '../usecases/TenantConfiguration';
import { TenantService } from '../usecases/TenantService';
import { TriggerService } from '../usecases/TriggerService';
import { AuditTrail } from './audit';

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
};

/** Counts and traces submissions and retries (see src/metrics). */
export type SubmissionObserver = {
  submission<T extends { kind: 'created' | 'existing' | 'dryRun' }>(
    request: SubmissionRequest,
    fn: () => Promise<T>,
  ): Promise<T>;
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
 * A router for the routes and one that tags each request with the audit
 * action its route declares, ahead of authentication and body parsing, so
 * a request refused before its handler ran is audited under its route's
 * action (`request-refused` when no route matches).
 */
export function createRoutes(): {
  routes: express.Router;
  tags: express.Router;
  route: RouteRegistrar;
} {
  const routes = Router();
  const tags = Router();
  const route: RouteRegistrar = (method, path, action, handler) => {
    if (action) {
      tags[method](path, (req, res, next) => {
        const runId = req.params.runId;
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
  return { routes, tags, route };
}

/** The audit of a request, as its route declared it. */
export function routeAudit(res: express.Response): RouteAudit {
  return (
    (res.locals.tenantJobsAudit as RouteAudit | undefined) ?? {
      action: 'request-refused',
    }
  );
}
