import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createTenantJobsActions } from './actions';

/**
 * Adds the Tenant Jobs actions to the scaffolder: `tenant-jobs:run:create`,
 * `tenant-jobs:run:wait`, `tenant-jobs:run:cancel` and
 * `tenant-jobs:tenant:provision`. They call the tenant-jobs backend of this
 * installation on behalf of the user who runs the template.
 *
 * @public
 */
export const scaffolderModuleTenantJobs = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'tenant-jobs',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, auth, discovery, config }) {
        scaffolder.addActions(
          ...createTenantJobsActions({
            auth,
            discovery,
            appBaseUrl: config.getOptionalString('app.baseUrl'),
            jobPath: config.getOptionalString('tenantJobs.scaffolder.jobPath'),
          }),
        );
      },
    });
  },
});
