/*
 * Schedules on the local cluster: a one-minute cron produces runs on time,
 * tracked and linked to the schedule; pausing stops them; run-now starts
 * one at once; bad cron expressions and time zones get a 400 that says
 * what to fix; another tenant's member sees none of it.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  TenantJobRun,
  TenantJobSchedule,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import request from 'supertest';
import {
  namespaceOf,
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  testJobType,
  waitFor,
} from './__testUtils__/harness';

jest.setTimeout(420_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const TYPE = 'sched-probe';

describe('Tenant Jobs schedules on the local cluster', () => {
  let env: TenantJobsTestEnv;

  beforeAll(async () => {
    env = await startTenantJobsTestBackend({
      databases,
      jobTypes: [testJobType(TYPE, { simulate: 'duration=2s' })],
      plans: { basic: { allowedJobTypes: undefined } },
      config: { tracking: { reconcileIntervalSeconds: 3 } },
    });
  });

  afterAll(async () => {
    await env?.stop();
  });

  const api = (
    user: 'bob' | 'alice',
    method: 'get' | 'post' | 'delete',
    path: string,
  ) =>
    request(env.server)
      [method](`/api/tenant-jobs${path}`)
      .set('Authorization', env.as(user));

  const runsOf = async (scheduleId: string): Promise<TenantJobRun[]> => {
    const rows = await env
      .knex('tenant_jobs_runs')
      .where({ schedule_id: scheduleId })
      .select('id');
    return Promise.all(
      rows.map(
        async (row: { id: string }) =>
          (await api('bob', 'get', `/runs/${row.id}`)).body,
      ),
    );
  };

  it('refuses bad cron expressions and time zones with what to fix', async () => {
    const { b } = env.org.tenants;
    const res = await api('bob', 'post', '/schedules').send({
      tenantId: b,
      jobType: TYPE,
      cron: '61 * * *',
      timeZone: 'Mars/Olympus',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('cron: must have five fields');
    expect(res.body.error.message).toContain(
      'timeZone: must be an IANA time zone',
    );
    const none = await env.admin.batch
      .listNamespacedCronJob({ namespace: namespaceOf(b) })
      .catch(() => ({ items: [] }));
    expect(none.items).toEqual([]);
  });

  it('runs every minute on time, links its runs, pauses, and runs now', async () => {
    const { b } = env.org.tenants;
    const created = await api('bob', 'post', '/schedules').send({
      tenantId: b,
      jobType: TYPE,
      cron: '* * * * *',
      timeZone: 'Europe/Berlin',
      priority: 'low',
    });
    expect(created.status).toBe(201);
    const schedule = created.body as TenantJobSchedule;
    expect(schedule).toMatchObject({
      tenantId: b,
      cron: '* * * * *',
      timeZone: 'Europe/Berlin',
      concurrencyPolicy: 'Forbid',
      paused: false,
      namespace: namespaceOf(b),
    });
    expect(schedule.nextRunTimes).toHaveLength(3);
    const cronJob = await env.admin.batch.readNamespacedCronJob({
      namespace: namespaceOf(b),
      name: schedule.cronJobName,
    });
    expect(cronJob.spec).toMatchObject({
      schedule: '* * * * *',
      timeZone: 'Europe/Berlin',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      suspend: false,
    });
    // Hardened like any Job, and created suspended for the queue.
    const template = cronJob.spec!.jobTemplate.spec!;
    expect(template.suspend).toBe(true);
    expect(template.template.spec?.containers[0].securityContext).toMatchObject(
      { allowPrivilegeEscalation: false, runAsNonRoot: true },
    );

    // Another tenant's member sees none of it.
    expect(
      (await api('alice', 'get', `/schedules/${schedule.id}`)).status,
    ).toBe(404);
    expect((await api('alice', 'get', '/schedules')).body.items).toEqual([]);

    const first = await waitFor(
      'the first scheduled run to succeed',
      async () => {
        const runs = await runsOf(schedule.id);
        return runs.find(r => r.status === 'Succeeded');
      },
      150_000,
    );
    // On time: created within seconds after a minute boundary.
    const created_ = new Date(first.createdAt);
    expect(created_.getUTCSeconds()).toBeLessThan(20);
    expect(first).toMatchObject({
      tenantId: b,
      jobType: TYPE,
      priority: 'low',
    });

    // Paused: no new run at the next minute.
    const paused = await api('bob', 'post', `/schedules/${schedule.id}/pause`);
    expect(paused.body).toMatchObject({ paused: true, nextRunTimes: [] });
    const countAtPause = (await runsOf(schedule.id)).length;
    const untilNextMinute = 60_000 - (Date.now() % 60_000) + 15_000;
    await new Promise(resolve => setTimeout(resolve, untilNextMinute));
    expect((await runsOf(schedule.id)).length).toBe(countAtPause);

    // Run now: one at once, linked to the schedule.
    const now = await api('bob', 'post', `/schedules/${schedule.id}/run`);
    expect(now.status).toBe(201);
    expect((await runsOf(schedule.id)).map(r => r.id)).toContain(now.body.id);
    await waitFor('the run-now run to succeed', async () =>
      (await api('bob', 'get', `/runs/${now.body.id}`)).body.status ===
      'Succeeded'
        ? true
        : undefined,
    );

    // Deleted: its CronJob goes, its runs stay.
    expect(
      (await api('bob', 'delete', `/schedules/${schedule.id}`)).status,
    ).toBe(204);
    // Deleted with its Jobs orphaned: gone once the garbage collector
    // has taken the orphan finalizer off.
    await waitFor(
      'the CronJob to be gone',
      async () =>
        (await env.admin.batch
          .readNamespacedCronJob({
            namespace: namespaceOf(b),
            name: schedule.cronJobName,
          })
          .then(
            () => false,
            (error: { code?: number }) => error.code === 404,
          )) || undefined,
    );
    expect((await runsOf(schedule.id)).length).toBeGreaterThanOrEqual(2);
    const audit = await env
      .knex('tenant_jobs_audit')
      .whereIn('action', [
        'schedule-create',
        'schedule-pause',
        'schedule-run',
        'schedule-delete',
      ])
      .where({ outcome: 'succeeded' })
      .select('action');
    expect(audit.map((r: { action: string }) => r.action).sort()).toEqual([
      'schedule-create',
      'schedule-delete',
      'schedule-pause',
      'schedule-run',
    ]);
  });

  it("exports a tenant's schedules and triggers as one YAML document and imports it whole or not at all", async () => {
    const { b } = env.org.tenants;
    const schedule = await api('bob', 'post', '/schedules').send({
      tenantId: b,
      jobType: TYPE,
      cron: '0 3 * * *',
      timeZone: 'UTC',
      paused: true,
    });
    expect(schedule.status).toBe(201);
    const trigger = await api('bob', 'post', '/triggers').send({
      tenantId: b,
      topic: 'tenant-jobs-test.backup',
      jobType: TYPE,
      filter: { kind: 'nightly' },
    });
    expect(trigger.status).toBe(201);

    const exported = await api('bob', 'get', `/tenants/${b}/configuration`);
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toContain('application/yaml');
    const yaml = exported.text;
    expect(yaml).toContain('kind: TenantJobsConfiguration');
    expect(yaml).toContain('cron: 0 3 * * *');
    expect(yaml).toContain('topic: tenant-jobs-test.backup');
    // Another tenant's member may not read it.
    expect(
      (await api('alice', 'get', `/tenants/${b}/configuration`)).status,
    ).toBe(403);

    // Restore into an empty tenant: everything comes back.
    await api('bob', 'delete', `/schedules/${schedule.body.id}`).expect(204);
    await request(env.server)
      .delete(`/api/tenant-jobs/triggers/${trigger.body.id}`)
      .set('Authorization', env.as('bob'))
      .expect(204);
    const imported = await api('bob', 'post', `/tenants/${b}/configuration`)
      .set('Content-Type', 'application/yaml')
      .send(yaml);
    expect(imported.status).toBe(201);
    expect(imported.body).toEqual({ schedules: 1, triggers: 1 });
    const schedules = (await api('bob', 'get', '/schedules')).body.items;
    expect(schedules).toEqual([
      expect.objectContaining({ cron: '0 3 * * *', paused: true }),
    ]);

    // A document with one bad entry creates nothing.
    const bad = yaml.replace('cron: 0 3 * * *', 'cron: 0 3 * *');
    const before = await env.admin.batch.listNamespacedCronJob({
      namespace: namespaceOf(b),
    });
    const refused = await api('bob', 'post', `/tenants/${b}/configuration`)
      .set('Content-Type', 'application/yaml')
      .send(bad);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain(
      'schedules[0]: cron: must have five fields',
    );
    const after = await env.admin.batch.listNamespacedCronJob({
      namespace: namespaceOf(b),
    });
    expect(after.items.length).toBe(before.items.length);
  });
});
