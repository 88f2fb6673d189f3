export { tenantJobsPermissionResourceRef } from './resource';
export type { TenantJobFilter, TenantJobResource } from './resource';
export { isTenantMember, tenantJobsRules } from './rules';
export {
  createTenantJobConditionalDecision,
  tenantJobConditions,
} from './conditions';
