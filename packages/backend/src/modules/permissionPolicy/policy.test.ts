import {
  BackstageCredentials,
  BackstageUserInfo,
  coreServices,
  createServiceFactory,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  tenantJobsRunCreatePermission,
  tenantJobsRunReadPermission,
  tenantJobsTenantProvisionPermission,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import {
  DEFAULT_ADMIN_GROUPS,
  permissionModuleTenantJobsPolicy,
} from './module';
import { ProjectPermissionPolicy } from './policy';
import {
  onlyAdminsProvisionTenants,
  onlyAdminsUnregisterEntities,
  projectPolicyRules,
  SIGNED_IN_USER_PERMISSIONS,
  tenantJobsForMembers,
} from './rules';

// Permissions as the catalog and the scaffolder define them.
const deleteEntity = createPermission({
  name: 'catalog.entity.delete',
  attributes: { action: 'delete' },
  resourceType: 'catalog-entity',
});
const readEntity = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});
const taskRead = createPermission({
  name: 'scaffolder.task.read',
  attributes: { action: 'read' },
  resourceType: 'scaffolder-task',
});
const taskCancel = createPermission({
  name: 'scaffolder.task.cancel',
  attributes: {},
  resourceType: 'scaffolder-task',
});

/** A permission by name only, as a basic permission. */
const named = (name: string) => createPermission({ name, attributes: {} });

function policyFor(ownershipEntityRefs: string[]) {
  return new ProjectPermissionPolicy({
    userInfo: mockServices.userInfo({
      userEntityRef: 'user:default/someone',
      ownershipEntityRefs,
    }),
    rules: [onlyAdminsUnregisterEntities(['group:default/platform-team'])],
  });
}

const asUser = {
  credentials: mockCredentials.user('user:default/someone'),
  info: { userEntityRef: 'user:default/someone', ownershipEntityRefs: [] },
};

