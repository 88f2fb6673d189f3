/*
 * Nothing lost on a restart, against the local cluster: the backend runs
 * in a child process on a SQLite file.
 *
 * - Killed with SIGKILL and started again on the same file: every run,
 *   archived log, schedule and audit entry is there, unchanged.
 * - Started again after the file was deleted (a database lost, or restored
 *   from a backup older than the runs): every run whose Job is still in
 *   the cluster comes back from the Job alone, with its submitter,
 *   parameters, entity, tier, idempotency key and submission time, so the
 *   Jobs tab of its component lists it again.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  JobParametersSchema,
  TenantJobRunDetail,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import request from 'supertest';
import {
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  testJobType,
  UserKey,
  waitFor,
} from './__testUtils__/harness';

jest.setTimeout(600_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const parameterSchema: JobParametersSchema = {
  type: 'object',
  properties: {
    source: { type: 'string', maxLength: 60, pattern: '^[a-z0-9-]+$' },
    full: { type: 'boolean' },
  },
  required: ['source'],
  additionalProperties: false,
};
const LONG = testJobType('it-keep-long', {
  simulate: 'duration=20m',
  defaultDeadlineSeconds: 3600,
  allowedTiers: ['micro', 'small'],
  parameterSchema,
});
const QUICK = testJobType('it-keep-quick', {
  simulate: 'duration=2s',
  allowedTiers: ['micro', 'small'],
  parameterSchema,
});

/** The columns of a run that a restart must leave as they were. */
const RUN_COLUMNS = [
  'id',
  'tenant_id',
  'job_type',
  'tier',
  'priority',
  'request',
  'entity_ref',
  'submitted_by',
  'idempotency_key',
  'k8s_name',
  'created_at',
  'archived_at',
];

describe('Tenant Jobs keeps its state through a restart, and rebuilds runs from their Jobs', () => {
  let env: TenantJobsTestEnv;

  beforeAll(async () => {
    env = await startTenantJobsTestBackend({
      databases,
      childProcess: true,
      jobTypes: [LONG, QUICK],
      config: { tracking: { reconcileIntervalSeconds: 2 } },
    });
  });

  afterAll(async () => {
    await env?.stop();
  });

  const api = (user: UserKey, method: 'get' | 'post', path: string) =>
    request(env.url)
      [method](`/api/tenant-jobs${path}`)
      .set('Authorization', env.as(user));

  const detail = async (id: string): Promise<TenantJobRunDetail> =>
    (await api('alice', 'get', `/runs/${id}`)).body;

  async function launch(jobType: string, source: string, key: string) {
    const res = await api('alice', 'post', '/runs').send({
      tenantId: env.org.tenants.a,
      jobType,
      tier: 'small',
      parameters: { source, full: source.length % 2 === 0 },
      entityRef: env.org.components.a.owned,
      idempotencyKey: key,
    });
    expect({ status: res.status, error: res.body.error }).toEqual({
      status: 201,
      error: undefined,
    });
    return res.body as TenantJobRunDetail;
  }

  /** What the database holds, table by table, in a fixed order. */
  async function snapshot() {
    const { knex } = env;
    return {
      runs: await knex('tenant_jobs_runs').select(RUN_COLUMNS).orderBy('id'),
      logs: await knex('tenant_jobs_run_logs')
        .select('*')
        .orderBy(['run_id', 'pod_name']),
      schedules: await knex('tenant_jobs_schedules').select('*').orderBy('id'),
      audit: await knex('tenant_jobs_audit').select('*').orderBy('id'),
    };
  }

  let long: TenantJobRunDetail[] = [];
  let quick: TenantJobRunDetail;

  it('keeps every run, archive, schedule and audit entry through SIGKILL', async () => {
    long = [
      await launch(LONG.id, 'events-db', 'keep-1'),
      await launch(LONG.id, 'orders', 'keep-2'),
      await launch(LONG.id, 'clicks-eu', 'keep-3'),
    ];
    quick = await launch(QUICK.id, 'ledger', 'keep-4');
    const schedule = await api('alice', 'post', '/schedules').send({
      tenantId: env.org.tenants.a,
      jobType: QUICK.id,
      cron: '0 2 * * *',
      paused: true,
      parameters: { source: 'nightly' },
    });
    expect(schedule.status).toBe(201);
    await waitFor('the quick run to finish and be archived', async () => {
      const run = await detail(quick.id);
      return run.status === 'Succeeded' &&
        (
          await env
            .knex('tenant_jobs_runs')
            .where({ id: quick.id })
            .whereNotNull('archived_at')
        ).length === 1
        ? true
        : undefined;
    });
    await waitFor('the long runs to run', async () =>
      (
        await Promise.all(long.map(run => detail(run.id)))
      ).every(run => run.status === 'Running')
        ? true
        : undefined,
    );

    const before = await snapshot();
    expect(before.runs).toHaveLength(4);
    expect(before.logs.length).toBeGreaterThan(0);
    expect(before.schedules).toHaveLength(1);
    expect(before.audit.length).toBeGreaterThanOrEqual(5);

    await env.restart();

    const after = await snapshot();
    expect(after.runs).toEqual(before.runs);
    expect(after.logs).toEqual(before.logs);
    expect(after.schedules).toEqual(before.schedules);
    // Entries may be added after the restart; none is lost or changed.
    expect(after.audit.slice(0, before.audit.length)).toEqual(before.audit);
    expect((await detail(quick.id)).status).toBe('Succeeded');
  });

  it('rebuilds every run whose Job is still in the cluster after the database was deleted', async () => {
    const expected = [...long, quick].map(run => ({
      id: run.id,
      jobType: run.jobType,
      tier: 'small',
      parameters: run.parameters,
      entityRef: env.org.components.a.owned,
      submittedBy: env.org.users.alice,
      createdAt: run.createdAt,
    }));

    await env.restart(undefined, { freshDatabase: true });
    expect(await env.countRuns()).toBe(0);

    // The component's Jobs tab asks for its runs by entity.
    const listed = async () =>
      (
        await api('alice', 'get', '/runs').query({
          tenantId: env.org.tenants.a,
          entityRef: env.org.components.a.owned,
        })
      ).body.items as TenantJobRunDetail[];
    await waitFor(
      'the reconcile to adopt every Job',
      async () => ((await listed()).length === 4 ? true : undefined),
      120_000,
    );
    const rebuilt = (await listed())
      .map(run => ({
        id: run.id,
        jobType: run.jobType,
        tier: run.tier,
        parameters: run.parameters,
        entityRef: run.entityRef,
        submittedBy: run.submittedBy,
        createdAt: run.createdAt,
      }))
      .sort((x, y) => x.id.localeCompare(y.id));
    expect(rebuilt).toEqual(expected.sort((x, y) => x.id.localeCompare(y.id)));
    // Known again by their keys: a retried submission replays, not repeats.
    const replay = await api('alice', 'post', '/runs').send({
      tenantId: env.org.tenants.a,
      jobType: LONG.id,
      tier: 'small',
      parameters: long[0].parameters,
      entityRef: env.org.components.a.owned,
      idempotencyKey: 'keep-1',
    });
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(long[0].id);
  });
});
