import { createConditionExports } from '@backstage/plugin-permission-node';
import { tenantJobsPermissionResourceRef } from './resource';
import { tenantJobsRules } from './rules';

const conditionExports = createConditionExports({
  resourceRef: tenantJobsPermissionResourceRef,
  rules: tenantJobsRules,
});

/**
 * Conditions for permission policies, e.g.
 * `tenantJobConditions.isTenantMember({ claims: user.ownershipEntityRefs })`.
 *
 * @public
 */
export const tenantJobConditions = conditionExports.conditions;

/** @public */
export const createTenantJobConditionalDecision =
  conditionExports.createConditionalDecision;
