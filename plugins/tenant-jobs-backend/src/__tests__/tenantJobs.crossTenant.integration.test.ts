/*
 * What one tenant's member could learn of, or do to, another tenant
 * through the plugin's indirect paths, on the local cluster (bob of tenant
 * b against alice of tenant a):
 *
 * - trigger rules: topics whose events carry other tenants' or users' data
 *   (`signals`, `scaffolder.task`) are refused when the rule is created; on
 *   an allowed topic whose events name their tenant, a rule never launches
 *   for, or counts, another tenant's events;
 * - schedules and rules are capped by the plan (25 by default), on create
 *   and on import, and the tenant's ResourceQuota refuses a 26th CronJob
 *   even to a cluster admin;
 * - a configuration import with YAML aliases, anchors or tags is a 400;
 * - a refused submission or retry leaves the other tenant's metric series
 *   unchanged.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { stringify } from 'yaml';
import request from 'supertest';
import {
  createTestMeter,
  parseScrape,
  Sample,
  TestMeter,
} from '../metrics/__testUtils__/telemetry';
import { testEvents } from './__testUtils__/features';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  namespaceOf,
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  testJobType,
  UserKey,
  waitFor,
} from './__testUtils__/harness';

jest.setTimeout(420_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const TYPE = 'xt-probe';
/** An allowed topic whose events name their tenant at `tenantId`. */
const DATA_TOPIC = 'tenant-jobs-test.data';
const SCHEDULE_CAP = 25;

/** A CronJob as a cluster admin would create it, beside the plugin. */
function adminCronJob(name: string) {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: {
      schedule: '0 5 * * *',
      suspend: true,
      jobTemplate: {
        spec: {
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'main', image: 'busybox:1.37' }],
            },
          },
        },
      },
    },
  };
}

