import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { ProjectPermissionPolicy } from './policy';
import { tenantProvisionPermission } from '@tenant-jobs/plugin-tenant-jobs-common';
import {
  onlyAdminsProvisionTenants,
  onlyAdminsUnregisterEntities,
  tenantJobsForMembers,
} from './rules';

const deleteEntity = createPermission({
  name: 'catalog.entity.delete',
  attributes: { action: 'delete' },
});
const readEntity = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
});

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

  it('allows what no rule decides', async () => {
    const policy = policyFor(['group:default/team-acme']);
    await expect(
      policy.handle({ permission: readEntity }, asUser),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
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
    name: 'tenant-jobs.job.create',
    attributes: { action: 'create' },
    resourceType: 'tenant-job',
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
      resourceType: 'tenant-job',
      conditions: {
        rule: 'IS_TENANT_MEMBER',
        resourceType: 'tenant-job',
        params: {
          claims: ['user:default/carol', 'group:default/acme-analytics'],
        },
      },
    });
  });

  it('denies anonymous callers and leaves other permissions alone', async () => {
    const policy = new ProjectPermissionPolicy({
      userInfo: mockServices.userInfo(),
      rules: [tenantJobsForMembers()],
    });
    await expect(policy.handle({ permission: createJob })).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
    await expect(
      policy.handle({ permission: readEntity }, asUser),
    ).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
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
      ]).handle({ permission: tenantProvisionPermission }, asUser),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("denies tenant members, even of the tenant's own group, and anonymous callers", async () => {
    await expect(
      provisionPolicyFor([
        'user:default/alice',
        'group:default/acme-analytics',
      ]).handle({ permission: tenantProvisionPermission }, asUser),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      provisionPolicyFor([]).handle({ permission: tenantProvisionPermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });
});
