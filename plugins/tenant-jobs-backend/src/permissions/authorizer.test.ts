import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  tenantJobsRunCreatePermission,
  tenantJobsRunReadPermission,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { createTenantJobAuthorizer } from './authorizer';
import { tenantJobConditions } from './conditions';
import { tenantJobsRules } from './rules';

const ruleset = {
  getRuleByName(name: string) {
    const rule = Object.values(tenantJobsRules).find(r => r.name === name);
    if (!rule) throw new Error(`no rule ${name}`);
    return rule;
  },
};

const acme = { tenantId: 'acme', tenantGroupRef: 'group:default/acme-team' };

function setup(
  decision: Awaited<
    ReturnType<
      ReturnType<typeof mockServices.permissions.mock>['authorizeConditional']
    >
  >[number],
) {
  const permissions = mockServices.permissions.mock({
    authorizeConditional: async () => [decision],
  });
  const loadResources = jest.fn(async (refs: string[]) =>
    refs.map(ref => (ref === 'tenant:acme' ? acme : undefined)),
  );
  const isAllowed = createTenantJobAuthorizer({
    permissions,
    ruleset: ruleset as never,
    loadResources,
  });
  return { isAllowed, permissions, loadResources };
}

const member = (claims: string[]) => ({
  result: AuthorizeResult.CONDITIONAL as AuthorizeResult.CONDITIONAL,
  pluginId: 'tenant-jobs',
  resourceType: 'tenant-jobs-run',
  conditions: tenantJobConditions.isTenantMember({ claims }),
});

describe('createTenantJobAuthorizer', () => {
  const credentials = mockCredentials.user('user:default/alice');

  it('applies membership conditions to the loaded tenant, here', async () => {
    const { isAllowed, permissions, loadResources } = setup(
      member(['user:default/alice', 'group:default/acme-team']),
    );
    await expect(
      isAllowed(credentials, tenantJobsRunCreatePermission, 'tenant:acme'),
    ).resolves.toBe(true);
    expect(permissions.authorizeConditional).toHaveBeenCalledWith(
      [{ permission: tenantJobsRunCreatePermission }],
      { credentials },
    );
    expect(permissions.authorize).not.toHaveBeenCalled();
    expect(loadResources).toHaveBeenCalledWith(['tenant:acme']);
  });

  it('refuses non-members and unknown resources', async () => {
    const outsider = setup(member(['group:default/globex-team']));
    await expect(
      outsider.isAllowed(
        credentials,
        tenantJobsRunReadPermission,
        'tenant:acme',
      ),
    ).resolves.toBe(false);
    const unknown = setup(member(['group:default/acme-team']));
    await expect(
      unknown.isAllowed(credentials, tenantJobsRunReadPermission, 'run:nope'),
    ).resolves.toBe(false);
  });

  it('follows definitive decisions without loading anything', async () => {
    const allow = setup({ result: AuthorizeResult.ALLOW });
    await expect(
      allow.isAllowed(credentials, tenantJobsRunReadPermission, 'run:x'),
    ).resolves.toBe(true);
    const deny = setup({ result: AuthorizeResult.DENY });
    await expect(
      deny.isAllowed(credentials, tenantJobsRunReadPermission, 'tenant:acme'),
    ).resolves.toBe(false);
    expect(allow.loadResources).not.toHaveBeenCalled();
    expect(deny.loadResources).not.toHaveBeenCalled();
  });
});
