import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { TenantAccess } from '../access';
import { ClusterHealth } from '../metrics/ClusterHealth';

/**
 * `GET /health`: the plugin's readiness, 200 `{ status: 'ok' }` while every
 * configured cluster answers and every watch keeps up, else 503
 * `{ status: 'degraded' }`. That is all it tells a caller without
 * credentials: the details (which cluster, its last error with addresses
 * and account names, each watch) go to the log when they change, and to
 * the platform team, a signed-in user allowed `tenant-jobs.tenant.provision`
 * or another backend plugin. Register it before the plugin's authenticated
 * routes.
 */
export function createHealthRouter(options: {
  health: ClusterHealth;
  httpAuth: HttpAuthService;
  /** Who is the platform team's (`tenant-jobs.tenant.provision`). */
  access: Pick<TenantAccess, 'isAdmin'>;
  logger: LoggerService;
}): express.Router {
  const { health, httpAuth, access, logger } = options;
  let lastLogged: string | undefined;

  /** Whether the caller may see the details: the platform team or a service. */
  async function mayReadDetails(req: express.Request): Promise<boolean> {
    if (!req.headers.authorization) return false;
    try {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      if (credentials.principal.type === 'service') return true;
      return await access.isAdmin(credentials);
    } catch {
      // A bad or missing token gets the answer anyone gets.
      return false;
    }
  }

  const router = Router();
  router.get('/health', async (req, res) => {
    const { status, body } = health.readiness();
    if (body.message && body.message !== lastLogged) {
      logger.warn(`Tenant Jobs is degraded: ${body.message}`);
    } else if (!body.message && lastLogged) {
      logger.info('Tenant Jobs is healthy again');
    }
    lastLogged = body.message;
    res.setHeader('Cache-Control', 'no-store');
    res
      .status(status)
      .json((await mayReadDetails(req)) ? body : { status: body.status });
  });
  return router;
}
