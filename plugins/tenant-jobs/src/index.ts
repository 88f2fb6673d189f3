/**
 * Frontend plugin of Tenant Jobs: a tenant's Kubernetes batch jobs on
 * catalog entities and on a portal page. This entry point is for the
 * legacy frontend system; `@tenant-jobs/plugin-tenant-jobs/alpha` is the
 * plugin for the new one.
 *
 * @packageDocumentation
 */
export {
  tenantJobsPlugin,
  TenantJobsPage,
  EntityTenantJobsContent,
  EntityTenantJobsCard,
} from './plugin';
export { isTenantJobsAvailable } from './isTenantJobsAvailable';
export * from './api';
export * from './scaffolder';
