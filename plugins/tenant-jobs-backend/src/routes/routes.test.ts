import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import { parse } from 'yaml';
import { TenantAccess } from '../access';
import { AuditLog } from '../usecases/AuditLog';
import { PlatformOverview } from '../usecases/PlatformOverview';
import { ScheduleService } from '../usecases/ScheduleService';
import { TenantConfiguration } from '../usecases/TenantConfiguration';
import { TriggerService } from '../usecases/TriggerService';
import { UsageReports } from '../usecases/UsageReport';
import { registerAdminRoutes } from './adminRoutes';
import { AuditTrail } from '../audit';
import { registerAuditRoutes } from './auditRoutes';
import { registerCatalogRoutes } from './catalogRoutes';
import { registerConfigurationRoutes } from './configurationRoutes';
import { createRoutes, RouteContext, TenantJobsUseCases } from './context';
import { registerPlatformRoutes } from './platformRoutes';
import { registerRunRoutes } from './runRoutes';
import { registerScheduleRoutes } from './scheduleRoutes';
import { registerTriggerRoutes } from './triggerRoutes';
import { registerUsageRoutes } from './usageRoutes';

/** The operations of the OpenAPI description, as `METHOD /path/{param}`. */
function describedOperations(): string[] {
  const file = resolvePackagePath(
    '@tenant-jobs/plugin-tenant-jobs-backend',
    'src/schema/openapi.yaml',
  );
  const spec = parse(fs.readFileSync(file, 'utf8')) as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter(key => ['get', 'post', 'put', 'patch', 'delete'].includes(key))
      .map(method => `${method.toUpperCase()} ${path}`),
  );
}

describe('the REST routes and their OpenAPI description', () => {
  it('describe the same operations, no more and no fewer', async () => {
    const { route, registered } = await createRoutes();
    // Registering calls nothing: no use case or access decision runs.
    const context: RouteContext = {
      access: {} as TenantAccess,
      audit: {} as AuditTrail,
      useCases: {} as TenantJobsUseCases,
      route,
    };
    registerCatalogRoutes(context);
    registerRunRoutes(context);
    registerAdminRoutes(context);
    registerConfigurationRoutes(context, {} as TenantConfiguration);
    registerTriggerRoutes(context, {} as TriggerService);
    registerScheduleRoutes(context, {} as ScheduleService);
    registerPlatformRoutes(context, {} as PlatformOverview);
    registerAuditRoutes(context, {} as AuditLog);
    registerUsageRoutes(context, {} as UsageReports);

    const routes = registered.map(
      r => `${r.method.toUpperCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`,
    );
    // GET /health is the health router's, ahead of authentication.
    expect([...routes, 'GET /health'].sort()).toEqual(
      describedOperations().sort(),
    );
  });
});
