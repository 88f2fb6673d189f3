/*
 * `yarn bench:simulation`: the tracker's cost without a control plane.
 * A stub apiserver (scripts/bench/stubApiserver.mjs, a child process)
 * serves list+watch of synthetic Jobs and pods, with resourceVersions,
 * paged lists, bookmarks and 410 Gone; the real tracker (ClusterTracker
 * over KubernetesTenantCluster and client-node) records what it sees
 * through the real lifecycle into the real store (SQLite). Not part of
 * `make test`. Prints a table and writes artifacts/bench/simulation.json.
 *
 * Per size (BENCH_SIM_SIZES, default 10000,100000 active runs):
 *  - the first sync: list of every Job and pod, one observation per run;
 *    memory per tracked run (heap after a GC, Job and pod);
 *  - per event rate (BENCH_SIM_RATES, default 500,1000,2000 events/s, for
 *    BENCH_SIM_SECONDS, default 15): pod status changes, 10% of them
 *    completions; completion lag (the stub's Job Complete → the run
 *    recorded Succeeded) p50/p95, run writes per second, and events per
 *    CPU-second of this process (tracker, client-node and SQLite);
 *  - a 410: the stub forgets its history, the tracker lists again;
 *  - the baseline, where it applies: one list of the same Jobs and pods
 *    with client-node, as the upstream Kubernetes plugin fetches objects
 *    for each page view instead of watching.
 */
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { KubeConfig } from '@kubernetes/client-node';
import { managedLabelSelector } from '@tenant-jobs/plugin-tenant-jobs-common';
import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../database';
import { createKubernetesApis } from '../kubernetes/kubernetesApis';
import { KubernetesTenantCluster } from '../kubernetes/KubernetesTenantCluster';
import { RunBus, RunLifecycle } from '../lifecycle';
import { ClusterTracker } from '../tracking/ClusterTracker';
import { REPO_ROOT } from './__testUtils__/harness';

jest.setTimeout(3_600_000);

const SIZES = (process.env.BENCH_SIM_SIZES ?? '10000,100000')
  .split(',')
  .map(Number);
const RATES = (process.env.BENCH_SIM_RATES ?? '500,1000,2000')
  .split(',')
  .map(Number);
const SECONDS = Number(process.env.BENCH_SIM_SECONDS ?? 15);
const COMPLETE_SHARE = 0.1;
const TENANTS = 20;

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const logger = mockServices.logger.mock();

type Message = Record<string, any>;

/** The stub apiserver, with a way to wait for its next message of a kind. */
class Stub {
  readonly child: ChildProcess;
  private readonly listeners: Array<(message: Message) => void> = [];

  constructor() {
    this.child = fork(path.join(REPO_ROOT, 'scripts/bench/stubApiserver.mjs'), {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: Message) => {
      for (const listener of [...this.listeners]) listener(message);
    });
  }

