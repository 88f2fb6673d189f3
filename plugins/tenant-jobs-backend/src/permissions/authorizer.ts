import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import { TENANT_JOBS_RESOURCE_TYPE } from '@tenant-jobs/plugin-tenant-jobs-common';
import { TenantJobFilter, TenantJobResource } from './resource';

/** Decides one permission on one tenant or run. */
export type TenantJobAuthorizer = (
  credentials: BackstageCredentials,
  permission: ResourcePermission<typeof TENANT_JOBS_RESOURCE_TYPE>,
  resourceRef: string,
) => Promise<boolean>;

/**
 * Asks the policy for a decision without a resource and, when it answers
 * with conditions (as tenant membership does), applies them here to the
 * loaded tenant or run. Same answer as `authorize` with a resourceRef, one
 * request to the permission backend instead of two (no apply-conditions
 * call back into this plugin): every submit and read pays that otherwise.
 */
export function createTenantJobAuthorizer(deps: {
  permissions: PermissionsService;
  ruleset: PermissionRuleset<
    TenantJobResource,
    TenantJobFilter,
    typeof TENANT_JOBS_RESOURCE_TYPE
  >;
  loadResources(refs: string[]): Promise<Array<TenantJobResource | undefined>>;
}): TenantJobAuthorizer {
  const applyConditions = createConditionAuthorizer(deps.ruleset);
  return async (credentials, permission, resourceRef) => {
    const [decision] = await deps.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return true;
    if (decision.result === AuthorizeResult.DENY) return false;
    const [resource] = await deps.loadResources([resourceRef]);
    return resource ? applyConditions(decision, resource) : false;
  };
}
