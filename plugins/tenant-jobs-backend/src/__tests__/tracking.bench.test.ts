/*
 * `yarn bench:tracking`: figures of the tracking backend against the local
 * cluster, each beside a baseline measured in the same run. Not part of
 * `make test`. Prints a table and writes artifacts/bench/tracking.json.
 *
 *  1. Submissions per second through our API vs raw client-node creates of
 *     the same manifests (one at a time, and 8 concurrent clients).
 *  2. Tracking lag (a Job's Complete condition seen by a watch of our own
 *     -> the run recorded Succeeded) with N runs active at once.
 *  3. `GET /runs` first page with 10k and 100k runs in the database, on
 *     SQLite and PostgreSQL, and the process RSS as runs grow.
 *
 * Sizes: BENCH_SUBMITS (per block, default 100), BENCH_ACTIVE (default
 * 1000), BENCH_LIST_SIZES (default 10000,100000).
 */
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { BatchV1Api, V1Job, Watch } from '@kubernetes/client-node';
import { buildJob, buildRunName } from '@tenant-jobs/plugin-tenant-jobs-common';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  adminKubeConfig,
  namespaceOf,
  REPO_ROOT,
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  waitFor,
  testJobType,
} from './__testUtils__/harness';

jest.setTimeout(3_600_000);

const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 100);
const ACTIVE = Number(process.env.BENCH_ACTIVE ?? 1000);
const LIST_SIZES = (process.env.BENCH_LIST_SIZES ?? '10000,100000')
  .split(',')
  .map(Number);
const PG_ID = `POSTGRES_${
  process.env.TENANT_JOBS_TEST_PG_MAJOR ?? '15'
}` as TestDatabaseId;

const TYPES = [
  testJobType('bench-quick', {
    simulate: 'duration=1s',
    defaultDeadlineSeconds: 3600,
  }),
  testJobType('bench-run', {
    // Still running when the last unschedulable run has been submitted.
    simulate: `duration=${Math.max(60, Math.ceil(ACTIVE / 80) + 30)}s`,
  }),
  testJobType('bench-nowhere', {
    nodeSelector: { 'tenant-jobs.io/node-class': 'nowhere' },
  }),
];

// Room for every benchmark pod: 100m and 128Mi each (micro tier).
const PLANS = {
  gold: {
    maxConcurrentJobs: 100_000,
    quota: {
      cpu: String(Math.ceil((ACTIVE + 2 * SUBMITS) * 0.1) + 50),
      memory: `${Math.ceil((ACTIVE + 2 * SUBMITS) / 8) + 64}Gi`,
      pods: ACTIVE + 4 * SUBMITS + 100,
      jobs: 100_000,
    },
  },
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Runs `task` `count` times with `concurrency` workers; times each call. */
async function timed(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<{ perSecond: number; p50: number; p95: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    perSecond: count / seconds,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
  };
}

type Row = Record<string, string | number>;
const results: Record<string, unknown> = {
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  },
};
const table: Row[] = [];

function report(row: Row) {
  table.push(row);
  process.stdout.write(
    `${Object.entries(row)
      .map(([k, v]) => `${k}=${v}`)
      .join('  ')}\n`,
  );
}

