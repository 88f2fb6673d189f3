import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import { tenantJobsRunReadPermission } from '@tenant-jobs/plugin-tenant-jobs-common';
import { TenantDirectory } from '../catalog/TenantDirectory';
import { TenantCriteria } from '../database';
import { TenantJobFilter } from './resource';
import { tenantJobsRules } from './rules';

const transform = createConditionTransformer(Object.values(tenantJobsRules));

async function resolve(
  criteria: PermissionCriteria<TenantJobFilter>,
  tenants: TenantDirectory,
): Promise<TenantCriteria> {
  if ('allOf' in criteria) {
    return {
      allOf: await Promise.all(criteria.allOf.map(c => resolve(c, tenants))),
    } as TenantCriteria;
  }
  if ('anyOf' in criteria) {
    return {
      anyOf: await Promise.all(criteria.anyOf.map(c => resolve(c, tenants))),
    } as TenantCriteria;
  }
  if ('not' in criteria) {
    return { not: await resolve(criteria.not, tenants) };
  }
  const owned = await tenants.getTenantsFor(criteria.tenantGroupRefs);
  return { tenantIds: owned.map(tenant => tenant.id) };
}

/**
 * Which runs the caller may read, as criteria the run store turns into
 * SQL: undefined for all, or a tree of tenant id sets. The policy's
 * conditions (tenant membership by Group) are resolved to the tenants
 * those Groups own, so lists are filtered by the database, never in
 * memory after loading everything.
 */
export async function readableRuns(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  tenants: TenantDirectory,
): Promise<TenantCriteria | undefined> {
  const [decision] = await permissions.authorizeConditional(
    [{ permission: tenantJobsRunReadPermission }],
    { credentials },
  );
  if (decision.result === AuthorizeResult.ALLOW) return undefined;
  if (decision.result !== AuthorizeResult.CONDITIONAL) {
    return { tenantIds: [] };
  }
  return resolve(
    transform(decision.conditions) as PermissionCriteria<TenantJobFilter>,
    tenants,
  );
}
