import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import createKnex from 'knex';
import { openDatabase, QueueStore } from '.';
import { countSlotHolders } from './tenantSlots';
import { NewRun, RunObservationUpdate } from './types';

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

  it('finishes a run recorded final at once, so retention removes it in time', async () => {
    const { runs } = await open();
    const before = Date.now();
    const refused = await runs.create(
      newRun({ id: 'refused', status: 'Failed', reason: 'QuotaExceeded' }),
    );
    expect(Date.parse(refused.finishedAt!)).toBeGreaterThanOrEqual(
      before - 1000,
    );
    expect((await runs.create(newRun({ id: 'queued' }))).finishedAt).toBe(
      undefined,
    );
    expect(await runs.deleteFinishedBefore(new Date(Date.now() + 1000))).toBe(
      1,
    );
    await expect(runs.get('refused')).rejects.toThrow(NotFoundError);
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

    const ids = async (filter: Parameters<typeof runs.list>[0]) =>
      (await runs.list(filter)).items.map(r => r.id);
    const acme = await ids({ tenantIds: ['acme-analytics'] });
    expect(acme.sort()).toEqual(['x1', 'x2']);
    expect(await ids({ tenantIds: [] })).toEqual([]);
    expect(
      await ids({
        tenantIds: ['acme-analytics'],
        entityRef: 'component:default/b',
      }),
    ).toEqual(['x2']);
    expect(
      (
        await ids({
          tenantIds: ['acme-analytics', 'globex-retail'],
          statuses: ['Queued'],
        })
      ).sort(),
    ).toEqual(['x2', 'y1']);
    // Permission criteria become SQL: members of acme only, or not acme.
    expect(
      (await ids({ permitted: { tenantIds: ['acme-analytics'] } })).sort(),
    ).toEqual(['x1', 'x2']);
    expect(
      await ids({ permitted: { not: { tenantIds: ['acme-analytics'] } } }),
    ).toEqual(['y1']);
    expect(
      (
        await ids({
          permitted: {
            anyOf: [
              { tenantIds: ['globex-retail'] },
              { tenantIds: ['acme-analytics'] },
            ],
          },
          statuses: ['Failed'],
        })
      ).sort(),
    ).toEqual(['x1']);
    expect(await ids({ permitted: { tenantIds: [] } })).toEqual([]);
    expect(await runs.countActive('acme-analytics')).toBe(1);
  });

  it('pages with a stable cursor, newest first, without gaps or repeats', async () => {
    const { runs } = await open();
    for (let i = 0; i < 7; i++) {
      await runs.create(newRun({ id: `p${i}` }));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await runs.list(
        { tenantIds: ['acme-analytics'] },
        { limit: 3, cursor },
      );
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map(r => r.id));
      cursor = page.nextCursor;
      // A run submitted while paging does not disturb the pages after it.
      // (Later by the clock: runs of the same millisecond order by id.)
      if (seen.length === 3) {
        await new Promise(resolve => setTimeout(resolve, 5));
        await runs.create(newRun({ id: 'late' }));
      }
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    const all = await runs.list({ tenantIds: ['acme-analytics'] });
    expect(all.items[0].id).toBe('late');
    await expect(
      runs.list({}, { cursor: 'not-a-cursor' }),
    ).rejects.toMatchObject({ name: 'InputError' });
  });

  it('admits under the limit in one transaction and queues the rest, also when submissions race', async () => {
    const { runs } = await open();
    const admitted = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        runs.admit(newRun({ id: `c${i}` }), { maxActive: 2, maxQueued: 8 }),
      ),
    );
    expect(admitted.filter(r => r.releasedAt)).toHaveLength(2);
    expect(admitted.filter(r => !r.releasedAt)).toHaveLength(8);
    expect(admitted.every(r => r.status === 'Queued')).toBe(true);
    // The queue is full: the next one is refused.
    await expect(
      runs.admit(newRun({ id: 'c10' }), { maxActive: 2, maxQueued: 8 }),
    ).rejects.toThrow('maxConcurrentJobs 2), and 8 more wait in its queue');
    // Another tenant has its own slots.
    await expect(
      runs.admit(newRun({ id: 'g1', tenantId: 'globex-retail' }), {
        maxActive: 2,
        maxQueued: 0,
      }),
    ).resolves.toMatchObject({
      status: 'Queued',
      releasedAt: expect.any(String),
    });
  });

  it('releases queued runs highest priority first, then oldest, never more than the free slots', async () => {
    const { runs, queue } = await open();
    const limits = { maxActive: 2, maxQueued: 20 };
    await runs.admit(newRun({ id: 'holder-1' }), limits);
    await runs.admit(newRun({ id: 'holder-2' }), limits);
    const order = [
      ['q-batch', 'batch'],
      ['q-normal-1', 'normal'],
      ['q-high', 'high'],
      ['q-normal-2', 'normal'],
      ['q-critical', 'critical'],
    ] as const;
    for (const [id, priority] of order) {
      await runs.admit(newRun({ id, priority }), limits);
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    expect(await queue.release('acme-analytics', 2)).toEqual([]);
    expect(await queue.placeOf(await runs.get('q-normal-2'))).toEqual({
      position: 4,
      running: 2,
    });
    const released: string[] = [];
    for (const holder of ['holder-1', 'holder-2']) {
      await runs.transition(holder, ['Queued'], { status: 'Succeeded' });
    }
    // Two slots free: critical, then high.
    released.push(...(await queue.release('acme-analytics', 2)));
    expect(released).toEqual(['q-critical', 'q-high']);
    expect(await queue.release('acme-analytics', 2)).toEqual([]);
    for (const id of released) {
      await runs.transition(id, ['Queued'], { status: 'Failed' });
    }
    // Racing releases (two replicas): each run released exactly once.
    const racing = await Promise.all([
      queue.release('acme-analytics', 2),
      queue.release('acme-analytics', 2),
      queue.release('acme-analytics', 2),
    ]);
    expect(racing.flat().sort()).toEqual(['q-normal-1', 'q-normal-2']);
    expect(await queue.tenantsWaiting()).toEqual(['acme-analytics']);
    expect(await queue.placeOf(await runs.get('q-batch'))).toEqual({
      position: 1,
      running: 2,
    });
  });

  it('reads how long the tenant’s recent runs ran, newest first, bounded', async () => {
    const { runs } = await open();
    const finish = async (id: string, seconds: number, tenantId?: string) => {
      await runs.create(
        newRun({ id, ...(tenantId ? { tenantId, namespace: tenantId } : {}) }),
      );
      await runs.update(id, {
        status: 'Succeeded',
        startedAt: '2026-11-20T10:00:00.000Z',
        finishedAt: new Date(
          Date.parse('2026-11-20T10:00:00.000Z') + seconds * 1000,
        ).toISOString(),
      });
      await new Promise(resolve => setTimeout(resolve, 5));
    };
    await finish('d-old', 99);
    const since = new Date();
    await new Promise(resolve => setTimeout(resolve, 5));
    await finish('d-1', 10);
    await finish('d-other-tenant', 77, 'beta');
    await runs.create(newRun({ id: 'd-unfinished' }));
    await finish('d-2', 20);
    await finish('d-3', 30);
    expect(await runs.recentDurations('acme-analytics', since, 10)).toEqual([
      30_000, 20_000, 10_000,
    ]);
    expect(await runs.recentDurations('acme-analytics', since, 2)).toEqual([
      30_000, 20_000,
    ]);
  });

  it('reads the timings of statistics newest first, never more than the bound', async () => {
    const { runs } = await open();
    for (const id of ['t-1', 't-2', 't-3']) {
      await runs.create(newRun({ id }));
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    const everything = { createdAfter: new Date(0).toISOString() };
    expect(await runs.timings(everything)).toHaveLength(3);
    const newest = await runs.timings({ ...everything, limit: 2 });
    expect(newest.map(t => t.createdAt)).toEqual(
      [...newest.map(t => t.createdAt)].sort((x, y) => y - x),
    );
    expect(newest).toHaveLength(2);
    expect(Math.min(...newest.map(t => t.createdAt))).toBeGreaterThan(
      Math.min(...(await runs.timings(everything)).map(t => t.createdAt)),
    );
  });

  it('applies observations compare-and-set: older never overwrites newer, final stays final', async () => {
    const { runs } = await open();
    await runs.create(newRun({ id: 'o1' }));
    const observation = (
      version: number,
      status: 'Pending' | 'Running' | 'Succeeded',
      reason: string = status,
    ) => ({
      status,
      reason,
      message: `${status} at ${version}`,
      attempts: 1,
      k8sUid: 'job-uid-o1',
      version,
      observed: {
        conditions: [],
        pods: [{ name: 'o1-pod', phase: status, restarts: 0 }],
      },
    });
    const running = await runs.observe('o1', observation(20, 'Running'));
    expect(running?.before.status).toBe('Queued');
    // The watch may see the Job before the submit records its uid.
    expect(running?.after).toMatchObject({
      status: 'Running',
      k8sUid: 'job-uid-o1',
      observedVersion: 20,
      observed: { pods: [{ name: 'o1-pod' }] },
    });
    // The change it returns is the row as stored, without reading it again.
    expect(running?.after).toEqual(await runs.get('o1'));
    expect(
      await runs.observe('o1', observation(10, 'Pending')),
    ).toBeUndefined();
    expect(
      await runs.observe('o1', observation(20, 'Running')),
    ).toBeUndefined();
    expect(
      (await runs.observe('o1', observation(20, 'Running', 'Other')))?.after
        .reason,
    ).toBe('Other');
    await runs.observe('o1', observation(30, 'Succeeded'));
    expect(
      await runs.observe('o1', observation(40, 'Running')),
    ).toBeUndefined();
    expect((await runs.get('o1')).status).toBe('Succeeded');
    expect(
      await runs.observe('missing', observation(1, 'Running')),
    ).toBeUndefined();
  });

  it("applies only observations of the run's own Job: its namespace and uid", async () => {
    const { runs } = await open();
    await runs.create(newRun({ id: 'mine', k8sUid: 'uid-mine' }));
    const seen = (changes: Partial<RunObservationUpdate>) =>
      runs.observe('mine', {
        status: 'Failed',
        reason: 'BackoffLimitExceeded',
        message: 'forged',
        attempts: 1,
        k8sUid: 'uid-mine',
        namespace: 'tenant-acme-analytics',
        version: 5,
        observed: { conditions: [], pods: [] },
        ...changes,
      });
    // A Job in another tenant's namespace carrying this run's id label.
    expect(await seen({ namespace: 'tenant-globex-retail' })).toBeUndefined();
    // Another Job in the right namespace, not the one the run created.
    expect(await seen({ k8sUid: 'uid-other' })).toBeUndefined();
    expect((await runs.get('mine')).status).toBe('Queued');
    // Its own Job's observation applies.
    expect(
      (await seen({ status: 'Running', reason: 'Started' }))?.after,
    ).toMatchObject({ status: 'Running' });
  });

  it('guards transitions by the state read', async () => {
    const { runs } = await open();
    await runs.create(newRun({ id: 't1' }));
    const cancelled = await runs.transition('t1', ['Queued', 'Pending'], {
      status: 'Cancelled',
      finishedAt: new Date().toISOString(),
    });
    expect(cancelled?.status).toBe('Cancelled');
    expect(
      await runs.transition('t1', ['Queued'], { status: 'Pending' }),
    ).toBeUndefined();
    expect((await runs.get('t1')).status).toBe('Cancelled');
  });

  it('archives logs and events, and retention removes old history', async () => {
    const { runs, archives, audit } = await open();
    await runs.create(newRun({ id: 'old' }));
    await runs.create(newRun({ id: 'new' }));
    const longAgo = new Date(Date.now() - 100 * 86_400_000).toISOString();
    await runs.update('old', { status: 'Succeeded', finishedAt: longAgo });
    await runs.update('new', {
      status: 'Succeeded',
      finishedAt: new Date().toISOString(),
    });
    for (const id of ['old', 'new']) {
      await archives.save(id, {
        logs: [
          { podName: `${id}-pod`, log: `log of ${id}\n`, truncated: false },
        ],
        events: [
          {
            type: 'Normal',
            reason: 'Completed',
            message: 'Job completed',
            objectKind: 'Job',
            objectName: id,
            count: 1,
          },
        ],
      });
    }
    expect(await archives.getLogs('new')).toEqual([
      { podName: 'new-pod', log: 'log of new\n', truncated: false },
    ]);
    expect((await archives.getEvents('new'))?.[0].reason).toBe('Completed');
    expect((await runs.get('new')).archivedAt).toBeDefined();
    await audit.append({
      actor: 'user:default/alice',
      action: 'run-submit',
      outcome: 'succeeded',
    });

    expect(
      await runs.deleteFinishedBefore(new Date(Date.now() - 90 * 86_400_000)),
    ).toBe(1);
    await expect(runs.get('old')).rejects.toThrow(NotFoundError);
    expect(await archives.getLogs('old')).toEqual([]);
    expect(await archives.getLogs('new')).toHaveLength(1);
    expect(await archives.deleteLogsBefore(new Date(Date.now() + 1000))).toBe(
      1,
    );
    expect(await audit.deleteBefore(new Date(Date.now() + 1000))).toBe(1);
  });

  it('keeps an audit trail per tenant', async () => {
    const { audit } = await open();
    await audit.append({
      actor: 'user:default/alice',
      action: 'run-submit',
      tenantId: 'acme-analytics',
      runId: 'r1',
      outcome: 'succeeded',
    });
    await audit.append({
      actor: 'user:default/bob',
      action: 'run-submit',
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

// Two pools need a server: an in-memory SQLite database is one per pool.
describe(`queue on ${postgresId} with two replicas`, () => {
  it('releases each run exactly once from two connection pools, as two replicas would', async () => {
    const knex = await databases.init(postgresId);
    const { runs } = await openDatabase({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    // A second pool: its own sessions, like another backend process.
    const other = createKnex(knex.client.config);
    try {
      const replicas = [new QueueStore(knex), new QueueStore(other)];
      const limits = { maxActive: 3, maxQueued: 50 };
      const ids = Array.from({ length: 24 }, (_, i) => `p${i}`);
      for (const id of ids) await runs.admit(newRun({ id }), limits);
      const released = ids.slice(0, 3);
      while (released.length < ids.length) {
        // Finish what holds the slots, then both replicas release at once.
        for (const id of released) {
          await runs.transition(id, ['Queued'], { status: 'Succeeded' });
        }
        const batch = await Promise.all(
          replicas.map(replica => replica.release('acme-analytics', 3)),
        );
        expect(
          await countSlotHolders(knex, 'acme-analytics'),
        ).toBeLessThanOrEqual(3);
        const fresh = batch.flat();
        expect(fresh.length).toBeGreaterThan(0);
        released.push(...fresh);
      }
      expect(released.sort()).toEqual([...ids].sort());
      expect(new Set(released).size).toBe(ids.length);
    } finally {
      await other.destroy();
    }
  });
});
