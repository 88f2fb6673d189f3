import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { openDatabase } from '.';
import { NewRun } from './types';

jest.setTimeout(60_000);

// PostgreSQL comes from Debian's packages (scripts/ensure-postgres.sh, run
// by `make test`), in the version that machine has.
const postgresId = `POSTGRES_${
  process.env.TENANT_JOBS_TEST_PG_MAJOR ?? '15'
}` as TestDatabaseId;
const databases = TestDatabases.create({ ids: ['SQLITE_3', postgresId] });

function newRun(overrides: Partial<NewRun> = {}): NewRun {
  const id = overrides.id ?? `run-${Math.random().toString(36).slice(2, 10)}`;
  return {
    id,
    tenantId: 'acme-analytics',
    jobType: 'data-etl',
    tier: 'small',
    priority: 'normal',
    request: {
      tenantId: 'acme-analytics',
      jobType: 'data-etl',
      parameters: { mode: 'full' },
    },
    submittedBy: 'user:default/alice',
    cluster: 'local',
    namespace: 'tenant-acme-analytics',
    k8sName: `data-etl-acme-analytics-${id}`,
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())('database on %s', databaseId => {
  async function open() {
    const knex = await databases.init(databaseId);
    return openDatabase({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
  }

  it('records a run as Queued and reads it back', async () => {
    const { runs } = await open();
    const created = await runs.create(
      newRun({ id: 'r1', entityRef: 'component:default/acme-warehouse-etl' }),
    );
    expect(created).toEqual(
      expect.objectContaining({
        id: 'r1',
        status: 'Queued',
        attempts: 0,
        entityRef: 'component:default/acme-warehouse-etl',
        request: expect.objectContaining({ parameters: { mode: 'full' } }),
      }),
    );
    expect(Date.parse(created.createdAt)).not.toBeNaN();
    await expect(runs.get('missing')).rejects.toThrow(NotFoundError);
  });

  it('keeps one run per tenant and idempotency key', async () => {
    const { runs } = await open();
    await runs.create(newRun({ id: 'a', idempotencyKey: 'k-1' }));
    await expect(
      runs.create(newRun({ id: 'b', idempotencyKey: 'k-1' })),
    ).rejects.toThrow(ConflictError);
    // Another tenant may use the same key, and runs without keys never clash.
    await runs.create(
      newRun({ id: 'c', idempotencyKey: 'k-1', tenantId: 'globex-retail' }),
    );
    await runs.create(newRun({ id: 'd' }));
    await runs.create(newRun({ id: 'e' }));
    expect((await runs.findByIdempotencyKey('acme-analytics', 'k-1'))?.id).toBe(
      'a',
    );
    expect(
      await runs.findByIdempotencyKey('acme-analytics', 'k-2'),
    ).toBeUndefined();
  });

  it('moves through statuses but never out of a final one', async () => {
    const { runs } = await open();
    await runs.create(newRun({ id: 'r' }));
    await runs.update('r', {
      status: 'Running',
      startedAt: '2026-11-27T00:00:00.000Z',
      attempts: 1,
    });
    const done = await runs.update('r', {
      status: 'Succeeded',
      finishedAt: '2026-11-27T00:05:00.000Z',
    });
    expect(done).toEqual(
      expect.objectContaining({
        status: 'Succeeded',
        attempts: 1,
        startedAt: '2026-11-27T00:00:00.000Z',
        finishedAt: '2026-11-27T00:05:00.000Z',
      }),
    );
    const after = await runs.update('r', { status: 'Running' });
    expect(after.status).toBe('Succeeded');
    await expect(runs.update('nope', { status: 'Running' })).rejects.toThrow(
      NotFoundError,
    );
  });

  it('lists newest first, filtered by tenant, entity and status, and counts active runs', async () => {
    const { runs } = await open();
    await runs.create(newRun({ id: 'x1', entityRef: 'component:default/a' }));
    await runs.create(newRun({ id: 'x2', entityRef: 'component:default/b' }));
    await runs.create(newRun({ id: 'y1', tenantId: 'globex-retail' }));
    await runs.update('x1', { status: 'Failed' });

    const acme = await runs.list({ tenantIds: ['acme-analytics'] });
    expect(acme.map(r => r.id).sort()).toEqual(['x1', 'x2']);
    expect(await runs.list({ tenantIds: [] })).toEqual([]);
    expect(
      (
        await runs.list({
          tenantIds: ['acme-analytics'],
          entityRef: 'component:default/b',
        })
      ).map(r => r.id),
    ).toEqual(['x2']);
    expect(
      (
        await runs.list({
          tenantIds: ['acme-analytics', 'globex-retail'],
          statuses: ['Queued'],
        })
      )
        .map(r => r.id)
        .sort(),
    ).toEqual(['x2', 'y1']);
    expect(await runs.countActive('acme-analytics')).toBe(1);
  });

  it('keeps an audit trail per tenant', async () => {
    const { audit } = await open();
    await audit.append({
      actor: 'user:default/alice',
      action: 'job-submit',
      tenantId: 'acme-analytics',
      runId: 'r1',
      outcome: 'succeeded',
    });
    await audit.append({
      actor: 'user:default/bob',
      action: 'job-submit',
      tenantId: 'acme-analytics',
      outcome: 'refused',
      detail: { reason: 'not a member of tenant acme-analytics' },
    });
    const entries = await audit.list({ tenantIds: ['acme-analytics'] });
    expect(entries.map(e => [e.actor, e.outcome])).toEqual([
      ['user:default/bob', 'refused'],
      ['user:default/alice', 'succeeded'],
    ]);
    expect(entries[0].detail).toEqual({
      reason: 'not a member of tenant acme-analytics',
    });
    expect(await audit.list({ tenantIds: ['globex-retail'] })).toEqual([]);
  });
});
