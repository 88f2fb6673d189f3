// A stub Kubernetes apiserver for the tracking simulation
// (trackingSimulation.bench.test.ts): list and watch of Jobs and Pods
// across namespaces, as the tracker calls them, with resourceVersions,
// paged lists (limit/continue), bookmarks, and 410 Gone for a watch from
// a version older than the history it keeps. It holds synthetic Jobs and
// pods and changes them at a set rate. Run as a child process; the parent
// drives it over IPC:
//
//   { cmd: 'seed', runs: [{ runId, tenant }] }      a Running Job and pod each
//   { cmd: 'drive', rate, seconds, completeShare }  events per second: pod
//        status changes, and the given share of completions (pod Succeeded
//        then Job Complete); replies { done, events, completions } and sends
//        { completed: [[runId, at], ...] } as it goes
//   { cmd: 'forget' }                                drop the event history:
//        the next watch from an older version gets 410 Gone
//
// Not a general apiserver: only what the tracker's list+watch needs.
import http from 'node:http';

const HISTORY_LIMIT = 500_000;
const BOOKMARK_MS = 1000;

let version = 1;
const objects = { jobs: new Map(), pods: new Map() };
/** Every change, oldest first, while within HISTORY_LIMIT. */
let history = [];
let oldest = 1;
const watchers = new Set();
const requests = { list: 0, watch: 0, gone: 0, other: 0 };

function stamp(object) {
  version += 1;
  object.metadata.resourceVersion = String(version);
  return object;
}

function record(kind, type, object) {
  history.push({ version, kind, type, object });
  if (history.length > HISTORY_LIMIT) {
    history = history.slice(history.length - HISTORY_LIMIT / 2);
    oldest = history[0].version;
  }
  const line = `${JSON.stringify({ type, object })}\n`;
  for (const watcher of watchers) {
    if (watcher.kind === kind) watcher.res.write(line);
  }
}

function labelsOf(runId, tenant) {
  return {
    'app.kubernetes.io/managed-by': 'tenant-jobs',
    'tenant-jobs.io/tenant': tenant,
    'tenant-jobs.io/type': 'sim',
    'tenant-jobs.io/priority': 'normal',
    'tenant-jobs.io/run-id': runId,
  };
}

function jobOf(runId, tenant, now) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: `sim-${runId}`,
      namespace: `tenant-${tenant}`,
      uid: `job-${runId}`,
      labels: labelsOf(runId, tenant),
      creationTimestamp: now,
    },
    spec: { backoffLimit: 0, completions: 1, parallelism: 1 },
    status: { active: 1, startTime: now },
  };
}

function podOf(runId, tenant, now) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `sim-${runId}-0`,
      namespace: `tenant-${tenant}`,
      uid: `pod-${runId}`,
      labels: {
        ...labelsOf(runId, tenant),
        'batch.kubernetes.io/controller-uid': `job-${runId}`,
        'job-name': `sim-${runId}`,
      },
      creationTimestamp: now,
    },
    spec: {
      nodeName: 'sim-node',
      containers: [
        { name: 'job', image: 'sim', resources: { requests: { cpu: '100m' } } },
      ],
    },
    status: {
      phase: 'Running',
      startTime: now,
      containerStatuses: [
        {
          name: 'job',
          ready: true,
          restartCount: 0,
          image: 'sim',
          imageID: 'sim',
          state: { running: { startedAt: now } },
        },
      ],
    },
  };
}

const keyOf = object => `${object.metadata.namespace}/${object.metadata.name}`;

function put(kind, object, type) {
  stamp(object);
  objects[kind].set(keyOf(object), object);
  record(kind, type, object);
}

/** Active runs: runId → { job, pod }. */
const active = new Map();

function seed(runs) {
  const now = new Date().toISOString();
  for (const { runId, tenant } of runs) {
    const job = jobOf(runId, tenant, now);
    const pod = podOf(runId, tenant, now);
    put('jobs', job, 'ADDED');
    put('pods', pod, 'ADDED');
    active.set(runId, { job, pod });
  }
}

function touch(entry) {
  const pod = structuredClone(entry.pod);
  pod.status.containerStatuses[0].restartCount += 1;
  entry.pod = pod;
  put('pods', pod, 'MODIFIED');
}

function complete(runId, entry) {
  const now = new Date().toISOString();
  const pod = structuredClone(entry.pod);
  pod.status.phase = 'Succeeded';
  pod.status.containerStatuses[0].state = {
    terminated: {
      exitCode: 0,
      reason: 'Completed',
      startedAt: pod.status.startTime,
      finishedAt: now,
    },
  };
  put('pods', pod, 'MODIFIED');
  const job = structuredClone(entry.job);
  job.status = {
    ...job.status,
    active: 0,
    succeeded: 1,
    completionTime: now,
    conditions: [
      { type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: now },
      { type: 'Complete', status: 'True', lastTransitionTime: now },
    ],
  };
  put('jobs', job, 'MODIFIED');
  active.delete(runId);
}

