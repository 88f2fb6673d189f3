import { createConditionExports } from '@backstage/plugin-permission-node';
import { tenantJobPermissionResourceRef } from './resource';
import { tenantJobRules } from './rules';

const conditionExports = createConditionExports({
  resourceRef: tenantJobPermissionResourceRef,
  rules: tenantJobRules,
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
