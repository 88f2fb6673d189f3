import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import { TENANT_JOBS_RESOURCE_TYPE } from '@tenant-jobs/plugin-tenant-jobs-common';

/**
 * What permission rules see: the tenant a job (or a job to be) belongs to,
 * and the Group that owns that tenant in the catalog.
 *
 * @public
 */
export type TenantJobResource = {
  tenantId: string;
  tenantGroupRef: string;
  runId?: string;
};

/**
 * What rules turn into for list queries: the tenants owned by these groups.
 *
 * @public
 */
export type TenantJobFilter = { tenantGroupRefs: string[] };

/** @public */
export const tenantJobsPermissionResourceRef = createPermissionResourceRef<
  TenantJobResource,
  TenantJobFilter
>().with({
  pluginId: 'tenant-jobs',
  resourceType: TENANT_JOBS_RESOURCE_TYPE,
});
