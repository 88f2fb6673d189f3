import {
  buildTenantReaderRoleBinding,
  rbacSubjectOf,
  TENANT_READER_CLUSTER_ROLE_NAME,
} from './tenantAccess';

describe('rbacSubjectOf', () => {
  it('turns a ServiceAccount user name into a ServiceAccount subject', () => {
    expect(rbacSubjectOf('system:serviceaccount:backstage:backend')).toEqual({
      kind: 'ServiceAccount',
      namespace: 'backstage',
      name: 'backend',
    });
  });

  it.each([
    'jane@example.com',
    'system:admin',
    'system:serviceaccount:only-namespace',
    'system:serviceaccount:a:b:c',
  ])('makes anything else a User: %s', username => {
    expect(rbacSubjectOf(username)).toEqual({
      kind: 'User',
      apiGroup: 'rbac.authorization.k8s.io',
      name: username,
    });
  });

  it('refuses an empty user name', () => {
    expect(() => rbacSubjectOf('')).toThrow(/non-empty/);
  });
});

describe('buildTenantReaderRoleBinding', () => {
  it("binds the reader ClusterRole to the backend's own identity in the tenant namespace", () => {
    expect(
      buildTenantReaderRoleBinding(
        'acme',
        'tenant-acme',
        'system:serviceaccount:backstage:backend',
      ),
    ).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {
        name: 'tenant-jobs-backend-tenant-reader',
        namespace: 'tenant-acme',
        labels: {
          'app.kubernetes.io/managed-by': 'tenant-jobs',
          'tenant-jobs.io/tenant': 'acme',
        },
      },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: TENANT_READER_CLUSTER_ROLE_NAME,
      },
      subjects: [
        {
          kind: 'ServiceAccount',
          namespace: 'backstage',
          name: 'backend',
        },
      ],
    });
  });
});
