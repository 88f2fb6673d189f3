#!/usr/bin/env node
/*
 * The driver of `yarn bench:submit` (scripts/bench-submit.sh starts the
 * backend and passes its URL and a token). Submissions through the plugin's
 * submit route ("ours") against raw @kubernetes/client-node creates of the
 * same Job into the same tenant namespace ("raw"), in ABBA blocks (ours,
 * raw, raw, ours) at each client count, the Jobs of a block deleted before
 * the next. Prints a table; writes artifacts/bench/submit.json.
 *
 * The raw Job is the one the backend created for the warm-up submission,
 * as the apiserver stored it, with what the apiserver adds taken off
 * (uid, selector, controller labels, status), a new name and run id, and
 * without the managed-by label (on the Job and its pods) so that the
 * backend does not track it.
 *
 * Env: BENCH_BASE, BENCH_TOKEN (from the script), BENCH_SUBMITS (per block,
 * default 200), BENCH_CLIENTS (default 1,8), BENCH_TENANT (default
 * acme-analytics, alice's), BENCH_JOB_TYPE / BENCH_TIER (default
 * billing-report / micro), TENANT_JOBS_KUBECONFIG, BENCH_METRICS_URL (the
 * backend's Prometheus endpoint), BENCH_SINK_URL (spans, BENCH_PROFILE=1),
 * BENCH_PROFILE_SUBMITS (default 100), BENCH_FINISH_WAIT and BENCH_SETTLE_MAX
 * (see cleanup below), BENCH_CLEAR_EVENTS=1 (delete every Event of the
 * tenant's namespace first, e.g. those earlier runs left: up to an hour's
 * worth stay, and each makes the backend's archives dearer).
 */
import {
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  VersionApi,
} from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);
const env = process.env;
const BASE = `${env.BENCH_BASE ?? 'http://127.0.0.1:7027'}/api/tenant-jobs`;
const TOKEN = env.BENCH_TOKEN;
const SUBMITS = Number(env.BENCH_SUBMITS ?? 200);
const CLIENTS = (env.BENCH_CLIENTS ?? '1,8').split(',').map(Number);
const TENANT = env.BENCH_TENANT ?? 'acme-analytics';
const JOB_TYPE = env.BENCH_JOB_TYPE ?? 'billing-report';
const TIER = env.BENCH_TIER ?? 'micro';
const PROFILE_SUBMITS = Number(env.BENCH_PROFILE_SUBMITS ?? 100);
const OUT = path.join(ROOT, 'artifacts/bench/submit.json');

/** The plugin's submit route. */
const submitPath = '/runs';

if (!TOKEN) {
  console.error('BENCH_TOKEN is not set: run scripts/bench-submit.sh');
  process.exit(2);
}

const kc = new KubeConfig();
kc.loadFromFile(
  env.TENANT_JOBS_KUBECONFIG ?? path.join(ROOT, '.local/cluster/kubeconfig'),
);
const batch = kc.makeApiClient(BatchV1Api);
const core = kc.makeApiClient(CoreV1Api);

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const log = message =>
  process.stderr.write(
    `[bench:submit] ${new Date().toTimeString().slice(0, 8)} ${message}\n`,
  );

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** Runs `task` `count` times with `concurrency` workers; times each call. */
async function timed(count, concurrency, task) {
  const latencies = [];
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
    count,
    seconds,
    perSecond: count / seconds,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    latencies,
  };
}

// ---------------------------------------------------------------- ours

const body = JSON.stringify({
  tenantId: TENANT,
  jobType: JOB_TYPE,
  tier: TIER,
  parameters: JOB_TYPE === 'billing-report' ? { period: '2025-06' } : {},
});
/** Names of the Jobs this run created, ours and raw, for the cleanup. */
const created = new Set();