function drive({ rate, seconds, completeShare }) {
  const tickMs = 10;
  const perTick = rate / (1000 / tickMs);
  const ids = [...active.keys()];
  let next = 0;
  let carry = 0;
  let events = 0;
  let completions = 0;
  let completed = [];
  const started = Date.now();
  const timer = setInterval(() => {
    carry += perTick;
    while (carry >= 1 && active.size > 0) {
      carry -= 1;
      const runId = ids[next++ % ids.length];
      const entry = active.get(runId);
      if (!entry) continue;
      // completeShare of the events end a run (two events each)
      if (Math.random() < completeShare / 2) {
        complete(runId, entry);
        completed.push([runId, Date.now()]);
        completions += 1;
        events += 2;
        carry -= 1;
      } else {
        touch(entry);
        events += 1;
      }
    }
    if (completed.length >= 200) {
      process.send({ completed });
      completed = [];
    }
    if (Date.now() - started >= seconds * 1000 || active.size === 0) {
      clearInterval(timer);
      process.send({ completed });
      process.send({
        done: true,
        events,
        completions,
        ms: Date.now() - started,
      });
    }
  }, tickMs);
}

function listOf(kind, url) {
  const limit = Number(url.searchParams.get('limit') ?? 0) || Infinity;
  const start = Number(url.searchParams.get('continue') || 0);
  const all = [...objects[kind].values()];
  const items = all.slice(start, start + limit);
  const more = start + items.length < all.length;
  return {
    apiVersion: kind === 'jobs' ? 'batch/v1' : 'v1',
    kind: kind === 'jobs' ? 'JobList' : 'PodList',
    metadata: {
      resourceVersion: String(version),
      ...(more && { continue: String(start + items.length) }),
    },
    items,
  };
}

function watch(kind, url, res) {
  const from = Number(url.searchParams.get('resourceVersion') ?? version);
  res.writeHead(200, { 'Content-Type': 'application/json' });
  // Events after `from` are needed; those before `oldest` are gone
  if (from + 1 < oldest) {
    requests.gone += 1;
    const status = {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
      message: `too old resource version: ${from} (${oldest})`,
    };
    res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
    return;
  }
  for (const entry of history) {
    if (entry.version > from && entry.kind === kind) {
      res.write(
        `${JSON.stringify({ type: entry.type, object: entry.object })}\n`,
      );
    }
  }
  const watcher = { kind, res };
  watchers.add(watcher);
  const bookmark = setInterval(() => {
    res.write(
      `${JSON.stringify({
        type: 'BOOKMARK',
        object: {
          kind: kind === 'jobs' ? 'Job' : 'Pod',
          apiVersion: kind === 'jobs' ? 'batch/v1' : 'v1',
          metadata: { resourceVersion: String(version) },
        },
      })}\n`,
    );
  }, BOOKMARK_MS);
  const timeout = Number(url.searchParams.get('timeoutSeconds') ?? 300);
  const end = setTimeout(() => res.end(), timeout * 1000);
  res.on('close', () => {
    clearInterval(bookmark);
    clearTimeout(end);
    watchers.delete(watcher);
  });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const kind =
    url.pathname === '/apis/batch/v1/jobs'
      ? 'jobs'
      : url.pathname === '/api/v1/pods'
      ? 'pods'
      : undefined;
  if (!kind || req.method !== 'GET') {
    requests.other += 1;
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'Status',
        code: 404,
        message: `not in the stub: ${req.method} ${url.pathname}`,
      }),
    );
    return;
  }
  if (url.searchParams.get('watch') === 'true') {
    requests.watch += 1;
    watch(kind, url, res);
    return;
  }
  requests.list += 1;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(listOf(kind, url)));
});

process.on('message', message => {
  switch (message.cmd) {
    case 'seed':
      seed(message.runs);
      process.send({ seeded: active.size, version });
      break;
    case 'drive':
      drive(message);
      break;
    case 'forget':
      // As a compaction would: the versions so far are gone
      version += 1;
      history = [];
      oldest = version + 1;
      for (const watcher of watchers) watcher.res.end();
      process.send({ forgotten: true, version });
      break;
    case 'stats':
      process.send({
        stats: {
          ...requests,
          version,
          watchers: watchers.size,
          rss: process.memoryUsage().rss,
        },
      });
      break;
    case 'stop':
      server.close();
      process.exit(0);
      break;
    default:
      break;
  }
});

server.listen(0, '127.0.0.1', () => {
  process.send({ port: server.address().port });
});
