/**
 * The Tenant Jobs backend plugin: submits and tracks Kubernetes batch jobs
 * for many tenants.
 *
 * @packageDocumentation
 */
export { tenantJobsPlugin as default } from './plugin';
export {
  createTenantJobConditionalDecision,
  isTenantMember,
  tenantJobConditions,
  tenantJobsPermissionResourceRef,
  tenantJobsRules,
} from './permissions';
export type { TenantJobFilter, TenantJobResource } from './permissions';
