import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  JobTypeDefinition,
  tenantJobResourceRef,
  tenantJobsPermissions,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { tenantJobsJobTypesExtensionPoint } from '@tenant-jobs/plugin-tenant-jobs-node';
import { TenantDirectory } from './catalog/TenantDirectory';
import { readTenantJobsConfig } from './config/readConfig';
import { openDatabase } from './database';
import { ClusterClients } from './kubernetes';
import {
  TenantJobResource,
  tenantJobPermissionResourceRef,
  tenantJobRules,
} from './permissions';
import { JobService } from './service/JobService';
import { JobTypeRegistry } from './service/JobTypeRegistry';
import { createRouter } from './service/router';

/**
 * The Tenant Jobs backend plugin: REST API under /api/tenant-jobs.
 *
 * @public
 */
export const tenantJobsPlugin = createBackendPlugin({
  pluginId: 'tenant-jobs',
  register(env) {
    const addedJobTypes: JobTypeDefinition[] = [];
    env.registerExtensionPoint(tenantJobsJobTypesExtensionPoint, {
      addJobTypes(...jobTypes) {
        addedJobTypes.push(...jobTypes);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const config = readTenantJobsConfig(deps.config);
        const jobTypes = new JobTypeRegistry({
          added: addedJobTypes,
          overrides: config.jobTypes,
        });
        const { runs, audit } = await openDatabase({ database: deps.database });
        const tenants = new TenantDirectory({
          catalog: deps.catalog,
          auth: deps.auth,
          logger: deps.logger,
        });
        const clusters = ClusterClients.fromConfig(config.clusters, {
          logger: deps.logger,
        });
        const jobs = new JobService({
          config,
          jobTypes,
          tenants,
          runs,
          clusters,
          logger: deps.logger,
        });

        deps.permissionsRegistry.addResourceType({
          resourceRef: tenantJobPermissionResourceRef,
          permissions: tenantJobsPermissions,
          rules: Object.values(tenantJobRules),
          getResources: async refs =>
            Promise.all(
              refs.map(async (ref): Promise<TenantJobResource | undefined> => {
                const target = tenantJobResourceRef.parse(ref);
                if (!target) return undefined;
                try {
                  const tenantId =
                    target.kind === 'tenant'
                      ? target.tenantId
                      : (await runs.get(target.runId)).tenantId;
                  const tenant = await tenants.getTenant(tenantId);
                  return tenant
                    ? {
                        tenantId,
                        tenantGroupRef: tenant.groupRef,
                        runId: target.kind === 'run' ? target.runId : undefined,
                      }
                    : undefined;
                } catch (error) {
                  if (error instanceof NotFoundError) return undefined;
                  throw error;
                }
              }),
            ),
        });

        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            userInfo: deps.userInfo,
            auditor: deps.auditor,
            logger: deps.logger,
            jobs,
            jobTypes,
            tenants,
            runs,
            audit,
            clusters,
          }),
        );
      },
    });
  },
});
