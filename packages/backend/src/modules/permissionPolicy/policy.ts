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
 * about and `undefined` for the rest, which fall through to the next rule
 * (and, after the last one, to DENY). `user` is undefined only when a rule
 * is called on its own: the policy denies anonymous callers first.
 */
export type PolicyRule = (
  request: PolicyQuery,
  user: PolicyUser | undefined,
) => PolicyDecision | undefined | Promise<PolicyDecision | undefined>;

/**
 * The demo portal's permission policy, deny by default: an ordered list of
 * rules, the first decision wins, and anything no rule decides is DENIED,
 * so a permission a plugin adds later stays closed until a rule decides it.
 * A request without a user (an anonymous caller) is denied before any rule
 * runs; backend-to-backend calls never reach the policy (the permission
 * framework decides service principals itself).
 *
 * The demo's rules (rules.ts, `projectPolicyRules`): admins-only entity
 * unregistering and tenant provisioning, tenant-jobs permissions as the
 * tenant-membership condition, scaffolder tasks for their creators (and
 * the admins), a short list of permissions for every signed-in user, and
 * everything else that is still undecided for the admins.
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
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const policyUser = await this.options.userInfo.getUserInfo(
      user.credentials,
    );
    for (const rule of this.options.rules) {
      const decision = await rule(request, policyUser);
      if (decision) {
        return decision;
      }
    }
    return { result: AuthorizeResult.DENY };
  }
}
