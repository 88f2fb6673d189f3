/*
 * The plugin as an adopter's backend starts it (startTestBackend, Backstage's
 * services), with a cluster it cannot reach: its kubeconfig is not there.
 * The plugin starts all the same; its health says the cluster is
 * unreachable and why (to the platform team), and a route that needs the
 * cluster answers 503 naming it.
 */
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { tenantJobsTestFeatures } from './__tests__/__testUtils__/features';
import { createTestOrg } from './__tests__/__testUtils__/harness';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('tenantJobsPlugin without a reachable cluster', () => {
  it('starts, reports the cluster unreachable and answers 503 naming it', async () => {
    const org = createTestOrg();
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        ...tenantJobsTestFeatures({
          org,
          server: 'https://127.0.0.1:1',
          caPem: '',
          tokenFile: '/dev/null',
          plans: {
            basic: { maxTier: 'medium', quota: { cpu: '4', memory: '8Gi' } },
            gold: { maxTier: 'large', quota: { cpu: '8', memory: '16Gi' } },
            oneJob: { maxTier: 'small', quota: { cpu: '1', memory: '2Gi' } },
          },
          jobTypes: [],
          // alice reads the health details as the platform team.
          adminGroups: [org.groups.a],
          config: {
            defaultPlan: 'basic',
            clusters: [
              {
                name: 'local',
                auth: {
                  type: 'kubeconfig',
                  file: '/nonexistent/tenant-jobs/kubeconfig',
                },
              },
            ],
          },
        }),
        mockServices.database.factory({ knex }),
        mockServices.auditor.factory(),
      ],
    });
    const alice = `Bearer mock-user-token:${JSON.stringify({
      sub: org.users.alice,
    })}`;

    // The tracker's first call finds no kubeconfig: unreachable at once.
    let health = await request(server).get('/api/tenant-jobs/health');
    for (let i = 0; i < 50 && health.status !== 503; i++) {
      await new Promise(resolve => setTimeout(resolve, 100));
      health = await request(server).get('/api/tenant-jobs/health');
    }
    expect({ status: health.status, body: health.body }).toEqual({
      status: 503,
      body: { status: 'degraded' },
    });
    const detailed = await request(server)
      .get('/api/tenant-jobs/health')
      .set('Authorization', alice);
    expect(detailed.body).toMatchObject({
      unreachableClusters: ['local'],
      clusters: [
        {
          cluster: 'local',
          reachable: false,
          lastError: 'the backend cannot load its kubeconfig',
        },
      ],
    });

    const dryRun = await request(server)
      .post('/api/tenant-jobs/runs')
      .set('Authorization', alice)
      .send({
        tenantId: org.tenants.a,
        jobType: 'data-etl',
        parameters: { source: 'events-db', destination: 'warehouse' },
        dryRun: true,
      });
    expect(dryRun.status).toBe(503);
    expect(dryRun.body.error.message).toMatch(
      /^Cluster 'local' is unavailable; try again shortly \(log reference [0-9a-f]{12}\)$/,
    );
  });
});