  on(listener: (message: Message) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  next(key: string, command?: Message): Promise<Message> {
    return new Promise(resolve => {
      const off = this.on(message => {
        if (key in message) {
          off();
          resolve(message);
        }
      });
      if (command) this.child.send(command);
    });
  }

  stop() {
    this.child.kill();
  }
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function heapMb(): number {
  (global as any).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

type RateRow = {
  size: number;
  rate: number;
  events: number;
  eventsPerSecond: number;
  completions: number;
  lagP50Ms: number;
  lagP95Ms: number;
  drainMs: number;
  writesPerSecond: number;
  cpuPercent: number;
  eventsPerCpuSecond: number;
};

describe('tracking simulation: a stub apiserver, the real tracker and store', () => {
  const results: {
    machine: string;
    sizes: Array<Record<string, number>>;
    rates: RateRow[];
  } = {
    machine: `${os.cpus().length} vCPU ${os.cpus()[0]?.model}, ${Math.round(
      os.totalmem() / 2 ** 30,
    )} GiB, Node ${process.version}`,
    sizes: [],
    rates: [],
  };

  afterAll(() => {
    const dir = path.join(REPO_ROOT, 'artifacts/bench');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'simulation.json'),
      JSON.stringify(results, null, 2),
    );
    // eslint-disable-next-line no-console
    console.log(
      [
        `machine: ${results.machine}`,
        '',
        '| active runs | first sync (s) | heap per run (KiB) | one list of all, client-node (ms) | list size (MB) | relist after 410 (s) |',
        '| ---: | ---: | ---: | ---: | ---: | ---: |',
        ...results.sizes.map(
          s =>
            `| ${s.size} | ${s.syncSeconds.toFixed(
              1,
            )} | ${s.heapKiBPerRun.toFixed(2)} | ${s.listMs.toFixed(
              0,
            )} | ${s.listMb.toFixed(1)} | ${s.relistSeconds.toFixed(1)} |`,
        ),
        '',
        '| active runs | offered events/s | events | completions | lag p50 (ms) | lag p95 (ms) | drain (ms) | run writes/s | CPU % of one core | events per CPU-second |',
        '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...results.rates.map(
          r =>
            `| ${r.size} | ${r.rate} | ${r.events} | ${
              r.completions
            } | ${r.lagP50Ms.toFixed(0)} | ${r.lagP95Ms.toFixed(
              0,
            )} | ${r.drainMs.toFixed(0)} | ${r.writesPerSecond.toFixed(
              0,
            )} | ${r.cpuPercent.toFixed(0)} | ${r.eventsPerCpuSecond.toFixed(
              0,
            )} |`,
        ),
      ].join('\n'),
    );
  });

  it.each(SIZES)('follows %i active runs', async size => {
    const knex = await databases.init('SQLITE_3');
    const { runs, queue } = await openDatabase({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    let writes = 0;
    knex.on('query', (query: { sql: string }) => {
      if (/^update [`"]?tenant_jobs_runs/i.test(query.sql)) writes += 1;
    });
    const bus = new RunBus(logger);
    const lifecycle = new RunLifecycle({ runs, queue, bus });

    // Runs as the submit path leaves them: Running, their Job named
    const ids = Array.from({ length: size }, () => randomUUID());
    const now = new Date();
    for (let i = 0; i < ids.length; i += 500) {
      await knex('tenant_jobs_runs').insert(
        ids.slice(i, i + 500).map((id, j) => {
          const tenant = `t${(i + j) % TENANTS}`;
          return {
            id,
            tenant_id: tenant,
            job_type: 'sim',
            tier: 'micro',
            priority: 'normal',
            status: 'Running',
            request: JSON.stringify({ parameters: {} }),
            submitted_by: 'user:default/sim',
            cluster: 'sim',
            namespace: `tenant-${tenant}`,
            k8s_name: `sim-${id}`,
            k8s_uid: `job-${id}`,
            attempts: 1,
            created_at: now,
            updated_at: now,
            started_at: now,
            released_at: now,
          };
        }),
      );
    }

    const stub = new Stub();
    const { port } = await stub.next('port');
    for (let i = 0; i < ids.length; i += 10_000) {
      await stub.next('seeded', {
        cmd: 'seed',
        runs: ids
          .slice(i, i + 10_000)
          .map((runId, j) => ({ runId, tenant: `t${(i + j) % TENANTS}` })),
      });
    }

    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: 'sim',
          server: `http://127.0.0.1:${port}`,
          skipTLSVerify: true,
        },
      ],
      users: [{ name: 'sim', token: 'sim' }],
      contexts: [{ name: 'sim', cluster: 'sim', user: 'sim' }],
      currentContext: 'sim',
    });
    const apis = createKubernetesApis(kubeConfig, { cluster: 'sim' });
    const cluster = new KubernetesTenantCluster({ name: 'sim', apis, logger });
    const tracker = new ClusterTracker({ cluster, lifecycle, logger });

    const succeededAt = new Map<string, number>();
    bus.subscribe('bench', change => {
      if (change.after.status === 'Succeeded') {
        succeededAt.set(change.after.id, Date.now());
      }
    });

    // The first sync: every run observed once
    const heapBefore = heapMb();
    const syncStart = Date.now();
    tracker.start();
    const observed = async () =>
      Number(
        (
          await knex('tenant_jobs_runs')
            .whereNotNull('observed_version')
            .count({ n: '*' })
        )[0].n,
      );
    while ((await observed()) < size) {
      await sleep(250);
    }
    const syncSeconds = (Date.now() - syncStart) / 1000;
    const heapKiBPerRun = ((heapMb() - heapBefore) * 1024) / size;

    for (const rate of RATES) {
      const emitted = new Map<string, number>();
      const off = stub.on(message => {
        for (const [runId, at] of message.completed ?? [])
          emitted.set(runId, at);
      });
      const writesBefore = writes;
      const cpuBefore = process.cpuUsage();
      const started = Date.now();
      const done = await stub.next('done', {
        cmd: 'drive',
        rate,
        seconds: SECONDS,
        completeShare: COMPLETE_SHARE,
      });
      const drained = Date.now();
      while (
        [...emitted.keys()].some(id => !succeededAt.has(id)) &&
        Date.now() - drained < 120_000
      ) {
        await sleep(50);
      }
      const ended = Date.now();
      off();
      const cpu = process.cpuUsage(cpuBefore);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      const lags = [...emitted].map(
        ([id, at]) => (succeededAt.get(id) ?? NaN) - at,
      );
      expect(lags.every(Number.isFinite)).toBe(true);
      const elapsed = (ended - started) / 1000;
      results.rates.push({
        size,
        rate,
        events: done.events,
        eventsPerSecond: done.events / (done.ms / 1000),
        completions: done.completions,
        lagP50Ms: percentile(lags, 50),
        lagP95Ms: percentile(lags, 95),
        drainMs: ended - drained,
        writesPerSecond: (writes - writesBefore) / elapsed,
        cpuPercent: (100 * cpuSeconds) / elapsed,
        eventsPerCpuSecond: done.events / cpuSeconds,
      });
    }

    // A 410: the stub forgets; the tracker lists again and keeps up
    const listsBefore =
      (tracker.stats()?.jobs.lists ?? 0) + (tracker.stats()?.pods.lists ?? 0);
    const relistStart = Date.now();
    await stub.next('forgotten', { cmd: 'forget' });
    while (
      (tracker.stats()?.jobs.lists ?? 0) + (tracker.stats()?.pods.lists ?? 0) <
      listsBefore + 2
    ) {
      await sleep(100);
    }
    const relistSeconds = (Date.now() - relistStart) / 1000;

    // The baseline: one list of the same objects, as a poll would fetch them
    const listStart = Date.now();
    const labelSelector = managedLabelSelector();
    const [jobs, pods] = await Promise.all([
      apis.batch.listJobForAllNamespaces({ labelSelector }),
      apis.core.listPodForAllNamespaces({ labelSelector }),
    ]);
    const listMs = Date.now() - listStart;
    const listMb =
      (JSON.stringify(jobs.items).length + JSON.stringify(pods.items).length) /
      2 ** 20;
    expect(jobs.items.length).toBe(size);

    results.sizes.push({
      size,
      syncSeconds,
      heapKiBPerRun,
      listMs,
      listMb,
      relistSeconds,
    });
    await tracker.stop();
    stub.stop();
  });
});