async function postSubmit(route) {
  return fetch(`${BASE}${route}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      'Content-Type': 'application/json',
    },
    body,
  });
}

/**
 * The apiserver's quota admission may fail a create when the namespace's
 * ResourceQuota changed under it ("the object has been modified"), on
 * either side. Such a create is tried again (up to 5 times, within the
 * timed call) and counted.
 */
const conflicts = { ours: 0, raw: 0 };
const QUOTA_CONFLICT = /resourcequotas .*the object has been modified/;

async function submitOurs() {
  for (let attempt = 1; ; attempt++) {
    const res = await postSubmit(submitPath);
    if (res.status === 201) {
      const run = await res.json();
      created.add(run.jobName);
      return run;
    }
    const text = await res.text();
    if (res.status === 409 && QUOTA_CONFLICT.test(text) && attempt < 5) {
      conflicts.ours++;
      continue;
    }
    throw new Error(`POST ${submitPath}: ${res.status} ${text}`);
  }
}

/** The first submission, whose Job is the template of raw creates. */
async function firstSubmit() {
  const res = await postSubmit(submitPath);
  if (res.status !== 201) {
    throw new Error(`POST ${submitPath}: ${res.status} ${await res.text()}`);
  }
  const run = await res.json();
  created.add(run.jobName);
  return run;
}

// ---------------------------------------------------------------- raw

const CONTROLLER_LABELS = [
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-name',
  'controller-uid',
  'job-name',
];

/** The Job the backend created, as a template for raw creates. */
async function rawTemplate(namespace, name) {
  const job = await batch.readNamespacedJob({ name, namespace });
  const labels = { ...job.metadata.labels };
  delete labels['app.kubernetes.io/managed-by'];
  const templateLabels = { ...job.spec.template.metadata?.labels };
  for (const label of CONTROLLER_LABELS) delete templateLabels[label];
  // Its pods neither: the backend watches pods by this label too. (The
  // tenant's NetworkPolicy selects every pod of the namespace, so they are
  // confined all the same.)
  delete templateLabels['app.kubernetes.io/managed-by'];
  const spec = {
    ...job.spec,
    template: {
      ...job.spec.template,
      metadata: { ...job.spec.template.metadata, labels: templateLabels },
    },
  };
  delete spec.selector;
  delete spec.suspend;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      namespace,
      labels,
      annotations: job.metadata.annotations,
    },
    spec,
  };
}

function suffix() {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(5)].map(b => alphabet[b % alphabet.length]).join('');
}

let template;
let templateName;
async function createRaw() {
  const runId = randomUUID();
  const name = `${templateName.slice(0, -5)}${suffix()}`;
  const labels = {
    ...template.metadata.labels,
    'tenant-jobs.io/run-id': runId,
  };
  const job = {
    ...template,
    metadata: { ...template.metadata, name, labels },
    spec: {
      ...template.spec,
      template: {
        ...template.spec.template,
        metadata: {
          ...template.spec.template.metadata,
          labels: {
            ...template.spec.template.metadata.labels,
            'tenant-jobs.io/run-id': runId,
          },
        },
      },
    },
  };
  created.add(name);
  for (let attempt = 1; ; attempt++) {
    try {
      await batch.createNamespacedJob({
        namespace: template.metadata.namespace,
        body: job,
      });
      return;
    } catch (error) {
      if (
        error.code === 409 &&
        QUOTA_CONFLICT.test(`${error.message} ${JSON.stringify(error.body)}`) &&
        attempt < 5
      ) {
        conflicts.raw++;
        continue;
      }
      throw error;
    }
  }
}

// ---------------------------------------------------------------- cleanup

const finished = job =>
  (job.status?.conditions ?? []).some(
    c => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );

async function benchJobs(namespace) {
  const list = await batch.listNamespacedJob({ namespace });
  return list.items.filter(job => created.has(job.metadata.name));
}

/** Runs `task` over `items` with 8 at a time. */
async function eachOf(items, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

const ignoreNotFound = error => {
  if (error.code !== 404) throw error;
};

/** Whether an event is about a Job of this run or one of its pods. */
function isBenchEvent(event) {
  const name = event.involvedObject?.name ?? '';
  return created.has(name) || created.has(name.replace(/-[a-z0-9]{5}$/, ''));
}

/** CPU seconds the backend used in `ms`. */
async function backendCpuOver(ms) {
  const before = cpuSeconds(env.BENCH_BACKEND_PID);
  await sleep(ms);
  return before === undefined ? 0 : cpuSeconds(env.BENCH_BACKEND_PID) - before;
}

/**
 * Between blocks: waits for the Jobs of this run to finish (so the backend
 * has tracked its runs; at most BENCH_FINISH_WAIT seconds, default 20),
 * deletes them, waits for them and their pods to go, deletes their Events
 * (the backend's archive of a finished run lists the Events of its Job and
 * pods, which costs the apiserver more the more Events the namespace
 * holds), and waits for the backend to settle (below 5% of a CPU over 2 s,
 * at most BENCH_SETTLE_MAX seconds, default 60): its archives of the
 * block's runs would otherwise load the next block.
 */
async function cleanup(namespace) {
  const t0 = performance.now();
  const at = () => ((performance.now() - t0) / 1000).toFixed(1);
  const steps = [];
  for (let i = 0; i < Number(env.BENCH_FINISH_WAIT ?? 20); i++) {
    const jobs = await benchJobs(namespace);
    if (jobs.every(finished)) break;
    await sleep(1000);
  }
  steps.push(`finished ${at()}s`);
  const jobs = await benchJobs(namespace);
  await eachOf(jobs, job =>
    batch
      .deleteNamespacedJob({
        name: job.metadata.name,
        namespace,
        propagationPolicy: 'Background',
      })
      .catch(ignoreNotFound),
  );
  for (let i = 0; i < 120; i++) {
    const [left, pods] = await Promise.all([
      benchJobs(namespace),
      core.listNamespacedPod({ namespace }),
    ]);
    const ours = pods.items.filter(pod =>
      created.has(pod.metadata.labels?.['batch.kubernetes.io/job-name']),
    );
    if (left.length === 0 && ours.length === 0) break;
    await sleep(1000);
  }
  steps.push(`gone ${at()}s`);
  const events = (await core.listNamespacedEvent({ namespace })).items.filter(
    isBenchEvent,
  );
  await eachOf(events, event =>
    core
      .deleteNamespacedEvent({ name: event.metadata.name, namespace })
      .catch(ignoreNotFound),
  );
  steps.push(`${events.length} events deleted ${at()}s`);
  const settleMax = Number(env.BENCH_SETTLE_MAX ?? 60) * 1000;
  while (performance.now() - t0 < settleMax) {
    if ((await backendCpuOver(2000)) < 0.1) break;
  }
  steps.push(`backend settled ${at()}s`);
  log(`cleanup of ${jobs.length} Jobs: ${steps.join(', ')}`);
  return (performance.now() - t0) / 1000;
}

// ---------------------------------------------------------------- metrics

/** Sum and count of the backend's histograms, by series. */
async function scrape() {
  if (!env.BENCH_METRICS_URL) return undefined;
  try {
    const text = await (await fetch(env.BENCH_METRICS_URL)).text();
    const series = new Map();
    for (const line of text.split('\n')) {
      const match =
        /^([a-zA-Z_:][\w:]*)_(sum|count)(\{[^}]*\})? ([\d.eE+-]+)$/.exec(line);
      if (!match) continue;
      const key = `${match[1]}${match[3] ?? ''}`;
      const entry = series.get(key) ?? { sum: 0, count: 0 };
      entry[match[2]] = Number(match[4]);
      series.set(key, entry);
    }
    return series;
  } catch {
    return undefined;
  }
}

/** Mean milliseconds per observation of the histograms that moved. */
function histogramDelta(before, after) {
  if (!before || !after) return {};
  const out = {};
  for (const [key, { sum, count }] of after) {
    const was = before.get(key) ?? { sum: 0, count: 0 };
    const n = count - was.count;
    if (n <= 0) continue;
    // Every histogram of the backend is in seconds (OpenTelemetry's unit).
    out[key] = {
      count: n,
      meanMs: Number((((sum - was.sum) / n) * 1000).toFixed(2)),
    };
  }
  return out;
}

/** The local cluster's processes (apiserver, etcd, controllers, KWOK). */
function clusterPids() {
  const marker = path.join(ROOT, '.local/cluster/');
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker))
        pids.push(entry);
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** CPU seconds used so far by the backend, the cluster and this driver. */
function cpuNow(cluster) {
  const own = process.cpuUsage();
  return {
    backend: cpuSeconds(env.BENCH_BACKEND_PID) ?? NaN,
    cluster: cluster.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0),
    driver: (own.user + own.system) / 1e6,
  };
}

function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- profile

async function profile(namespace) {
  const sink = env.BENCH_SINK_URL;
  await fetch(`${sink}/reset`, { method: 'POST' });
  const result = await timed(PROFILE_SUBMITS, 1, submitOurs);
  await sleep(2000); // the batch span processor exports every 500 ms
  const summary = await (
    await fetch(`${sink}/summary?route=${submitPath}`)
  ).json();
  await cleanup(namespace);
  return {
    submits: PROFILE_SUBMITS,
    p50: result.p50,
    perSecond: result.perSecond,
    ...summary,
  };
}

// ---------------------------------------------------------------- main

const ms = value => `${value.toFixed(1)} ms`;

async function main() {
  const machine = {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    kubernetes: (
      await kc
        .makeApiClient(VersionApi)
        .getCode()
        .catch(() => undefined)
    )?.gitVersion,
    os: `${os.type()} ${os.release()}`,
  };
  try {
    machine.nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    // os.availableParallelism() stands
  }
  machine.loadAverage1mAtStart = Number(os.loadavg()[0].toFixed(2));
  if (machine.loadAverage1mAtStart > machine.nproc / 2) {
    log(
      `the machine is busy (load ${machine.loadAverage1mAtStart} on ${machine.nproc} CPUs): the figures will be noisy`,
    );
  }
  const first = await firstSubmit();
  const namespace = first.namespace;
  const events = (await core.listNamespacedEvent({ namespace })).items;
  machine.namespaceEventsAtStart = events.length;
  if (env.BENCH_CLEAR_EVENTS === '1') {
    await eachOf(events, event =>
      core
        .deleteNamespacedEvent({ name: event.metadata.name, namespace })
        .catch(ignoreNotFound),
    );
    log(
      `deleted the ${events.length} Events of ${namespace} (BENCH_CLEAR_EVENTS=1)`,
    );
  } else if (events.length > 2000) {
    log(
      `${namespace} holds ${events.length} Events (earlier runs?): the backend's archives list them, so its figures suffer; BENCH_CLEAR_EVENTS=1 deletes them first`,
    );
  }
  templateName = first.jobName;
  template = await rawTemplate(namespace, first.jobName);
  log(
    `submit route: POST /api/tenant-jobs${submitPath}; tenant ${TENANT} in ${namespace}; ${SUBMITS} per block, clients ${CLIENTS.join(
      ',',
    )}`,
  );

  // Warm-up of both sides (connections, caches, JIT), then a clean slate.
  await timed(20, 4, submitOurs);
  await timed(20, 4, createRaw);
  await cleanup(namespace);

  const blocks = [];
  const rows = [];
  for (const clients of CLIENTS) {
    const sides = { ours: [], raw: [] };
    for (const side of ['ours', 'raw', 'raw', 'ours']) {
      const before = await scrape();
      const cluster = clusterPids();
      const cpu0 = cpuNow(cluster);
      const conflicted = conflicts[side];
      const result = await timed(
        SUBMITS,
        clients,
        side === 'ours' ? submitOurs : createRaw,
      );
      const cpu1 = cpuNow(cluster);
      const after = await scrape();
      const tail0 = cpuSeconds(env.BENCH_BACKEND_PID);
      const cleanupSeconds = await cleanup(namespace);
      // What the backend still did for the block's runs after it (tracking
      // them to the end, archiving them), until it settled.
      const tailCpu =
        (cpuSeconds(env.BENCH_BACKEND_PID) ?? NaN) - (tail0 ?? NaN);
      const { latencies, ...figures } = result;
      sides[side].push(result);
      const block = {
        clients,
        side,
        ...figures,
        loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
        // CPU used during the block, per submission: the backend (all its
        // threads), the cluster's processes, and this driver.
        cpuMsPerSubmit: Object.fromEntries(
          Object.keys(cpu0).map(key => [
            key,
            Number((((cpu1[key] - cpu0[key]) / SUBMITS) * 1000).toFixed(2)),
          ]),
        ),
        backendCpuMsPerSubmitAfterBlock: Number(
          ((tailCpu / SUBMITS) * 1000).toFixed(2),
        ),
        quotaConflictsRetried: conflicts[side] - conflicted,
        cleanupSeconds: Number(cleanupSeconds.toFixed(1)),
        histograms: side === 'ours' ? histogramDelta(before, after) : undefined,
      };
      blocks.push(block);
      const cpu = block.cpuMsPerSubmit;
      log(
        `${clients} client(s), ${side}: ${figures.perSecond.toFixed(
          1,
        )}/s, p50 ${ms(figures.p50)}, p95 ${ms(
          figures.p95,
        )}; CPU per submission: backend ${cpu.backend} ms (+${
          block.backendCpuMsPerSubmitAfterBlock
        } ms after the block), cluster ${cpu.cluster} ms, driver ${
          cpu.driver
        } ms; load ${block.loadAverage1m}`,
      );
    }
    const summarize = (list, side) => {
      const all = list.flatMap(r => r.latencies);
      const mine = blocks.filter(b => b.clients === clients && b.side === side);
      const mean = pick =>
        mine.reduce((sum, b) => sum + pick(b), 0) / mine.length;
      const cpu = key => mean(b => b.cpuMsPerSubmit[key]);
      return {
        perSecond: list.reduce((sum, r) => sum + r.perSecond, 0) / list.length,
        p50: percentile(all, 0.5),
        p95: percentile(all, 0.95),
        cpuMsPerSubmit: {
          backend: cpu('backend'),
          backendAfter: mean(b => b.backendCpuMsPerSubmitAfterBlock),
          cluster: cpu('cluster'),
          driver: cpu('driver'),
        },
      };
    };
    const ours = summarize(sides.ours, 'ours');
    const raw = summarize(sides.raw, 'raw');
    rows.push({ clients, ours, raw, ratio: ours.perSecond / raw.perSecond });
  }

  const result = {
    date: new Date().toISOString(),
    command: 'yarn bench:submit',
    setup: env.BENCH_SETUP,
    submitRoute: `POST /api/tenant-jobs${submitPath}`,
    tenant: TENANT,
    namespace,
    jobType: JOB_TYPE,
    tier: TIER,
    submitsPerBlock: SUBMITS,
    machine,
    rows,
    blocks,
  };
  if (env.BENCH_SINK_URL) {
    result.profile = await profile(namespace);
  }
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);

  const lines = [
    `Machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${
      machine.memoryGiB
    } GiB, Node ${machine.node}, Kubernetes ${
      machine.kubernetes
    }; load average (1 min) ${
      machine.loadAverage1mAtStart
    } at the start, ${Math.min(...blocks.map(b => b.loadAverage1m))}-${Math.max(
      ...blocks.map(b => b.loadAverage1m),
    )} after the blocks`,
    `Setup: ${env.BENCH_SETUP ?? ''}`,
    `ours = POST /api/tenant-jobs${submitPath} (${JOB_TYPE}, ${TIER}, tenant ${TENANT}); raw = client-node createNamespacedJob of the same Job in ${namespace}; ${SUBMITS} per block, ABBA`,
    '',
    '| clients | ours | raw client-node | ratio ours/raw |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      r =>
        `| ${r.clients} | ${r.ours.perSecond.toFixed(1)}/s (p50 ${ms(
          r.ours.p50,
        )}, p95 ${ms(r.ours.p95)}) | ${r.raw.perSecond.toFixed(1)}/s (p50 ${ms(
          r.raw.p50,
        )}, p95 ${ms(r.raw.p95)}) | ${r.ratio.toFixed(2)} |`,
    ),
  ];
  lines.push(
    '',
    'CPU per submission, ms (backend: all its threads, during the block and after it until it settled; cluster: apiserver, etcd, controllers, scheduler, KWOK during the block):',
    '',
    '| clients | side | backend | backend after | cluster | driver |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.flatMap(r =>
      ['ours', 'raw'].map(side => {
        const c = r[side].cpuMsPerSubmit;
        return `| ${r.clients} | ${side} | ${c.backend.toFixed(
          1,
        )} | ${c.backendAfter.toFixed(1)} | ${c.cluster.toFixed(
          1,
        )} | ${c.driver.toFixed(1)} |`;
      }),
    ),
  );
  if (result.profile) {
    const p = result.profile;
    lines.push(
      '',
      `Where one submission's time goes (${
        p.submits
      } sequential submits with spans exported; p50 ${ms(
        p.p50,
      )} at the client):`,
      '',
      '| span | count per submit | mean | p50 |',
      '| --- | --- | --- | --- |',
      ...p.spans.map(
        s =>
          `| ${s.name} | ${s.perSubmit.toFixed(2)} | ${ms(s.mean)} | ${ms(
            s.p50,
          )} |`,
      ),
    );
  }
  process.stdout.write(
    `\n${lines.join('\n')}\n\nWritten: ${path.relative(ROOT, OUT)}\n`,
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
