import {
  TENANT_JOBS_RESOURCE_TYPE,
  tenantJobsRunCancelPermission,
  tenantJobsRunCreatePermission,
  tenantJobsRunReadPermission,
  tenantJobsResourceRef,
  tenantJobsPermissions,
  tenantJobsTenantProvisionPermission,
} from './permissions';

describe('permissions', () => {
  it.each([
    [tenantJobsRunCreatePermission, 'tenant-jobs.run.create', 'create'],
    [tenantJobsRunReadPermission, 'tenant-jobs.run.read', 'read'],
    [tenantJobsRunCancelPermission, 'tenant-jobs.run.cancel', 'update'],
  ])('defines %o', (permission, name, action) => {
    expect(permission).toEqual({
      type: 'resource',
      name,
      attributes: { action },
      resourceType: 'tenant-jobs-run',
    });
  });

  it('lists all permissions', () => {
    expect(TENANT_JOBS_RESOURCE_TYPE).toBe('tenant-jobs-run');
    expect(tenantJobsPermissions.map(p => p.name)).toEqual([
      'tenant-jobs.run.create',
      'tenant-jobs.run.read',
      'tenant-jobs.run.cancel',
      'tenant-jobs.tenant.provision',
    ]);
  });

  it('defines provisioning as a basic permission, for admins', () => {
    expect(tenantJobsTenantProvisionPermission).toEqual({
      type: 'basic',
      name: 'tenant-jobs.tenant.provision',
      attributes: { action: 'update' },
    });
  });

  it('builds and parses resource refs', () => {
    expect(tenantJobsResourceRef.forTenant('acme')).toBe('tenant:acme');
    expect(tenantJobsResourceRef.forRun('r-1')).toBe('run:r-1');
    expect(tenantJobsResourceRef.parse('tenant:acme')).toEqual({
      kind: 'tenant',
      tenantId: 'acme',
    });
    expect(tenantJobsResourceRef.parse('run:a:b')).toEqual({
      kind: 'run',
      runId: 'a:b',
    });
    expect(tenantJobsResourceRef.parse('run:')).toBeUndefined();
    expect(tenantJobsResourceRef.parse('acme')).toBeUndefined();
    expect(tenantJobsResourceRef.parse('group:acme')).toBeUndefined();
  });
});
