// list-jobs and monitor-job: the caller's runs, and one run followed to
// its end with its pods' logs.
import { duration, runLine, table, time } from './format.mjs';
import { UsageError } from './variables.mjs';

/** FILTER values and the run statuses each stands for. */
export const FILTERS = {
  all: [],
  active: ['Queued', 'Pending', 'Running'],
  finished: ['Succeeded', 'Failed', 'Cancelled'],
  queued: ['Queued'],
  pending: ['Pending'],
  running: ['Running'],
  succeeded: ['Succeeded'],
  failed: ['Failed'],
  cancelled: ['Cancelled'],
};

const FINAL = new Set(['Succeeded', 'Failed', 'Cancelled']);

/** monitor-job's exit code for a run's final status. */
export const EXIT_CODES = { Succeeded: 0, Failed: 1, Cancelled: 3 };

/** The list-runs input for FILTER, TENANT_ID, JOB_TYPE and LIMIT. */
export function listInput(variables) {
  const filter = (variables.FILTER || 'all').toLowerCase();
  const status = FILTERS[filter];
  if (!status) {
    throw new UsageError(
      `FILTER=${variables.FILTER}: one of ${Object.keys(FILTERS).join(', ')}`,
    );
  }
  const limit = variables.LIMIT ? Number(variables.LIMIT) : 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    throw new UsageError(
      `LIMIT=${variables.LIMIT}: a whole number from 1 to 200`,
    );
  }
  return {
    ...(status.length > 0 && { status }),
    ...(variables.TENANT_ID && { tenantId: [variables.TENANT_ID] }),
    ...(variables.JOB_TYPE && { jobType: [variables.JOB_TYPE] }),
    limit,
  };
}

const COLUMNS = [
  { key: 'id', title: 'RUN' },
  { key: 'tenantId', title: 'TENANT' },
  { key: 'jobType', title: 'TYPE' },
  { key: 'status', title: 'STATUS' },
  { key: 'priority', title: 'PRIORITY' },
  { key: 'tier', title: 'TIER' },
  { key: 'submitted', title: 'SUBMITTED' },
  { key: 'took', title: 'DURATION' },
  { key: 'submittedBy', title: 'BY' },
];

/** list-jobs: the runs the caller may read, newest first. */
export async function listJobs(client, variables, out) {
  const input = listInput(variables);
  const page = await client.invoke('list-runs', input);
  if (variables.OUTPUT === 'json') {
    out.log(JSON.stringify(page, null, 2));
    return 0;
  }
  if (page.items.length === 0) {
    out.log(`No runs (FILTER=${variables.FILTER || 'all'}).`);
    return 0;
  }
  const rows = page.items.map(run => ({
    ...run,
    submitted: time(run.createdAt),
    took: duration(run.durationSeconds),
    submittedBy: (run.submittedBy ?? '').replace(/^user:default\//, ''),
  }));
  out.log(table(COLUMNS, rows));
  if (page.nextCursor) {
    out.log(`(the newest ${page.items.length}; LIMIT=… shows more)`);
  }
  return 0;
}

/** The run to follow: RUN, or the caller's newest. */
async function runIdOf(client, variables, out) {
  if (variables.RUN) {
    return variables.RUN;
  }
  const me = await client.request(['me']).then(r => r.json());
  const page = await client.invoke('list-runs', {
    submittedBy: me.userEntityRef,
    limit: 1,
  });
  if (page.items.length === 0) {
    throw new UsageError('RUN is not set and you have launched no run yet');
  }
  out.log(
    `Following your latest run, ${page.items[0].id} (RUN=… picks another)`,
  );
  return page.items[0].id;
}

/** Streams one pod's log to `out`, following it while the pod runs. */
async function streamLog(client, runId, pod, follow, out) {
  const response = await client.request(['runs', runId, 'logs'], {
    query: { pod, follow: follow ? 'true' : undefined },
  });
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    out.write(decoder.decode(chunk, { stream: true }));
  }
  out.write(decoder.decode());
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/**
 * monitor-job: prints the run's status as it changes and each pod's log
 * (live while it runs, archived after), until the run ends; the exit
 * code says how it ended (EXIT_CODES).
 */
export async function monitorJob(client, variables, out, options = {}) {
  const interval = options.intervalMs ?? 2000;
  const runId = await runIdOf(client, variables, out);
  const streamed = new Set();
  let last = '';
  for (;;) {
    const { run } = await client.invoke('get-run', { runId });
    const state = `${run.status} ${run.reason ?? ''} ${
      run.queue?.position ?? ''
    }`;
    if (state !== last) {
      const queue = run.queue?.position
        ? `, #${run.queue.position} in the queue`
        : '';
      out.log(`[${time(new Date().toISOString())}] ${runLine(run)}${queue}`);
      last = state;
    }
    for (const pod of run.pods ?? []) {
      const started =
        pod.startedAt || ['Running', 'Succeeded', 'Failed'].includes(pod.phase);
      if (streamed.has(pod.name) || !started) {
        continue;
      }
      streamed.add(pod.name);
      out.log(`--- log of ${pod.name} ---`);
      try {
        await streamLog(client, runId, pod.name, !FINAL.has(run.status), out);
      } catch (error) {
        out.log(`(no log: ${error.message})`);
      }
      out.log(`--- end of ${pod.name} ---`);
    }
    if (FINAL.has(run.status)) {
      out.log(
        `Run ${run.id} ${run.status.toLowerCase()} after ${
          duration(run.durationSeconds) || '0s'
        }`,
      );
      return EXIT_CODES[run.status] ?? 1;
    }
    await sleep(interval);
  }
}
