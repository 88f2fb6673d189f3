import { ConfigReader } from '@backstage/config';
import { readTenantJobsConfig } from './readConfig';

const PLAN = {
  maxTier: 'medium',
  quota: { cpu: '8', memory: '16Gi' },
};
const auth = { type: 'kubeconfig', file: '/nowhere/kubeconfig' };

function read(tenantJobs: Record<string, unknown>) {
  return readTenantJobsConfig(
    new ConfigReader({
      tenantJobs: { plans: { basic: PLAN }, ...tenantJobs },
    }),
  );
}

describe('readTenantJobsConfig: MultiKueue managers and workers', () => {
  const clusters = [
    { name: 'manager', auth, multiKueue: { workers: ['worker'] } },
    { name: 'worker', auth },
  ];

  it('reads a manager with its workers and the default AdmissionCheck', () => {
    const config = read({ clusters, queue: { mode: 'kueue' } });
    expect(config.clusters[0].multiKueue).toEqual({
      workers: ['worker'],
      admissionCheck: 'tenant-jobs-multikueue',
    });
    expect(config.defaultCluster).toBe('manager');
  });

  it('never makes a worker the default cluster', () => {
    const config = read({
      clusters: [clusters[1], clusters[0]],
      queue: { mode: 'kueue' },
    });
    expect(config.defaultCluster).toBe('manager');
  });

  it.each([
    [
      'without Kueue',
      { clusters },
      "tenantJobs.clusters 'manager'.multiKueue needs tenantJobs.queue.mode kueue",
    ],
    [
      'a worker that is not configured',
      {
        clusters: [{ ...clusters[0], multiKueue: { workers: ['elsewhere'] } }],
        queue: { mode: 'kueue' },
      },
      "'elsewhere' is not another configured cluster",
    ],
    [
      'a manager that is its own worker',
      {
        clusters: [{ ...clusters[0], multiKueue: { workers: ['manager'] } }],
        queue: { mode: 'kueue' },
      },
      "'manager' is not another configured cluster",
    ],
    [
      'a tenant pinned to a worker',
      {
        clusters,
        queue: { mode: 'kueue' },
        tenants: { acme: { cluster: 'worker' } },
      },
      "tenantJobs.tenants.acme.cluster 'worker' is a MultiKueue worker of 'manager': pin the tenant to the manager",
    ],
    [
      'a worker as the default cluster',
      { clusters, queue: { mode: 'kueue' }, defaultCluster: 'worker' },
      "tenantJobs.defaultCluster 'worker' is a MultiKueue worker of 'manager'",
    ],
    [
      'an AdmissionCheck that is no object name',
      {
        clusters: [
          {
            ...clusters[0],
            multiKueue: { workers: ['worker'], admissionCheck: 'Not A Name' },
          },
          clusters[1],
        ],
        queue: { mode: 'kueue' },
      },
      "admissionCheck 'Not A Name' is not a valid object name",
    ],
  ])('refuses %s at startup', (_what, tenantJobs, message) => {
    expect(() => read(tenantJobs)).toThrow(message);
  });
});
