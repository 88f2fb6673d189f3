import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { ProjectPermissionPolicy } from './policy';
import {
  onlyAdminsProvisionTenants,
  onlyAdminsUnregisterEntities,
  tenantJobsForMembers,
} from './rules';

const DEFAULT_ADMIN_GROUPS = ['group:default/platform-team'];

/** Installs this project's permission policy into the permission backend. */
export const permissionModuleTenantJobsPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'tenant-jobs-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        const adminGroups =
          config.getOptionalStringArray('permission.adminGroups') ??
          DEFAULT_ADMIN_GROUPS;
        policy.setPolicy(
          new ProjectPermissionPolicy({
            userInfo,
            rules: [
              onlyAdminsUnregisterEntities(adminGroups),
              onlyAdminsProvisionTenants(adminGroups),
              tenantJobsForMembers(),
            ],
          }),
        );
      },
    });
  },
});
