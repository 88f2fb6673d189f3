import { AuthenticationError, ConflictError } from '@backstage/errors';
import type { V1Job } from '@kubernetes/client-node';
import createKnex, { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { QueueStore, RunStore } from '../database';
import { RunBus, RunLifecycle } from '../lifecycle';
import {
  TenantClusters,
  ManagedObjectsHandler,
  WatchStats,
} from '../cluster/TenantCluster';
import { observation, runRecord } from './__testUtils__/runs';
import {
  createTestMeter,
  installTestTracer,
  parseScrape,
  Sample,
  TestMeter,
  TestTracer,
} from './__testUtils__/telemetry';
import { TenantJobsObservability } from './TenantJobsObservability';

/** A lifecycle over `store` whose bus the observability subscribes to. */
function observedLifecycle(
  observability: TenantJobsObservability,
  store: RunStore,
): RunLifecycle {
  const bus = new RunBus(mockServices.logger.mock());
  observability.subscribe(bus);
  return new RunLifecycle({ runs: store, queue: {} as QueueStore, bus });
}

const TENANTS = new Set(['acme', 'globex']);
const TYPES = new Set(['data-etl', 'ml-training']);

function pick(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
) {
  return samples.filter(
    s =>
      s.name === name &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

function job(runId: string): V1Job {
  return {
    metadata: {
      name: `etl-${runId}`,
      namespace: 'tenant-acme',
      labels: { 'tenant-jobs.io/run-id': runId },
    },
  };
}

describe('TenantJobsObservability', () => {
  let meter: TestMeter;
  let tracer: TestTracer;
  let db: Knex;
  let now: number;
  let observability: TenantJobsObservability;

  beforeEach(async () => {
    meter = await createTestMeter();
    tracer = installTestTracer();
    db = createKnex({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    await db.schema.createTable('tenant_jobs_runs', table => {
      table.string('id');
      table.string('tenant_id');
      table.string('status');
    });
    now = 1_000_000;
    observability = new TenantJobsObservability({
      metrics: meter.metrics,
      clusters: ['local'],
      isKnownJobType: id => TYPES.has(id),
      isKnownTenant: async id => TENANTS.has(id),
      database: db,
      durationTargets: () => [{ jobType: 'data-etl', seconds: 5400 }],
      successObjective: 0.995,
      now: () => now,
    });
  });

  afterEach(async () => {
    await meter.shutdown();
    await tracer.uninstall();
    await db.destroy();
  });

  it('counts submissions with bounded labels and spans them', async () => {
    await observability.submission(
      { tenantId: 'acme', jobType: 'data-etl', priority: 'normal' },
      async () => ({ kind: 'created' as const }),
    );
    await observability.submission(
      { tenantId: 'acme', jobType: 'data-etl', priority: 'normal' },
      async () => ({ kind: 'existing' as const }),
    );
    await expect(
      observability.submission(
        {
          tenantId: 'made-up-tenant-123',
          jobType: 'bitcoin-miner',
          priority: 'now!',
        },
        async () => {
          throw new ConflictError("Tenant 'x' cannot be used: reserved");
        },
      ),
    ).rejects.toThrow('cannot be used');
    await expect(
      observability.submission(
        {
          tenantId: 'globex',
          jobType: 'ml-training',
          priority: 'high',
          retry: true,
        },
        async () => {
          throw new ConflictError(
            'Run 1 is still Running; cancel it or wait for it to finish before retrying',
          );
        },
      ),
    ).rejects.toThrow();
    observability.refusedBeforeRoute(
      'run-submit',
      new AuthenticationError('no token'),
    );
    observability.refusedBeforeRoute(
      'request-refused',
      new AuthenticationError('no token'),
    );

    const samples = parseScrape(await meter.scrape());
    const submissions = pick(samples, 'tenant_jobs_submissions_total').map(
      s => [
        s.labels.tenant,
        s.labels.job_type,
        s.labels.priority,
        s.labels.outcome,
        s.labels.reason,
        s.value,
      ],
    );
    expect(submissions).toEqual(
      expect.arrayContaining([
        ['acme', 'data-etl', 'normal', 'created', 'none', 1],
        ['acme', 'data-etl', 'normal', 'replayed', 'none', 1],
        ['unknown', 'other', 'other', 'refused', 'tenant_refused', 1],
        ['globex', 'ml-training', 'high', 'refused', 'run_not_finished', 1],
        ['unknown', 'other', 'other', 'refused', 'unauthenticated', 1],
      ]),
    );
    expect(submissions).toHaveLength(5);

    const spans = tracer.spans.getFinishedSpans();
    expect(spans.map(s => s.name)).toEqual([
      'tenant-jobs submit',
      'tenant-jobs submit',
      'tenant-jobs submit',
      'tenant-jobs retry',
    ]);
    expect(spans[0].attributes).toMatchObject({
      'tenant_jobs.tenant': 'acme',
      'tenant_jobs.job_type': 'data-etl',
      'tenant_jobs.outcome': 'created',
    });
    expect(spans[2].attributes).toMatchObject({
      'tenant_jobs.outcome': 'refused',
      'tenant_jobs.reason': 'tenant_refused',
      'error.type': 'ConflictError',
    });
  });

  it('times tracking, counts finished runs, durations and waits, and follows watches', async () => {
    const handlers: ManagedObjectsHandler<V1Job>[] = [];
    const stats: WatchStats = {
      synced: true,
      lists: 1,
      restarts: 2,
      lastEventAt: now,
    };
    const cluster = {
      name: 'local',
      watchJobs: (handler: ManagedObjectsHandler<V1Job>) => {
        handlers.push(handler);
        return { getStats: () => stats, stop: async () => {} };
      },
      watchPods: () => ({ getStats: () => stats, stop: async () => {} }),
      getJob: async () => undefined,
    };
    const clusters = {
      names: () => ['local'],
      get: () => cluster,
    } as unknown as TenantClusters;
    const before = runRecord({
      id: 'r1',
      status: 'Running',
      startedAt: '2026-01-01T00:00:30.000Z',
    });
    const after = runRecord({
      id: 'r1',
      status: 'Succeeded',
      reason: 'Completed',
      startedAt: '2026-01-01T00:00:30.000Z',
      finishedAt: '2026-01-01T00:02:30.000Z',
    });
    const store = {
      observe: jest.fn(async () => ({ before, after })),
      transition: jest.fn(async () =>
        runRecord({
          id: 'r2',
          status: 'Failed',
          reason: 'Lost',
          finishedAt: '2026-01-01T00:05:00.000Z',
        }),
      ),
      countActive: jest.fn(async () => 3),
    } as unknown as RunStore;

    const tracked = observability.trackedClusters(clusters).get('local');
    expect(observability.trackedClusters(clusters).get('local').name).toBe(
      'local',
    );
    const watch = tracked.watchJobs({ onList: () => {}, onEvent: () => {} });
    expect(await tracked.getJob('a', 'b')).toBeUndefined(); // passes through
    handlers[0].onEvent('MODIFIED', job('r1'));
    now += 40; // 40 ms until the observation is written
    const lifecycle = observedLifecycle(observability, store);
    await lifecycle.observe(
      'r1',
      observation({ status: 'Succeeded', version: 7 }),
    );
    await lifecycle.lose(runRecord({ id: 'r2', status: 'Running' }), 'gone');
    // A queue-wait is recorded when a run first starts.
    await lifecycle.bus.publish({
      transition: 'observe',
      before: runRecord({ id: 'r3', status: 'Pending' }),
      after: runRecord({
        id: 'r3',
        status: 'Running',
        startedAt: '2026-01-01T00:00:12.000Z',
      }),
    });

    await db('tenant_jobs_runs').insert([
      { id: 'a', tenant_id: 'acme', status: 'Running' },
      { id: 'b', tenant_id: 'acme', status: 'Queued' },
      { id: 'c', tenant_id: 'acme', status: 'Queued' },
      { id: 'd', tenant_id: 'acme', status: 'Succeeded' },
    ]);

    const samples = parseScrape(await meter.scrape());
    expect(
      pick(samples, 'tenant_jobs_tracking_lag_count', { cluster: 'local' })[0]
        .value,
    ).toBe(1);
    expect(pick(samples, 'tenant_jobs_tracking_lag_sum')[0].value).toBeCloseTo(
      0.04,
    );
    expect(
      pick(samples, 'tenant_jobs_runs_finished_total').map(s => [
        s.labels.status,
        s.labels.reason,
        s.value,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['Succeeded', 'Completed', 1],
        ['Failed', 'Lost', 1],
      ]),
    );
    expect(
      pick(samples, 'tenant_jobs_run_duration_sum', {
        job_type: 'data-etl',
        status: 'Succeeded',
      })[0].value,
    ).toBe(120);
    expect(
      pick(samples, 'tenant_jobs_run_queue_wait_sum', {
        job_type: 'data-etl',
      })[0].value,
    ).toBe(12);
    expect(
      pick(samples, 'tenant_jobs_runs_active').map(s => [
        s.labels.tenant,
        s.labels.status,
        s.value,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['acme', 'Running', 1],
        ['acme', 'Queued', 2],
      ]),
    );
    expect(
      pick(samples, 'tenant_jobs_watch_restarts_total', {
        cluster: 'local',
        resource: 'jobs',
      })[0].value,
    ).toBe(2);
    expect(
      pick(samples, 'tenant_jobs_watch_lists_total', { resource: 'jobs' })[0]
        .value,
    ).toBe(1);
    expect(
      pick(samples, 'tenant_jobs_watch_synced', { resource: 'jobs' })[0].value,
    ).toBe(1);
    expect(
      pick(samples, 'tenant_jobs_cluster_reachable', { cluster: 'local' })[0]
        .value,
    ).toBe(1);
    expect(
      pick(samples, 'tenant_jobs_job_type_duration_target', {
        job_type: 'data-etl',
      })[0].value,
    ).toBe(5400);
    expect(pick(samples, 'tenant_jobs_objective_success_ratio')[0].value).toBe(
      0.995,
    );

    const update = tracer.spans
      .getFinishedSpans()
      .find(s => s.name === 'tenant-jobs tracking update');
    expect(update?.attributes).toMatchObject({
      'tenant_jobs.run_id': 'r1',
      'tenant_jobs.tenant': 'acme',
      'tenant_jobs.status': 'Succeeded',
    });

    await watch.stop();
    expect(observability.health.watchHealth()).toEqual([]);
  });

  it('spans admission and counts notifications and signals', async () => {
    const store = {
      admit: jest.fn(async () => runRecord({ status: 'Queued' })),
      create: jest.fn(async () =>
        runRecord({ status: 'Failed', reason: 'NotCreated' }),
      ),
    } as unknown as RunStore;
    const lifecycle = observedLifecycle(observability, store);
    await lifecycle.admit(runRecord(), { maxActive: 1, maxQueued: 10 });
    await lifecycle.refuse(runRecord(), {
      reason: 'NotCreated',
      message: 'refused',
    });
    const admission = tracer.spans
      .getFinishedSpans()
      .find(s => s.name === 'tenant-jobs admission');
    expect(admission?.attributes).toMatchObject({
      'tenant_jobs.tenant': 'acme',
      'tenant_jobs.job_type': 'data-etl',
      'tenant_jobs.queued': true,
    });

    const sent: unknown[] = [];
    const notifications = observability.countedNotifications({
      send: async options => {
        if (options.payload.topic === 'tenant-jobs:preempted')
          throw new Error('no backend');
        sent.push(options);
      },
    });
    await notifications.send({
      recipients: { type: 'entity', entityRef: 'user:default/alice' },
      payload: { title: 'x', topic: 'tenant-jobs:failed' },
    });
    await expect(
      notifications.send({
        recipients: { type: 'entity', entityRef: 'user:default/alice' },
        payload: { title: 'x', topic: 'tenant-jobs:preempted' },
      }),
    ).rejects.toThrow('no backend');
    const signals = observability.countedSignals({ publish: async () => {} });
    await signals.publish({
      recipients: { type: 'user', entityRef: 'group:default/a' },
      channel: 'tenant-jobs:acme',
      message: {},
    });

    const samples = parseScrape(await meter.scrape());
    expect(
      pick(samples, 'tenant_jobs_notifications_sent_total').map(s => [
        s.labels.topic,
        s.labels.outcome,
        s.value,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['failed', 'sent', 1],
        ['preempted', 'failed', 1],
      ]),
    );
    expect(
      pick(samples, 'tenant_jobs_signals_published_total', {
        outcome: 'sent',
      })[0].value,
    ).toBe(1);
    expect(
      pick(samples, 'tenant_jobs_runs_finished_total', {
        reason: 'NotCreated',
      })[0].value,
    ).toBe(1);
  });
});
