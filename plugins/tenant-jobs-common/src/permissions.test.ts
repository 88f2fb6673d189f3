import {
  TENANT_JOB_RESOURCE_TYPE,
  tenantJobCancelPermission,
  tenantJobCreatePermission,
  tenantJobReadPermission,
  tenantJobResourceRef,
  tenantJobsPermissions,
  tenantProvisionPermission,
} from './permissions';

describe('permissions', () => {
  it.each([
    [tenantJobCreatePermission, 'tenant-jobs.job.create', 'create'],
    [tenantJobReadPermission, 'tenant-jobs.job.read', 'read'],
    [tenantJobCancelPermission, 'tenant-jobs.job.cancel', 'update'],
  ])('defines %o', (permission, name, action) => {
    expect(permission).toEqual({
      type: 'resource',
      name,
      attributes: { action },
      resourceType: 'tenant-job',
    });
  });

  it('lists all permissions', () => {
    expect(TENANT_JOB_RESOURCE_TYPE).toBe('tenant-job');
    expect(tenantJobsPermissions.map(p => p.name)).toEqual([
      'tenant-jobs.job.create',
      'tenant-jobs.job.read',
      'tenant-jobs.job.cancel',
      'tenant-jobs.tenant.provision',
    ]);
  });

  it('defines provisioning as a basic permission, for admins', () => {
    expect(tenantProvisionPermission).toEqual({
      type: 'basic',
      name: 'tenant-jobs.tenant.provision',
      attributes: { action: 'update' },
    });
  });

  it('builds and parses resource refs', () => {
    expect(tenantJobResourceRef.forTenant('acme')).toBe('tenant:acme');
    expect(tenantJobResourceRef.forRun('r-1')).toBe('run:r-1');
    expect(tenantJobResourceRef.parse('tenant:acme')).toEqual({
      kind: 'tenant',
      tenantId: 'acme',
    });
    expect(tenantJobResourceRef.parse('run:a:b')).toEqual({
      kind: 'run',
      runId: 'a:b',
    });
    expect(tenantJobResourceRef.parse('run:')).toBeUndefined();
    expect(tenantJobResourceRef.parse('acme')).toBeUndefined();
    expect(tenantJobResourceRef.parse('group:acme')).toBeUndefined();
  });
});
