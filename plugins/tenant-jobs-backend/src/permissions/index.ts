export { tenantJobPermissionResourceRef } from './resource';
export type { TenantJobFilter, TenantJobResource } from './resource';
export { isTenantMember, tenantJobRules } from './rules';
export {
  createTenantJobConditionalDecision,
  tenantJobConditions,
} from './conditions';
