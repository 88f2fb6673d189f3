import { managedLabelSelector, runLabels, tenantLabels } from './labels';

describe('labels', () => {
  it('labels tenant objects', () => {
    expect(tenantLabels('acme')).toEqual({
      'app.kubernetes.io/managed-by': 'tenant-jobs',
      'tenant-jobs.io/tenant': 'acme',
    });
  });

  it('labels runs', () => {
    expect(
      runLabels({
        tenantId: 'acme',
        jobType: 'data-etl',
        priority: 'low',
        runId: 'r1',
      }),
    ).toEqual({
      'app.kubernetes.io/managed-by': 'tenant-jobs',
      'tenant-jobs.io/tenant': 'acme',
      'tenant-jobs.io/type': 'data-etl',
      'tenant-jobs.io/priority': 'low',
      'tenant-jobs.io/run-id': 'r1',
    });
  });

  it('builds label selectors', () => {
    expect(managedLabelSelector()).toBe(
      'app.kubernetes.io/managed-by=tenant-jobs',
    );
    expect(managedLabelSelector('acme')).toBe(
      'app.kubernetes.io/managed-by=tenant-jobs,tenant-jobs.io/tenant=acme',
    );
  });
});