describe('Tenant Jobs across tenants on the local cluster', () => {
  let env: TenantJobsTestEnv;
  let meter: TestMeter;

  beforeAll(async () => {
    // Before the plugin starts: its metrics service takes the global meter.
    meter = await createTestMeter({ global: true });
    env = await startTenantJobsTestBackend({
      databases,
      jobTypes: [
        testJobType(TYPE, {
          simulate: 'duration=1s',
          parameterSchema: {
            type: 'object',
            properties: {
              source: {
                type: 'string',
                maxLength: 100,
                pattern: '^[a-z0-9-]+$',
              },
            },
            additionalProperties: false,
          },
        }),
      ],
      plans: {
        basic: {
          allowedJobTypes: undefined,
          quota: { cpu: '4', memory: '8Gi', pods: 10, jobs: 100 },
        },
      },
    });
  });

  afterAll(async () => {
    await env?.stop();
    await meter?.shutdown();
  });

  const api = (
    user: UserKey,
    method: 'get' | 'post' | 'delete',
    path: string,
  ) =>
    request(env.server)
      [method](`/api/tenant-jobs${path}`)
      .set('Authorization', env.as(user));

  const runsOf = async (tenantId: string) =>
    env.knex('tenant_jobs_runs').where({ tenant_id: tenantId });

  it.each([
    ['signals', { channel: 'tenant-jobs:acme-analytics' }],
    ['scaffolder.task', { createdBy: 'user:default/alice' }],
  ])(
    "refuses bob's rule on %s, whose events carry others' data",
    async (topic, filter) => {
      const { b } = env.org.tenants;
      const res = await api('bob', 'post', '/triggers').send({
        tenantId: b,
        topic,
        jobType: TYPE,
        filter,
        parameters: { source: { from: 'message.runId' } },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        `topic '${topic}' carries other tenants' or users' data`,
      );
      expect((await api('bob', 'get', '/triggers')).body.items).toEqual([]);
    },
  );

  it('lists the topics rules may listen to, with whose events they are', async () => {
    const res = await api('bob', 'get', '/trigger-topics');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        { topic: DATA_TOPIC, scope: 'tenant', tenantPath: 'tenantId' },
        { topic: 'tenant-jobs-test.push', scope: 'shared' },
      ]),
    );
  });

  it("never launches a rule for another tenant's events on a tenant topic", async () => {
    const { a, b } = env.org.tenants;
    const created = await api('bob', 'post', '/triggers').send({
      tenantId: b,
      topic: DATA_TOPIC,
      jobType: TYPE,
      filter: { kind: 'dataset' },
      parameters: { source: { from: 'source' } },
    });
    expect(created.status).toBe(201);
    const publish = (payload: object) =>
      testEvents.service!.publish({
        topic: DATA_TOPIC,
        eventPayload: payload,
      });

    // alice's event, and one that names no tenant: bob's rule hears neither.
    await publish({ tenantId: a, kind: 'dataset', source: 'alice-private-db' });
    await publish({ kind: 'dataset', source: 'nobody' });
    // bob's own event launches one run.
    await publish({ tenantId: b, kind: 'dataset', source: 'globex-db' });
    await waitFor(
      "bob's run from his own event",
      async () => (await runsOf(b)).length === 1,
      30_000,
    );
    const [run] = await runsOf(b);
    expect(JSON.parse(run.request).parameters).toEqual({ source: 'globex-db' });
    // A second look after a moment: still nothing from alice's event.
    await new Promise(resolve => setTimeout(resolve, 1000));
    expect(await runsOf(b)).toHaveLength(1);
    const rule = (await api('bob', 'get', `/triggers/${created.body.id}`)).body;
    expect(rule.launched).toBe(1);
    expect(rule.dropped).toEqual({});
    await api('bob', 'delete', `/triggers/${created.body.id}`).expect(204);
  });

  it('imports with YAML aliases, anchors or tags are a 400 naming them', async () => {
    const { b } = env.org.tenants;
    const schedule = { jobType: TYPE, cron: '0 3 * * *', paused: true };
    for (const [text, named] of [
      [
        `apiVersion: tenant-jobs.io/v1\nkind: TenantJobsConfiguration\nschedules:\n  - &s ${JSON.stringify(
          schedule,
        )}\n  - *s\n`,
        'anchor &s',
      ],
      [
        `apiVersion: tenant-jobs.io/v1\nkind: TenantJobsConfiguration\nschedules: !!seq []\n`,
        'tag tag:yaml.org,2002:seq',
      ],
    ]) {
      const res = await api('bob', 'post', `/tenants/${b}/configuration`)
        .set('Content-Type', 'application/yaml')
        .send(text);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        'The document uses YAML features an import does not accept',
      );
      expect(res.body.error.message).toContain(named);
    }
    expect((await api('bob', 'get', '/schedules')).body.items).toEqual([]);
  });

  it(`caps schedules at ${SCHEDULE_CAP} on import and create, and the quota refuses a CronJob past it`, async () => {
    const { b } = env.org.tenants;
    const namespace = namespaceOf(b);
    const document = (count: number) =>
      stringify({
        apiVersion: 'tenant-jobs.io/v1',
        kind: 'TenantJobsConfiguration',
        schedules: Array.from({ length: count }, (_, i) => ({
          jobType: TYPE,
          cron: `${i} 3 * * *`,
          paused: true,
        })),
      });

    // 26 in one document: refused whole, before anything is created.
    const tooMany = await api('bob', 'post', `/tenants/${b}/configuration`)
      .set('Content-Type', 'application/yaml')
      .send(document(SCHEDULE_CAP + 1));
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error.message).toContain(
      `allows at most ${SCHEDULE_CAP} schedules per tenant (maxSchedules); the tenant has 0 and this adds ${
        SCHEDULE_CAP + 1
      }`,
    );
    expect((await api('bob', 'get', '/schedules')).body.items).toEqual([]);

    const filled = await api('bob', 'post', `/tenants/${b}/configuration`)
      .set('Content-Type', 'application/yaml')
      .send(document(SCHEDULE_CAP));
    expect(filled.status).toBe(201);
    expect(filled.body).toEqual({ schedules: SCHEDULE_CAP, triggers: 0 });

    // The 26th, by create and by import.
    const created = await api('bob', 'post', '/schedules').send({
      tenantId: b,
      jobType: TYPE,
      cron: '30 4 * * *',
    });
    expect(created.status).toBe(409);
    expect(created.body.error.message).toContain(
      `the tenant has ${SCHEDULE_CAP}; delete some first`,
    );
    const imported = await api('bob', 'post', `/tenants/${b}/configuration`)
      .set('Content-Type', 'application/yaml')
      .send(document(1));
    expect(imported.status).toBe(409);
    const cronJobs = await env.admin.batch.listNamespacedCronJob({
      namespace,
    });
    expect(cronJobs.items).toHaveLength(SCHEDULE_CAP);

    // The apiserver's own bound: a cluster admin cannot add one either.
    // The quota counts CronJobs once its controller has synced it, and
    // recounts at once when its spec changes (its periodic resync is five
    // minutes): while the admin's CronJob still gets through, the test
    // removes it again and nudges the quota's spec.
    const quotas = KubernetesObjectApi.makeApiClient(adminKubeConfig());
    let attempt = 0;
    let quotaSeen: unknown;
    const refused = await waitFor(
      'the quota to refuse a CronJob past the cap',
      async () => {
        attempt += 1;
        const name = `admin-extra-${attempt}`;
        const outcome = await env.admin.batch
          .createNamespacedCronJob({ namespace, body: adminCronJob(name) })
          .then(
            () => 'created' as const,
            (error: { code?: number; body?: string }) => error,
          );
        if (outcome !== 'created') return outcome;
        await env.admin.batch.deleteNamespacedCronJob({ namespace, name });
        const quota = await env.admin.core.readNamespacedResourceQuota({
          namespace,
          name: 'tenant-jobs-quota',
        });
        quotaSeen = quota.status;
        await quotas.patch(
          {
            apiVersion: 'v1',
            kind: 'ResourceQuota',
            metadata: { name: 'tenant-jobs-quota', namespace },
            spec: { hard: { 'count/secrets': String(1000 + attempt) } },
          },
          undefined,
          undefined,
          'tenant-jobs-test',
          undefined,
          PatchStrategy.MergePatch,
        );
        throw new Error(
          `the admin's CronJob ${name} was admitted; the quota said ${JSON.stringify(
            quotaSeen,
          )}`,
        );
      },
      120_000,
    );
    expect(refused.code).toBe(403);
    expect(String(refused.body)).toContain('exceeded quota: tenant-jobs-quota');
    expect(String(refused.body)).toContain('count/cronjobs.batch');
    expect(
      (await env.admin.batch.listNamespacedCronJob({ namespace })).items,
    ).toHaveLength(SCHEDULE_CAP);
  });

  it("leaves another tenant's metric series unchanged when bob is refused", async () => {
    const { a } = env.org.tenants;
    const launched = await api('alice', 'post', '/runs').send({
      tenantId: a,
      jobType: TYPE,
    });
    expect(launched.status).toBe(201);
    const submissions = async () =>
      parseScrape(await meter.scrape()).filter(
        (sample: Sample) => sample.name === 'tenant_jobs_submissions_total',
      );
    const ofTenantA = (samples: Sample[]) =>
      samples
        .filter(sample => sample.labels.tenant === a)
        .map(sample => JSON.stringify(sample));
    const refusedUnknown = (samples: Sample[], reason: string) =>
      samples
        .filter(
          sample =>
            sample.labels.tenant === 'unknown' &&
            sample.labels.outcome === 'refused' &&
            sample.labels.reason === reason,
        )
        .reduce((sum, sample) => sum + sample.value, 0);

    const before = await submissions();
    expect(ofTenantA(before)).toEqual([
      expect.stringContaining('"outcome":"created"'),
    ]);

    // bob retries alice's run (a 404) and launches in her tenant (a 403).
    const retry = await api('bob', 'post', `/runs/${launched.body.id}/retry`);
    expect(retry.status).toBe(404);
    const submit = await api('bob', 'post', '/runs').send({
      tenantId: a,
      jobType: TYPE,
    });
    expect(submit.status).toBe(403);

    const after = await submissions();
    expect(ofTenantA(after)).toEqual(ofTenantA(before));
    expect(refusedUnknown(after, 'run_not_found')).toBe(
      refusedUnknown(before, 'run_not_found') + 1,
    );
    expect(refusedUnknown(after, 'not_a_member')).toBe(
      refusedUnknown(before, 'not_a_member') + 1,
    );
  });
});
