import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { NewRun, openDatabase, RunRecord, RunStatus } from '../database';
import { Clock } from '../lib/clock';
import { RunBus, RunChange } from './RunBus';
import { RunLifecycle } from './RunLifecycle';
import { isAllowed, isFinal, TRANSITIONS } from './transitions';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const STATUSES: RunStatus[] = [
  'Queued',
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'Cancelled',
];

let sequence = 0;
function newRun(overrides: Partial<NewRun> = {}): NewRun {
  sequence += 1;
  const id = `run-${sequence}`;
  return {
    id,
    tenantId: 'acme',
    jobType: 'data-etl',
    tier: 'small',
    priority: 'normal',
    request: { tenantId: 'acme', jobType: 'data-etl' },
    submittedBy: 'user:default/alice',
    cluster: 'local',
    namespace: 'tenant-acme',
    k8sName: `data-etl-acme-${id}`,
    ...overrides,
  };
}

async function setup() {
  const knex = await databases.init('SQLITE_3');
  const stores = await openDatabase({
    database: mockServices.database({ knex }),
  });
  const logger = mockServices.logger.mock();
  const bus = new RunBus(logger);
  const changes: RunChange[] = [];
  bus.subscribe('record', change => {
    changes.push(change);
  });
  // Fake time: every final state is stamped with it.
  const clock: Clock = { now: () => Date.parse('2026-12-06T12:00:00Z') };
  const lifecycle = new RunLifecycle({ ...stores, bus, clock });
  const limits = { maxActive: 1, maxQueued: 10 };
  return { ...stores, bus, changes, lifecycle, logger, limits };
}

describe('the transition table', () => {
  it('ends only final transitions in final statuses, and starts none there', () => {
    const startsFinal = Object.entries(TRANSITIONS).flatMap(([name, rule]) =>
      rule.from === 'new' ? [] : rule.from.filter(isFinal).map(s => [name, s]),
    );
    expect(startsFinal).toEqual([]);
    // Nothing leaves a final status.
    for (const from of STATUSES.filter(isFinal)) {
      for (const to of STATUSES) {
        for (const name of Object.keys(TRANSITIONS)) {
          expect(isAllowed(name as keyof typeof TRANSITIONS, from, to)).toBe(
            false,
          );
        }
      }
    }
    expect(isAllowed('cancel', 'Running', 'Cancelled')).toBe(true);
    expect(isAllowed('observe', 'Running', 'Cancelled')).toBe(false);
    expect(isAllowed('admit', 'new', 'Queued')).toBe(true);
  });
});

describe('RunLifecycle', () => {
  it('publishes each change once, in order, with the run before and after', async () => {
    const { lifecycle, changes, limits } = await setup();
    const admitted = await lifecycle.admit(newRun(), limits);
    expect(admitted.releasedAt).toBeDefined();
    const sent = await lifecycle.send(admitted, {
      status: 'Pending',
      reason: 'Created',
      message: 'created',
    });
    const cancelled = await lifecycle.cancel(sent!, 'user:default/alice');
    expect(
      changes.map(c => [c.transition, c.before?.status, c.after.status]),
    ).toEqual([
      ['admit', undefined, 'Queued'],
      ['send', 'Queued', 'Pending'],
      ['cancel', 'Pending', 'Cancelled'],
    ]);
    expect(cancelled).toMatchObject({
      status: 'Cancelled',
      reason: 'CancelledByUser',
      message: 'Cancelled by user:default/alice',
      finishedAt: '2026-12-06T12:00:00.000Z',
    });
  });

  it('gives every final state finishedAt, however it was reached', async () => {
    const { lifecycle, limits, runs } = await setup();
    const finals: RunRecord[] = [];
    const queued = await lifecycle.admit(newRun(), limits);
    finals.push(
      (await lifecycle.fail(queued, { reason: 'NotCreated', message: 'x' }))!,
    );
    const pending = await lifecycle.adopt({
      ...newRun(),
      status: 'Pending',
    });
    finals.push((await lifecycle.lose(pending, 'gone'))!);
    finals.push(
      await lifecycle.refuse(newRun(), { reason: 'QueueFull', message: 'y' }),
    );
    const running = await lifecycle.adopt({ ...newRun(), status: 'Pending' });
    const observed = await lifecycle.observe(running.id, {
      status: 'Succeeded',
      reason: 'Completed',
      message: 'done',
      attempts: 1,
      version: 1,
      namespace: running.namespace,
      observed: { conditions: [], pods: [] },
    });
    finals.push(observed!.after);
    for (const run of finals) {
      expect([run.status, (await runs.get(run.id)).finishedAt]).toEqual([
        run.status,
        expect.any(String),
      ]);
    }
    expect(finals.map(r => r.status)).toEqual([
      'Failed',
      'Failed',
      'Failed',
      'Succeeded',
    ]);
  });

  it('refuses transitions the table does not allow, before writing', async () => {
    const { lifecycle, limits, runs, changes } = await setup();
    const run = await lifecycle.admit(newRun(), limits);
    await expect(lifecycle.send(run, { status: 'Succeeded' })).rejects.toThrow(
      /a send may not end in Succeeded/,
    );
    await expect(
      lifecycle.observe(run.id, {
        status: 'Cancelled',
        reason: 'x',
        message: 'x',
        attempts: 0,
        version: 1,
        observed: { conditions: [], pods: [] },
      }),
    ).rejects.toThrow(/an? observe may not end in Cancelled/);
    expect((await runs.get(run.id)).status).toBe('Queued');
    expect(changes).toHaveLength(1);
  });

  it('leaves a run that moved on as it is, and publishes nothing', async () => {
    const { lifecycle, limits, changes } = await setup();
    const run = await lifecycle.admit(newRun(), limits);
    const cancelled = await lifecycle.cancel(run, 'user:default/alice');
    // A send that raced the cancel: the stale record says Queued.
    expect(
      await lifecycle.send(run, { status: 'Pending', reason: 'Created' }),
    ).toBeUndefined();
    expect(await lifecycle.cancel(run, 'user:default/bob')).toBeUndefined();
    expect(changes.map(c => c.transition)).toEqual(['admit', 'cancel']);
    expect(cancelled?.status).toBe('Cancelled');
  });

  it('forgets only a Queued run', async () => {
    const { lifecycle, limits, runs } = await setup();
    const run = await lifecycle.admit(newRun(), limits);
    const pending = await lifecycle.send(run, { status: 'Pending' });
    await expect(lifecycle.forget(pending!)).rejects.toThrow(
      /only a Queued run is forgotten/,
    );
    const other = await lifecycle.admit(newRun(), limits);
    await lifecycle.forget(other);
    await expect(runs.get(other.id)).rejects.toThrow(
      /No tenant job run with id/,
    );
  });

  it('keeps publishing when a subscriber throws, and logs which one', async () => {
    const { lifecycle, limits, bus, changes, logger } = await setup();
    bus.subscribe('broken', () => {
      throw new Error('boom');
    });
    const after: string[] = [];
    bus.subscribe('later', change => {
      after.push(change.after.id);
    });
    const run = await lifecycle.admit(newRun(), limits);
    expect(after).toEqual([run.id]);
    expect(changes).toHaveLength(1);
    expect(logger.warn).toHaveBeenCalledWith(
      `The broken subscriber failed on the admit of run ${run.id}: boom`,
    );
  });
});