describe('ProjectPermissionPolicy', () => {
  it('lets members of an admin group unregister entities', async () => {
    const policy = policyFor([
      'user:default/someone',
      'group:default/platform-team',
    ]);
    await expect(
      policy.handle({ permission: deleteEntity }, asUser),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('denies unregistering to everyone else, including anonymous callers', async () => {
    const policy = policyFor([
      'user:default/someone',
      'group:default/team-acme',
    ]);
    await expect(
      policy.handle({ permission: deleteEntity }, asUser),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(policy.handle({ permission: deleteEntity })).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('matches admin group refs case-insensitively', async () => {
    const policy = policyFor(['group:default/Platform-Team']);
    await expect(
      policy.handle({ permission: deleteEntity }, asUser),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('denies what no rule decides', async () => {
    const policy = policyFor(['group:default/team-acme']);
    await expect(
      policy.handle({ permission: readEntity }, asUser),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('denies anonymous callers before any rule runs, even one that would allow', async () => {
    const rule = jest.fn(
      (): PolicyDecision => ({ result: AuthorizeResult.ALLOW }),
    );
    const policy = new ProjectPermissionPolicy({
      userInfo: mockServices.userInfo(),
      rules: [rule],
    });
    await expect(policy.handle({ permission: readEntity })).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
    expect(rule).not.toHaveBeenCalled();
  });

  it('takes the first decision in rule order', async () => {
    const policy = new ProjectPermissionPolicy({
      userInfo: mockServices.userInfo(),
      rules: [
        () => undefined,
        req =>
          req.permission.name === 'catalog.entity.read'
            ? { result: AuthorizeResult.DENY }
            : undefined,
        () => ({ result: AuthorizeResult.ALLOW }),
      ],
    });
    await expect(
      policy.handle({ permission: readEntity }, asUser),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policy.handle({ permission: deleteEntity }, asUser),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });
});

describe('tenantJobsForMembers', () => {
  const createJob = createPermission({
    name: 'tenant-jobs.run.create',
    attributes: { action: 'create' },
    resourceType: 'tenant-jobs-run',
  });

  it('makes every tenant-jobs permission conditional on tenant membership', async () => {
    const policy = new ProjectPermissionPolicy({
      userInfo: mockServices.userInfo({
        userEntityRef: 'user:default/carol',
        ownershipEntityRefs: [
          'user:default/carol',
          'group:default/acme-analytics',
        ],
      }),
      rules: [tenantJobsForMembers()],
    });
    await expect(
      policy.handle({ permission: createJob }, asUser),
    ).resolves.toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'tenant-jobs',
      resourceType: 'tenant-jobs-run',
      conditions: {
        rule: 'IS_TENANT_MEMBER',
        resourceType: 'tenant-jobs-run',
        params: {
          claims: ['user:default/carol', 'group:default/acme-analytics'],
        },
      },
    });
  });

  it('denies anonymous callers and leaves other permissions to the next rule', async () => {
    const policy = new ProjectPermissionPolicy({
      userInfo: mockServices.userInfo(),
      rules: [tenantJobsForMembers()],
    });
    await expect(policy.handle({ permission: createJob })).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
    const rule = tenantJobsForMembers();
    expect(rule({ permission: createJob }, undefined)).toEqual({
      result: AuthorizeResult.DENY,
    });
    expect(
      rule(
        { permission: readEntity },
        {
          userEntityRef: 'user:default/carol',
          ownershipEntityRefs: ['user:default/carol'],
        },
      ),
    ).toBeUndefined();
  });
});

describe('onlyAdminsProvisionTenants', () => {
  const provisionPolicyFor = (ownershipEntityRefs: string[]) =>
    new ProjectPermissionPolicy({
      userInfo: mockServices.userInfo({
        userEntityRef: 'user:default/someone',
        ownershipEntityRefs,
      }),
      rules: [
        onlyAdminsProvisionTenants(['group:default/platform-team']),
        tenantJobsForMembers(),
      ],
    });

  it('lets the platform team provision tenants', async () => {
    await expect(
      provisionPolicyFor([
        'user:default/dave',
        'group:default/platform-team',
      ]).handle({ permission: tenantJobsTenantProvisionPermission }, asUser),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("denies tenant members, even of the tenant's own group, and anonymous callers", async () => {
    await expect(
      provisionPolicyFor([
        'user:default/alice',
        'group:default/acme-analytics',
      ]).handle({ permission: tenantJobsTenantProvisionPermission }, asUser),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      provisionPolicyFor([]).handle({ permission: tenantJobsTenantProvisionPermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });
});

/** The demo organisation, as the catalog resolves ownership. */
const ORG: Record<string, string[]> = {
  'user:default/alice': ['user:default/alice', 'group:default/acme-analytics'],
  'user:default/bob': ['user:default/bob', 'group:default/globex-retail'],
  'user:default/dave': ['user:default/dave', 'group:default/platform-team'],
  'user:default/olga': ['user:default/olga', 'group:default/ops'],
};

/** userInfo that answers for whoever the credentials name. */
const orgUserInfo: UserInfoService = {
  async getUserInfo(
    credentials: BackstageCredentials,
  ): Promise<BackstageUserInfo> {
    const { userEntityRef } = credentials.principal as {
      userEntityRef: string;
    };
    return { userEntityRef, ownershipEntityRefs: ORG[userEntityRef] };
  },
};

const as = (userEntityRef: string) => ({
  credentials: mockCredentials.user(userEntityRef),
  info: { userEntityRef, ownershipEntityRefs: ORG[userEntityRef] },
});
const BOB = as('user:default/bob');
const DAVE = as('user:default/dave');

/** The tenant-membership condition of a user, as the policy decides it. */
function membershipOf(user: string) {
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'tenant-jobs',
    resourceType: 'tenant-jobs-run',
    conditions: {
      rule: 'IS_TENANT_MEMBER',
      resourceType: 'tenant-jobs-run',
      params: { claims: ORG[user] },
    },
  };
}

describe('the demo policy (projectPolicyRules, deny by default)', () => {
  const policy = new ProjectPermissionPolicy({
    userInfo: orgUserInfo,
    rules: projectPolicyRules(DEFAULT_ADMIN_GROUPS),
  });
  const decide = (permission: Permission, user?: ReturnType<typeof as>) =>
    policy.handle({ permission }, user);

  it('lists exactly the catalog and template permissions a tenant member needs', () => {
    expect([...SIGNED_IN_USER_PERMISSIONS].sort()).toEqual([
      'catalog.entity.read',
      'catalog.entity.refresh',
      'catalog.entity.validate',
      'catalog.location.read',
      'scaffolder.action.execute',
      'scaffolder.task.create',
      'scaffolder.template.parameter.read',
      'scaffolder.template.step.read',
    ]);
  });

  it.each(SIGNED_IN_USER_PERMISSIONS)(
    'allows a signed-in member %s',
    async name => {
      await expect(decide(named(name), BOB)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    },
  );

  it.each([
    'scaffolder.template.management',
    'scaffolder.template.dry-run',
    'catalog.entity.create',
    'catalog.location.create',
    'catalog.location.delete',
    'catalog.location.analyze',
    'kubernetes.proxy',
    'other.plugin.thing',
  ])('denies a member the unlisted %s', async name => {
    await expect(decide(named(name), BOB)).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('denies a member unregistering entities and provisioning tenants', async () => {
    await expect(decide(deleteEntity, BOB)).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
    await expect(decide(tenantJobsTenantProvisionPermission, BOB)).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it.each([taskRead, taskCancel])(
    'gives a member only his own tasks for $name: a condition naming him alone',
    async permission => {
      await expect(decide(permission, BOB)).resolves.toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'scaffolder',
        resourceType: 'scaffolder-task',
        conditions: {
          rule: 'IS_TASK_OWNER',
          resourceType: 'scaffolder-task',
          params: { createdBy: ['user:default/bob'] },
        },
      });
    },
  );

  it('keeps a member to the tenants he belongs to', async () => {
    await expect(decide(tenantJobsRunCreatePermission, BOB)).resolves.toEqual(
      membershipOf('user:default/bob'),
    );
  });

  it.each([
    taskRead,
    taskCancel,
    deleteEntity,
    tenantJobsTenantProvisionPermission,
    readEntity,
    named('scaffolder.template.management'),
    named('catalog.location.create'),
    named('other.plugin.thing'),
  ])('allows dave the admin $name', async permission => {
    await expect(decide(permission, DAVE)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it("keeps tenant jobs membership-based for admins too: dave's condition names his own groups", async () => {
    await expect(decide(tenantJobsRunReadPermission, DAVE)).resolves.toEqual(
      membershipOf('user:default/dave'),
    );
  });

  it.each([
    readEntity,
    taskRead,
    taskCancel,
    named('scaffolder.task.create'),
    tenantJobsRunReadPermission,
    named('other.plugin.thing'),
  ])('denies $name without a user', async permission => {
    await expect(decide(permission)).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });
});

describe('permissionModuleTenantJobsPolicy', () => {
  /** Starts the module and returns the policy it installs. */
  async function installedPolicy(rootConfig: object) {
    let installed: PermissionPolicy | undefined;
    await startTestBackend({
      extensionPoints: [
        [
          policyExtensionPoint,
          {
            setPolicy: (policy: PermissionPolicy) => {
              installed = policy;
            },
          },
        ],
      ],
      features: [
        permissionModuleTenantJobsPolicy,
        mockServices.rootConfig.factory({ data: rootConfig }),
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => orgUserInfo,
        }),
      ],
    });
    if (!installed) throw new Error('The module installed no policy');
    return installed;
  }
  const other = named('other.plugin.thing');

  it('installs the deny-by-default policy with platform-team as the admins', async () => {
    const policy = await installedPolicy({});
    await expect(policy.handle({ permission: other }, DAVE)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
    await expect(policy.handle({ permission: other }, BOB)).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
    await expect(
      policy.handle({ permission: readEntity }, BOB),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('takes the admins from permission.adminGroups', async () => {
    const policy = await installedPolicy({
      permission: { adminGroups: ['group:default/ops'] },
    });
    await expect(
      policy.handle({ permission: other }, as('user:default/olga')),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(policy.handle({ permission: other }, DAVE)).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });
});
