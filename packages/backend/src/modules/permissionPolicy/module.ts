import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { ProjectPermissionPolicy } from './policy';
import { projectPolicyRules } from './rules';

/** Whose members are the admins when `permission.adminGroups` is not set. */
export const DEFAULT_ADMIN_GROUPS = ['group:default/platform-team'];

/**
 * Installs this project's permission policy into the permission backend:
 * deny by default, with the rules of `projectPolicyRules` in front (see
 * policy.ts and rules.ts). The admins are the members of the groups in
 * `permission.adminGroups` (default `group:default/platform-team`).
 */
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
            rules: projectPolicyRules(adminGroups),
          }),
        );
      },
    });
  },
});
