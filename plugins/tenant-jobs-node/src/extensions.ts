import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { JobTypeDefinition } from '@tenant-jobs/plugin-tenant-jobs-common';

/**
 * Lets a backend module add job types to the Tenant Jobs backend, or
 * replace a built-in one by using its id.
 *
 * @public
 */
export interface TenantJobsJobTypesExtensionPoint {
  addJobTypes(...jobTypes: JobTypeDefinition[]): void;
}

/**
 * Extension point for job types.
 *
 * @example
 * ```ts
 * export default createBackendModule({
 *   pluginId: 'tenant-jobs',
 *   moduleId: 'report-jobs',
 *   register(reg) {
 *     reg.registerInit({
 *       deps: { jobTypes: tenantJobsJobTypesExtensionPoint },
 *       async init({ jobTypes }) {
 *         jobTypes.addJobTypes(myReportJobType);
 *       },
 *     });
 *   },
 * });
 * ```
 *
 * @public
 */
export const tenantJobsJobTypesExtensionPoint =
  createExtensionPoint<TenantJobsJobTypesExtensionPoint>({
    id: 'tenant-jobs.job-types',
  });
