/*
 * The number of series the exporter serves stays bounded however many runs
 * there are: 1,000 runs across 10 tenants, driven through the same
 * recorders the plugin uses, with realistic (and some hostile) label values.
 */
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import type { V1Job } from '@kubernetes/client-node';
import {
  BUILT_IN_JOB_TYPES,
  PRIORITIES,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { mockServices } from '@backstage/backend-test-utils';
import { QueueStore, RunRecord, RunStore } from '../database';
import { RunBus, RunLifecycle } from '../lifecycle';
import {
  TenantClusters,
  ManagedObjectsHandler,
} from '../cluster/TenantCluster';
import { observation, runRecord } from './__testUtils__/runs';
import { createTestMeter, parseScrape } from './__testUtils__/telemetry';
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

/** The bound this test holds the exporter to, stated in the README. */
const MAX_SERIES_AFTER_1000_RUNS = 2500;

const RUNS = 1000;
const TENANTS = Array.from({ length: 10 }, (_, i) => `tenant-${i}`);
const TYPES = Object.keys(BUILT_IN_JOB_TYPES);
const PRIORITY_IDS = PRIORITIES.map(p => p.id);

/** A deterministic pseudo-random sequence. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('metrics cardinality', () => {
  it(`serves fewer than ${MAX_SERIES_AFTER_1000_RUNS} series after ${RUNS} runs across ${TENANTS.length} tenants`, async () => {
    const meter = await createTestMeter();
    const rand = random(42);
    const choose = <T>(items: readonly T[]) =>
      items[Math.floor(rand() * items.length)];
    let now = Date.parse('2026-01-01T00:00:00Z');
    const observability = new TenantJobsObservability({
      metrics: meter.metrics,
      clusters: ['local'],
      isKnownJobType: id => TYPES.includes(id),
      isKnownTenant: async id => TENANTS.includes(id),
      durationTargets: () => TYPES.map(id => ({ jobType: id, seconds: 3600 })),
      successObjective: 0.995,
      now: () => now,
    });

    // Watches of one cluster, through the tracked clusters.
    let jobHandler: ManagedObjectsHandler<V1Job> | undefined;
    const stats = { synced: true, lists: 1, restarts: 0, lastEventAt: now };
    const clusters = observability.trackedClusters({
      names: () => ['local'],
      get: () => ({
        name: 'local',
        watchJobs: (handler: ManagedObjectsHandler<V1Job>) => {
          jobHandler = handler;
          return { getStats: () => stats, stop: async () => {} };
        },
        watchPods: () => ({ getStats: () => stats, stop: async () => {} }),
      }),
    } as unknown as TenantClusters);
    clusters.get('local').watchJobs({ onList: () => {}, onEvent: () => {} });
    clusters.get('local').watchPods({ onList: () => {}, onEvent: () => {} });

    let pending: { before: RunRecord; after: RunRecord } | undefined;
    const runs = observedLifecycle(observability, {
      observe: async () => pending,
    } as unknown as RunStore);
    const notifications = observability.countedNotifications({
      send: async () => {},
    });
    const signals = observability.countedSignals({ publish: async () => {} });
    const k8s = observability.kubernetesObserver;

    for (let i = 0; i < RUNS; i++) {
      const runId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const user = `user:default/person-${i}`;
      const tenant = choose(TENANTS);
      const jobType = choose(TYPES);
      const priority = choose(PRIORITY_IDS);
      const roll = rand();
      // Submissions: mostly created; replays, dry runs and refusals.
      const request = { tenantId: tenant, jobType, priority };
      if (roll < 0.03) {
        // A caller making things up: none of it may become a label.
        await observability
          .submission(
            { tenantId: `${user}-${runId}`, jobType: runId, priority: user },
            async () => {
              throw new InputError(`tenantId: '${runId}' is not a tenant`);
            },
          )
          .catch(() => undefined);
        continue;
      }
      if (roll < 0.06) {
        const error = choose([
          new NotAllowedError('priority: critical is above the plan'),
          new ConflictError(
            `Tenant '${tenant}' has 100 runs waiting (tenantJobs.queue.maxQueuedPerTenant)`,
          ),
          new InputError(`tier: xlarge is above the plan of '${tenant}'`),
          new NotAllowedError(
            `You may not launch jobs for tenant '${tenant}': you are not a member of it`,
          ),
        ]);
        await observability
          .submission(request, async () => {
            throw error;
          })
          .catch(() => undefined);
        continue;
      }
      let kind: 'existing' | 'dryRun' | 'created' = 'created';
      if (roll < 0.08) kind = 'existing';
      else if (roll < 0.1) kind = 'dryRun';
      await observability.submission(request, async () => ({ kind }));
      k8s({
        cluster: 'local',
        verb: 'create',
        resource: 'jobs',
        namespace: `tenant-${tenant}`,
        durationSeconds: 0.01 + rand() * 0.05,
        status: 201,
      });
      if (kind !== 'created') continue;

      // The run's life as the tracker records it.
      const created = runRecord({
        id: runId,
        tenantId: tenant,
        jobType,
        priority,
        submittedBy: user,
        createdAt: new Date(now).toISOString(),
      });
      const started = {
        ...created,
        status: 'Running' as const,
        startedAt: new Date(now + rand() * 120_000).toISOString(),
      };
      const outcome = rand();
      let status: RunRecord['status'] = 'Succeeded';
      let reason = 'Completed';
      if (outcome >= 0.99) {
        status = 'Cancelled';
        reason = 'CancelledByUser';
      } else if (outcome >= 0.97) {
        status = 'Failed';
        reason = choose([
          'BackoffLimitExceeded',
          'OOMKilled',
          'DeadlineExceeded',
          `Weird${runId}`,
        ]);
      }
      const finished: RunRecord = {
        ...started,
        status,
        reason,
        finishedAt: new Date(now + 120_000 + rand() * 3_600_000).toISOString(),
      };
      for (const [before, after] of [
        [created, started],
        [started, finished],
      ] as const) {
        jobHandler!.onEvent('MODIFIED', {
          metadata: {
            name: created.k8sName,
            labels: { 'tenant-jobs.io/run-id': runId },
          },
        });
        now += Math.floor(rand() * 100);
        pending = { before, after };
        if (after.status === 'Cancelled') {
          // A user's cancel, not an observation.
          await runs.bus.publish({ transition: 'cancel', before, after });
        } else {
          await runs.observe(
            runId,
            observation({ status: after.status, version: i }),
          );
        }
        await signals.publish({
          recipients: { type: 'user', entityRef: `group:default/${tenant}` },
          channel: `tenant-jobs:${tenant}`,
          message: { runId },
        });
      }
      if (finished.status === 'Failed' || rand() < 0.1) {
        await notifications.send({
          recipients: { type: 'entity', entityRef: user },
          payload: {
            title: `run ${runId}`,
            topic:
              finished.status === 'Failed'
                ? 'tenant-jobs:failed'
                : 'tenant-jobs:succeeded',
          },
        });
      }
      // Reads and archive of the run.
      for (const resource of ['events', 'pods/log', 'jobs']) {
        const missing = rand() < 0.05;
        k8s({
          cluster: 'local',
          verb: resource === 'events' ? 'list' : 'get',
          resource,
          namespace: `tenant-${tenant}`,
          durationSeconds: rand() * 0.2,
          status: missing ? 404 : 200,
          errorType: missing ? '404' : undefined,
        });
      }
      if (rand() < 0.01) {
        k8s({
          cluster: 'local',
          verb: 'list',
          resource: 'jobs',
          durationSeconds: 30,
          errorType: 'timeout',
        });
      }
    }

    const text = await meter.scrape();
    const samples = parseScrape(text);
    const series = samples.length;
    const byMetric = new Map<string, number>();
    for (const sample of samples) {
      const family = sample.name.replace(/_(bucket|sum|count)$/, '');
      byMetric.set(family, (byMetric.get(family) ?? 0) + 1);
    }
    // eslint-disable-next-line no-console
    console.log(
      `${RUNS} runs across ${
        TENANTS.length
      } tenants: the exporter serves ${series} series (bound ${MAX_SERIES_AFTER_1000_RUNS})\n${[
        ...byMetric,
      ]
        .sort((a, b) => b[1] - a[1])
        .map(([name, count]) => `  ${name}: ${count}`)
        .join('\n')}`,
    );
    expect(series).toBeLessThan(MAX_SERIES_AFTER_1000_RUNS);

    // No run id, user or made-up value became a label.
    const values = new Set(samples.flatMap(s => Object.values(s.labels)));
    for (const value of values) {
      expect(value).not.toMatch(/00000000-0000|person-|Weird/);
    }
    const labelValues = (label: string) =>
      new Set(samples.map(s => s.labels[label]).filter(Boolean));
    expect([...labelValues('tenant')].sort()).toEqual(
      [...TENANTS, 'unknown'].sort(),
    );
    expect(labelValues('job_type').size).toBeLessThanOrEqual(TYPES.length + 1);
    expect(labelValues('priority').size).toBeLessThanOrEqual(
      PRIORITY_IDS.length + 1,
    );
    await meter.shutdown();
  });
});
