import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { TenantAccess } from '../access';
import { registerAdminRoutes } from './adminRoutes';
import { AuditTrail, wasAudited } from '../audit';
import { registerAuditRoutes } from './auditRoutes';
import { registerCatalogRoutes } from './catalogRoutes';
import {
  CONFIGURATION_PATH,
  registerConfigurationRoutes,
} from './configurationRoutes';
import {
  createRoutes,
  routeAudit,
  RouteContext,
  SubmissionObserver,
  TenantJobsUseCases,
} from './context';
import { errorHandler, jsonBody } from './httpErrors';
import { registerPlatformRoutes } from './platformRoutes';
import { registerRunRoutes } from './runRoutes';
import { registerScheduleRoutes } from './scheduleRoutes';
import { registerTriggerRoutes } from './triggerRoutes';
import { registerUsageRoutes } from './usageRoutes';

export type { TenantJobsUseCases } from './context';

/** Largest accepted request body; parameters are capped lower by the schema. */
export const MAX_BODY_SIZE = '64kb';

/**
 * The REST API under /api/tenant-jobs. Routes call the use cases and ask
 * the access module who may do what; they reach no store or cluster.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  logger: LoggerService;
  /** Every tenant decision: member, reader, refused tenant, admin. */
  access: TenantAccess;
  audit: AuditTrail;
  useCases: TenantJobsUseCases;
  /** Counts and traces submissions and retries (see src/metrics). */
  observability?: SubmissionObserver;
}): Promise<express.Router> {
  const { access, audit, useCases, observability } = options;
  const { routes, tags, route } = await createRoutes();
  const context: RouteContext = {
    access,
    audit,
    useCases,
    observability,
    route,
  };
  registerCatalogRoutes(context);
  registerRunRoutes(context);
  registerAdminRoutes(context);
  if (useCases.configuration) {
    registerConfigurationRoutes(context, useCases.configuration);
  }
  if (useCases.triggers) registerTriggerRoutes(context, useCases.triggers);
  if (useCases.schedules) registerScheduleRoutes(context, useCases.schedules);
  if (useCases.platform) registerPlatformRoutes(context, useCases.platform);
  if (useCases.auditLog) registerAuditRoutes(context, useCases.auditLog);
  if (useCases.usage) registerUsageRoutes(context, useCases.usage);

  const router = Router();
  // Each request learns the audit action its route declares first, so a
  // refusal before the route ran is audited under it.
  router.use(tags);
  // Every route is for signed-in users. Checked here, before the body is
  // read, so no route can forget it, and a refusal reaches the audit below
  // (the plugin lets unauthenticated requests through the http router for
  // that reason; see plugin.ts).
  router.use(async (req, _res, next) => {
    await options.httpAuth.credentials(req, { allow: ['user'] });
    next();
  });
  router.use(jsonBody(MAX_BODY_SIZE, { yamlPaths: CONFIGURATION_PATH }));
  router.use(routes);
  router.use(
    errorHandler({
      logger: options.logger,
      async onRefusal(error, req, status, res) {
        if (wasAudited(error)) return;
        let actor: string | undefined;
        try {
          actor = (await access.user(req)).principal.userEntityRef;
        } catch {
          // Refused before or because of authentication: anonymous.
        }
        const { action, runId } = routeAudit(res);
        observability?.refusedBeforeRoute(action, error);
        await audit.refused(
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
