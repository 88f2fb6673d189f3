import { PlatformOverview } from '../usecases/PlatformOverview';
import { RouteContext } from './context';
import { rejectQuery } from './listQuery';

const NOT_ADMIN =
  'This is for the platform team: ask for membership in one of tenantJobs.adminGroups';

/**
 * Who the caller is to Tenant Jobs (`GET /me`), and for the platform team
 * every tenant at a glance (`GET /admin/tenants`) and the clusters'
 * health (`GET /admin/clusters`).
 */
export function registerPlatformRoutes(
  context: RouteContext,
  platform: PlatformOverview,
) {
  const { access, route } = context;

  route('get', '/me', undefined, async (req, res) => {
    const credentials = await access.user(req);
    rejectQuery(req.query);
    const [admin, tenants] = await Promise.all([
      access.isAdmin(credentials),
      access.memberTenantIds(credentials),
    ]);
    res.json({
      userEntityRef: credentials.principal.userEntityRef,
      admin,
      tenantIds: tenants,
    });
  });

  route('get', '/admin/tenants', undefined, async (req, res) => {
    const credentials = await access.user(req);
    await access.requireAdmin(credentials, NOT_ADMIN);
    rejectQuery(req.query);
    res.json({ items: await platform.tenants() });
  });

  route('get', '/admin/clusters', undefined, async (req, res) => {
    const credentials = await access.user(req);
    await access.requireAdmin(credentials, NOT_ADMIN);
    rejectQuery(req.query);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ items: platform.clusters() });
  });
}
