/*
 * Event-driven jobs on the local cluster: a trigger rule launches exactly
 * one job per matching event (a redelivered event launches nothing more),
 * none for other events, runs as the rule's owner, and a storm of 100
 * events in a second never runs more than the tenant's limit at once;
 * what it cannot start is dropped with a counted reason.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { TenantJobTrigger } from '@tenant-jobs/plugin-tenant-jobs-common';
import request from 'supertest';
import { testEvents } from './__testUtils__/features';
import {
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  testJobType,
  waitFor,
} from './__testUtils__/harness';

jest.setTimeout(300_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const TYPE = 'trigger-probe';
const TOPIC = 'tenant-jobs-test.push';
const LIMIT = 2;

describe('Tenant Jobs triggers on the local cluster', () => {
  let env: TenantJobsTestEnv;

  beforeAll(async () => {
    env = await startTenantJobsTestBackend({
      databases,
      jobTypes: [
        testJobType(TYPE, {
          simulate: 'duration=2s',
          parameterSchema: {
            type: 'object',
            properties: {
              ref: { type: 'string', maxLength: 100, pattern: '^[a-z0-9-]+$' },
            },
            required: ['ref'],
            additionalProperties: false,
          },
        }),
      ],
      plans: {
        basic: { allowedJobTypes: undefined, maxConcurrentJobs: LIMIT },
      },
      config: { queue: { maxQueuedPerTenant: 30 } },
    });
  });

  afterAll(async () => {
    await env?.stop();
  });

  const api = (method: 'get' | 'post', path: string) =>
    request(env.server)
      [method](`/api/tenant-jobs${path}`)
      .set('Authorization', env.as('bob'));

  const publish = (payload: unknown) =>
    testEvents.service!.publish({ topic: TOPIC, eventPayload: payload });

  const runsOfTenant = async () =>
    (await env.knex('tenant_jobs_runs').where({ tenant_id: env.org.tenants.b }))
      .length;

  it('refuses rules that name what does not exist, saying what to fix', async () => {
    const res = await api('post', '/triggers').send({
      tenantId: env.org.tenants.b,
      topic: 'bad topic!',
      jobType: TYPE,
      filter: { 'a..b': 1 },
      parameters: { ref: 'main' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('topic: must be an events topic');
    expect(res.body.error.message).toContain('filter');
    expect(res.body.error.message).toContain(
      "each parameter must be { from: '<payload path>' } or { value: <constant> }",
    );
    const unknown = await api('post', '/triggers').send({
      tenantId: env.org.tenants.b,
      topic: TOPIC,
      jobType: TYPE,
      parameters: { branch: { from: 'ref' } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain(
      "parameters.branch: job type 'trigger-probe' has no such parameter; it has ref",
    );
  });

  it('launches one job per matching event, as the rule owner, and none for others', async () => {
    const created = await api('post', '/triggers').send({
      tenantId: env.org.tenants.b,
      topic: TOPIC,
      jobType: TYPE,
      filter: { 'repository.name': 'warehouse' },
      parameters: { ref: { from: 'ref' } },
    });
    expect(created.status).toBe(201);
    const rule = created.body as TenantJobTrigger;
    await waitFor('the subscription', async () => testEvents.service);

    const event = { repository: { name: 'warehouse' }, ref: 'main', id: 1 };
    await publish(event);
    await publish(event); // delivered twice: still one run
    await publish({ repository: { name: 'other' }, ref: 'main', id: 2 });
    const runs = await waitFor('the launched run', async () => {
      const rows = await env
        .knex('tenant_jobs_runs')
        .where({ tenant_id: env.org.tenants.b });
      return rows.length >= 1 ? rows : undefined;
    });
    await new Promise(resolve => setTimeout(resolve, 1_000));
    expect(await runsOfTenant()).toBe(1);
    expect(runs[0].submitted_by).toBe(env.org.users.bob);
    expect(JSON.parse(runs[0].request).parameters).toEqual({ ref: 'main' });
    const audit = await env
      .knex('tenant_jobs_audit')
      .where({ action: 'trigger-launch' });
    expect(audit.map((r: { outcome: string }) => r.outcome)).toEqual([
      'succeeded',
      'succeeded',
    ]);
    expect(JSON.parse(audit[1].detail)).toMatchObject({
      triggerId: rule.id,
      topic: TOPIC,
      replayed: true,
    });
    const after = await api('get', `/triggers/${rule.id}`);
    expect(after.body).toMatchObject({ launched: 1, dropped: {} });
  });

  it('launches nothing once the rule owner is no longer a member of the tenant', async () => {
    const created = await api('post', '/triggers').send({
      tenantId: env.org.tenants.b,
      topic: TOPIC,
      jobType: TYPE,
      filter: { 'repository.name': 'left-owner' },
      parameters: { ref: { from: 'ref' } },
    });
    expect(created.status).toBe(201);
    const rule = created.body as TenantJobTrigger;
    // The owner left the tenant's Group: in the catalog, carol is a member
    // of another tenant only.
    await env
      .knex('tenant_jobs_triggers')
      .where({ id: rule.id })
      .update({ created_by: env.org.users.carol });
    const before = await runsOfTenant();

    await publish({ repository: { name: 'left-owner' }, ref: 'main', id: 3 });
    const after = await waitFor('the drop to be counted', async () => {
      const res = await api('get', `/triggers/${rule.id}`);
      return res.body.dropped?.OwnerNotMember ? res.body : undefined;
    });
    expect(after).toMatchObject({
      launched: 0,
      dropped: { OwnerNotMember: 1 },
    });
    expect(await runsOfTenant()).toBe(before);
    const audit = await env
      .knex('tenant_jobs_audit')
      .where({ action: 'trigger-launch', outcome: 'refused' });
    const entry = audit.find(
      (r: { detail: string }) => JSON.parse(r.detail).triggerId === rule.id,
    );
    expect(entry).toMatchObject({ actor: env.org.users.carol });
    expect(JSON.parse(entry.detail)).toMatchObject({
      reason: 'OwnerNotMember',
      error: expect.stringContaining(
        `${env.org.users.carol} is no longer a member of tenant '${env.org.tenants.b}'`,
      ),
    });
    // A member of the tenant may still remove it.
    const removed = await request(env.server)
      .delete(`/api/tenant-jobs/triggers/${rule.id}`)
      .set('Authorization', env.as('bob'));
    expect(removed.status).toBe(204);
  });

  it('takes a storm of 100 events in a second without exceeding the tenant limit', async () => {
    const before = await runsOfTenant();
    const rule = (await api('get', '/triggers')).body
      .items[0] as TenantJobTrigger;
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        publish({
          repository: { name: 'warehouse' },
          ref: `r${i}`,
          id: 100 + i,
        }),
      ),
    );
    let mostAtOnce = 0;
    const settled = await waitFor(
      'every event to be launched or dropped',
      async () => {
        mostAtOnce = Math.max(
          mostAtOnce,
          await env.countActivePods(env.org.tenants.b),
        );
        const now = (await api('get', `/triggers/${rule.id}`)).body;
        const dropped = Object.values(
          now.dropped as Record<string, number>,
        ).reduce((a, b) => a + b, 0);
        return now.launched - 1 + dropped === 100 ? now : undefined;
      },
      120_000,
    );
    // Sample a while longer as the queue drains.
    for (let i = 0; i < 20; i++) {
      mostAtOnce = Math.max(
        mostAtOnce,
        await env.countActivePods(env.org.tenants.b),
      );
      await new Promise(resolve => setTimeout(resolve, 500));
    }
    console.log(
      `trigger storm: 100 events, ${
        settled.launched - 1
      } launched, dropped ${JSON.stringify(
        settled.dropped,
      )}, at most ${mostAtOnce} running at once (limit ${LIMIT})`,
    );
    expect(mostAtOnce).toBeLessThanOrEqual(LIMIT);
    expect(mostAtOnce).toBeGreaterThan(0);
    expect(await runsOfTenant()).toBe(before + settled.launched - 1);
    // The queue holds at most 30 waiting: the rest are counted, not lost.
    expect(settled.dropped.QueueFull).toBeGreaterThan(0);
  });
});