describe('tracking benchmark', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', PG_ID] });

  afterAll(() => {
    const dir = path.join(REPO_ROOT, 'artifacts/bench');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'tracking.json'),
      `${JSON.stringify({ ...results, table }, null, 2)}\n`,
    );
    const keys = [...new Set(table.flatMap(row => Object.keys(row)))];
    const lines = [
      `| ${keys.join(' | ')} |`,
      `| ${keys.map(() => '---').join(' | ')} |`,
      ...table.map(row => `| ${keys.map(k => row[k] ?? '').join(' | ')} |`),
    ];
    process.stdout.write(
      `\nMachine: ${JSON.stringify(results.machine)}\n${lines.join('\n')}\n`,
    );
  });

  describe('on the local cluster (SQLite)', () => {
    let env: TenantJobsTestEnv;
    let base: string;
    let token: string;
    const batch = adminKubeConfig().makeApiClient(BatchV1Api);

    beforeAll(async () => {
      env = await startTenantJobsTestBackend({
        databases,
        jobTypes: TYPES,
        plans: PLANS,
        config: { ttlSecondsAfterFinished: 30 },
      });
      base = `${env.url}/api/tenant-jobs`;
      token = env.as('alice');
    });

    afterAll(async () => {
      await env?.stop();
    });

    async function submitOurs(jobType: string): Promise<string> {
      const res = await fetch(`${base}/runs`, {
        method: 'POST',
        headers: { Authorization: token, 'Content-Type': 'application/json' },
        body: JSON.stringify({ tenantId: env.org.tenants.a, jobType }),
      });
      if (res.status !== 201) {
        throw new Error(`submit: ${res.status} ${await res.text()}`);
      }
      return ((await res.json()) as { id: string }).id;
    }

    /** The same manifest our API builds, created directly with client-node. */
    async function createRaw(): Promise<void> {
      const tenantId = env.org.tenants.a;
      const runId = randomUUID();
      const job: V1Job = buildJob(
        { tenantId, jobType: 'bench-quick', parameters: {} },
        {
          jobType: TYPES[0],
          namespace: namespaceOf(tenantId),
          runId,
          jobName: buildRunName(
            'bench-quick',
            tenantId,
            new Date(),
            runId.slice(0, 5),
          ),
          tier: 'micro',
          priority: 'normal',
          ttlSecondsAfterFinished: 30,
        },
      );
      // Not ours to track: the same object without the managed-by label.
      delete job.metadata!.labels!['app.kubernetes.io/managed-by'];
      await batch.createNamespacedJob({
        namespace: job.metadata!.namespace!,
        body: job,
      });
    }

    it('submits as fast as raw client-node creates', async () => {
      await submitOurs('bench-quick'); // provisions the tenant, warms up
      await createRaw();
      for (const concurrency of [1, 8]) {
        const ours: Array<Awaited<ReturnType<typeof timed>>> = [];
        const raw: Array<Awaited<ReturnType<typeof timed>>> = [];
        // ABBA blocks, so drift on a noisy machine hits both sides alike.
        for (const side of ['ours', 'raw', 'raw', 'ours']) {
          if (side === 'ours') {
            ours.push(
              await timed(SUBMITS, concurrency, async () => {
                await submitOurs('bench-quick');
              }),
            );
          } else {
            raw.push(await timed(SUBMITS, concurrency, createRaw));
          }
        }
        const mean = (list: typeof ours, key: 'perSecond' | 'p50') =>
          list.reduce((sum, r) => sum + r[key], 0) / list.length;
        expect(ours).toHaveLength(2);
        report({
          figure: `submit, ${concurrency} client(s)`,
          ours: `${mean(ours, 'perSecond').toFixed(1)}/s (p50 ${ms(
            mean(ours, 'p50'),
          )})`,
          baseline: `raw client-node ${mean(raw, 'perSecond').toFixed(
            1,
          )}/s (p50 ${ms(mean(raw, 'p50'))})`,
          ratio: (mean(ours, 'perSecond') / mean(raw, 'perSecond')).toFixed(2),
        });
      }
    });

    it(`records completions quickly with ${ACTIVE} runs active`, async () => {
      const running = Math.min(Math.floor(ACTIVE * 0.4), 500);
      const pending = ACTIVE - running;
      const seen = new Map<string, number>();
      const watch = await new Watch(adminKubeConfig()).watch(
        '/apis/batch/v1/jobs',
        { labelSelector: 'tenant-jobs.io/type=bench-run' },
        (_type, job: V1Job) => {
          const runId = job.metadata?.labels?.['tenant-jobs.io/run-id'];
          // The first sign of success: SuccessCriteriaMet comes before
          // Complete (pods still terminating), and the tracker records
          // Succeeded from either.
          const complete = job.status?.conditions?.some(
            c =>
              (c.type === 'Complete' || c.type === 'SuccessCriteriaMet') &&
              c.status === 'True',
          );
          if (runId && complete && !seen.has(runId))
            seen.set(runId, Date.now());
        },
        () => undefined,
      );
      try {
        // The running ones first: the Job controller creates pods in the
        // order it sees Jobs.
        const runIds: string[] = [];
        await timed(running, 8, async () => {
          runIds.push(await submitOurs('bench-run'));
        });
        const nowhere: string[] = [];
        await timed(pending, 8, async () => {
          nowhere.push(await submitOurs('bench-nowhere'));
        });
        const rssBefore = process.memoryUsage().rss;
        await waitFor(
          'the running benchmark runs to succeed',
          async () => {
            const [{ n }] = await env
              .knex('tenant_jobs_runs')
              .whereIn('id', runIds)
              .where({ status: 'Succeeded' })
              .count({ n: '*' });
            return Number(n) === runIds.length ? true : undefined;
          },
          600_000,
        );
        const rows: Array<{ id: string; updated_at: Date | number | string }> =
          [];
        for (let i = 0; i < runIds.length; i += 500) {
          rows.push(
            ...(await env
              .knex('tenant_jobs_runs')
              .select('id', 'updated_at')
              .whereIn('id', runIds.slice(i, i + 500))),
          );
        }
        const lags = rows
          .filter(row => seen.has(row.id))
          .map(row => new Date(row.updated_at).getTime() - seen.get(row.id)!);
        expect(lags.length).toBeGreaterThan(runIds.length * 0.9);
        report({
          figure: `tracking lag, ${ACTIVE} active (${running} running, ${pending} unschedulable)`,
          ours: `p50 ${ms(percentile(lags, 0.5))}, p95 ${ms(
            percentile(lags, 0.95),
          )} (n=${lags.length})`,
          baseline:
            'success condition seen by a separate watch in the same process',
          ratio: '',
        });
        results.trackingRssMiB = Math.round(
          Math.max(rssBefore, process.memoryUsage().rss) / 2 ** 20,
        );
        await timed(nowhere.length, 8, async i => {
          await fetch(`${base}/runs/${nowhere[i]}/cancel`, {
            method: 'POST',
            headers: { Authorization: token },
          });
        });
      } finally {
        watch.abort();
      }
    });
  });

  describe.each([
    ['SQLite', 'SQLITE_3' as TestDatabaseId],
    ['PostgreSQL', PG_ID],
  ])('GET /runs first page on %s', (label, databaseId) => {
    let env: TenantJobsTestEnv;

    beforeAll(async () => {
      env = await startTenantJobsTestBackend({
        databases,
        databaseId,
        config: { tracking: { reconcileIntervalSeconds: 3600 } },
      });
    });

    afterAll(async () => {
      await env?.stop();
    });

    it('answers in milliseconds as runs grow', async () => {
      const tenants = Object.values(env.org.tenants);
      let inserted = 0;
      const rss0 = process.memoryUsage().rss;
      for (const size of LIST_SIZES) {
        const rows = [];
        const t0 = Date.now() - size * 1000;
        for (; inserted < size; inserted++) {
          const tenantId = tenants[inserted % tenants.length];
          const finished = new Date(t0 + inserted * 1000);
          rows.push({
            id: randomUUID(),
            tenant_id: tenantId,
            job_type: 'data-etl',
            tier: 'small',
            priority: 'normal',
            status: inserted % 10 === 0 ? 'Failed' : 'Succeeded',
            reason: 'Completed',
            message: 'Finished successfully after 1 attempt',
            request: JSON.stringify({
              tenantId,
              jobType: 'data-etl',
              parameters: {},
            }),
            submitted_by: 'user:default/alice',
            cluster: 'local',
            namespace: namespaceOf(tenantId),
            k8s_name: `bench-${inserted}`,
            attempts: 1,
            created_at: new Date(finished.getTime() - 5000),
            updated_at: finished,
            started_at: new Date(finished.getTime() - 4000),
            finished_at: finished,
          });
        }
        await env.knex.batchInsert('tenant_jobs_runs', rows, 500);
        const url = `${env.url}/api/tenant-jobs/runs?limit=50`;
        const headers = { Authorization: env.as('alice') };
        const once = async () => {
          const res = await fetch(url, { headers });
          const body = (await res.json()) as { items: unknown[] };
          if (res.status !== 200 || body.items.length !== 50) {
            throw new Error(`GET /runs: ${res.status}`);
          }
        };
        await timed(5, 1, once); // warm up
        const result = await timed(100, 1, once);
        expect(result.p50).toBeGreaterThan(0);
        const rss = process.memoryUsage().rss;
        report({
          figure: `GET /runs first page, ${size.toLocaleString(
            'en',
          )} runs, ${label}`,
          ours: `p50 ${ms(result.p50)}, p95 ${ms(result.p95)}`,
          baseline: `process RSS ${Math.round(
            rss / 2 ** 20,
          )} MiB (+${Math.round((rss - rss0) / 2 ** 20)} MiB since 0 runs)`,
          ratio: '',
        });
      }
    });
  });
});
