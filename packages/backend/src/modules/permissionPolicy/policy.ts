import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';

/** Who is asking, resolved once per query. */
export type PolicyUser = {
  userEntityRef: string;
  ownershipEntityRefs: string[];
};

/**
 * One rule of the policy: returns a decision for the requests it cares
 * about and `undefined` for the rest, which fall through to the next rule.
 */
export type PolicyRule = (
  request: PolicyQuery,
  user: PolicyUser | undefined,
) => PolicyDecision | undefined | Promise<PolicyDecision | undefined>;

/**
 * The demo portal's permission policy: an ordered list of rules, the first
 * decision wins, and anything no rule decides is allowed. Later features
 * (the tenant-jobs permissions) add their rules to the list.
 */
export class ProjectPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly options: {
      userInfo: UserInfoService;
      rules: PolicyRule[];
    },
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const policyUser = user
      ? await this.options.userInfo.getUserInfo(user.credentials)
      : undefined;
    for (const rule of this.options.rules) {
      const decision = await rule(request, policyUser);
      if (decision) {
        return decision;
      }
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
