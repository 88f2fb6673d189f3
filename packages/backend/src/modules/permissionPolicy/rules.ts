import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createTenantJobConditionalDecision,
  tenantJobConditions,
} from '@tenant-jobs/plugin-tenant-jobs-backend';
import {
  TENANT_JOB_RESOURCE_TYPE,
  tenantProvisionPermission,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { PolicyRule } from './policy';

/**
 * Unregistering catalog entities is kept to the platform admins: a tenant
 * team must not be able to remove another team's tenant Group.
 */
export function onlyAdminsUnregisterEntities(
  adminGroups: string[],
): PolicyRule {
  const admins = new Set(
    adminGroups.map(ref => ref.toLocaleLowerCase('en-US')),
  );
  return (request, user) => {
    if (request.permission.name !== 'catalog.entity.delete') {
      return undefined;
    }
    const isAdmin = user?.ownershipEntityRefs.some(ref =>
      admins.has(ref.toLocaleLowerCase('en-US')),
    );
    return { result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  };
}

/**
 * Provisioning tenants (the "onboard a tenant" template) is the platform
 * team's: only members of an admin group may; everyone else, and anonymous
 * callers, are denied.
 */
export function onlyAdminsProvisionTenants(adminGroups: string[]): PolicyRule {
  const admins = new Set(
    adminGroups.map(ref => ref.toLocaleLowerCase('en-US')),
  );
  return (request, user) => {
    if (request.permission.name !== tenantProvisionPermission.name) {
      return undefined;
    }
    const isAdmin = user?.ownershipEntityRefs.some(ref =>
      admins.has(ref.toLocaleLowerCase('en-US')),
    );
    return { result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  };
}

/**
 * Tenant jobs are for the tenant's members: every tenant-jobs permission
 * becomes the condition "is a member of the job's tenant", which the
 * tenant-jobs backend evaluates against its runs and the catalog.
 */
export function tenantJobsForMembers(): PolicyRule {
  return (request, user) => {
    if (!isResourcePermission(request.permission, TENANT_JOB_RESOURCE_TYPE)) {
      return undefined;
    }
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    return createTenantJobConditionalDecision(
      request.permission,
      tenantJobConditions.isTenantMember({ claims: user.ownershipEntityRefs }),
    );
  };
}
