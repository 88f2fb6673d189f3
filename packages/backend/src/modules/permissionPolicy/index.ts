export { permissionModuleTenantJobsPolicy as default } from './module';
export { ProjectPermissionPolicy } from './policy';
export type { PolicyRule, PolicyUser } from './policy';
export { onlyAdminsUnregisterEntities, tenantJobsForMembers } from './rules';
