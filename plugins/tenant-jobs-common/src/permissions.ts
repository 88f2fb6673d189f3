import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The permission resource type of Tenant Jobs (`tenant-jobs-run`). A
 * resource is a run, or the tenant a run is created in: either a
 * tenant (for `create`: may this user launch jobs for this tenant?) or a
 * run (for `read` and `cancel`); see {@link tenantJobsResourceRef}. The
 * backend's rules judge both by the tenant they belong to.
 *
 * @public
 */
export const TENANT_JOBS_RESOURCE_TYPE = 'tenant-jobs-run';

/**
 * Launch a job. Authorized against the tenant the job is for.
 *
 * @public
 */
export const tenantJobsRunCreatePermission = createPermission({
  name: 'tenant-jobs.run.create',
  attributes: { action: 'create' },
  resourceType: TENANT_JOBS_RESOURCE_TYPE,
});

/**
 * See runs, their status, events and logs. Authorized against a run, or
 * conditionally to filter lists.
 *
 * @public
 */
export const tenantJobsRunReadPermission = createPermission({
  name: 'tenant-jobs.run.read',
  attributes: { action: 'read' },
  resourceType: TENANT_JOBS_RESOURCE_TYPE,
});

/**
 * Cancel a queued or running run. Authorized against the run.
 *
 * @public
 */
export const tenantJobsRunCancelPermission = createPermission({
  name: 'tenant-jobs.run.cancel',
  attributes: { action: 'update' },
  resourceType: TENANT_JOBS_RESOURCE_TYPE,
});

/**
 * Provision a tenant: apply its namespace, quota, limits, network policy
 * and runner ServiceAccount in its cluster ahead of its first job (the
 * "onboard a tenant" template). A basic permission, not tied to a tenant's
 * members: a policy should allow it to the platform team only.
 *
 * @public
 */
export const tenantJobsTenantProvisionPermission = createPermission({
  name: 'tenant-jobs.tenant.provision',
  attributes: { action: 'update' },
});

/**
 * Every Tenant Jobs permission, for registration with the permission
 * framework.
 *
 * @public
 */
export const tenantJobsPermissions = [
  tenantJobsRunCreatePermission,
  tenantJobsRunReadPermission,
  tenantJobsRunCancelPermission,
  tenantJobsTenantProvisionPermission,
];

/**
 * What a `tenant-jobs-run` resource ref points at.
 *
 * @public
 */
export type TenantJobsResourceRefTarget =
  | { kind: 'tenant'; tenantId: string }
  | { kind: 'run'; runId: string };

/**
 * Builds and reads the resource refs of `tenant-jobs-run` permissions:
 * `tenant:<tenantId>` for a tenant (create), `run:<runId>` for a run (read,
 * cancel). The frontend passes them to `usePermission`, the backend to
 * `authorize`, and the backend's resource loader resolves them.
 *
 * @public
 */
export const tenantJobsResourceRef = Object.freeze({
  forTenant(tenantId: string): string {
    return `tenant:${tenantId}`;
  },
  forRun(runId: string): string {
    return `run:${runId}`;
  },
  parse(ref: string): TenantJobsResourceRefTarget | undefined {
    const colon = ref.indexOf(':');
    const kind = ref.slice(0, colon);
    const id = ref.slice(colon + 1);
    if (colon < 0 || id === '') {
      return undefined;
    }
    if (kind === 'tenant') {
      return { kind, tenantId: id };
    }
    if (kind === 'run') {
      return { kind, runId: id };
    }
    return undefined;
  },
});
