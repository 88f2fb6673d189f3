/*
 * The platform team on the local cluster: mallory, whose Group owns no
 * tenant, is made an admin by `tenantJobs.adminGroups` (the harness's
 * policy allows `tenant-jobs.tenant.provision` to no one, so the Groups
 * alone decide).
 *
 * - usage: what `GET /usage` (JSON and CSV) reports for tenant a equals the
 *   sums computed here from the pods as the apiserver shows them (requests
 *   times how long the job container ran; a run cancelled while running
 *   counts until the run's finishedAt);
 * - the platform team: `GET /me`, `GET /admin/tenants`, `GET
 *   /admin/clusters`, every tenant's runs, cancelling another tenant's run
 *   (audited as an admin's), and no launching in a tenant it is not a
 *   member of;
 * - the audit trail: members read their tenant's entries only, the
 *   platform team every entry, pages walk without repeats, and the export
 *   (CSV and JSON Lines) holds the admin's cancel;
 * - configuration previews (`?dryRun=true`) list what an import would
 *   create, or its problems, and create nothing.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { V1Container, V1Pod } from '@kubernetes/client-node';
import {
  TenantJobRun,
  TenantJobRunDetail,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import request from 'supertest';
import { stringify } from 'yaml';
import {
  LABELS,
  namespaceOf,
  PLANS,
  RESERVED_CLAIMS,
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  testJobType,
  UserKey,
  validBody,
  waitFor,
} from './__testUtils__/harness';

jest.setTimeout(300_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Job types that run a known while on the simulated nodes. */
const SHORT = 'pf-short';
const LONG = 'pf-long';
const GPU = 'pf-gpu';
const HELD = 'pf-held';
const TYPES = [
  testJobType(SHORT, {
    simulate: 'duration=2s',
    allowedTiers: ['micro', 'small'],
  }),
  testJobType(LONG, {
    simulate: 'duration=4s',
    allowedTiers: ['micro', 'medium'],
  }),
  testJobType(GPU, {
    simulate: 'duration=3s',
    gpu: true,
    defaultTier: 'xlarge',
    allowedTiers: ['xlarge'],
  }),
  // Runs until cancelled.
  testJobType(HELD, { simulate: 'duration=10m' }),
];
/** Tenant a's plan allows this many schedules here. */
const MAX_SCHEDULES = 3;
const JOB_CONTAINER = 'job';
const GIB = 1024 ** 3;
const HOUR_SECONDS = 3600;

type Figures = {
  runs: number;
  cpuCoreHours: number;
  memoryGiBHours: number;
  gpuHours: number;
};

const noFigures = (): Figures => ({
  runs: 0,
  cpuCoreHours: 0,
  memoryGiBHours: 0,
  gpuHours: 0,
});

/** A Kubernetes quantity as a number: `250m`, `512Mi`, `2`, `1.5Gi`. */
function quantity(value: unknown): number {
  const text = String(value);
  const match = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(text);
  if (!match) throw new Error(`Cannot read the quantity '${text}'`);
  const factor: Record<string, number> = {
    '': 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
  };
  return Number(match[1]) * factor[match[2] ?? ''];
}

/** What a pod asks of its node, as the scheduler counts it. */
function podRequests(pod: V1Pod) {
  const of = (container: V1Container) => {
    const requests = (container.resources?.requests ?? {}) as Record<
      string,
      unknown
    >;
    const amount = (name: string) =>
      requests[name] === undefined ? 0 : quantity(requests[name]);
    return {
      cpu: amount('cpu'),
      memoryGiB: amount('memory') / GIB,
      gpus: amount('nvidia.com/gpu'),
    };
  };
  const total = { cpu: 0, memoryGiB: 0, gpus: 0 };
  for (const container of pod.spec?.containers ?? []) {
    const r = of(container);
    total.cpu += r.cpu;
    total.memoryGiB += r.memoryGiB;
    total.gpus += r.gpus;
  }
  for (const container of pod.spec?.initContainers ?? []) {
    const r = of(container);
    total.cpu = Math.max(total.cpu, r.cpu);
    total.memoryGiB = Math.max(total.memoryGiB, r.memoryGiB);
    total.gpus = Math.max(total.gpus, r.gpus);
  }
  return total;
}

function jobContainer(pod: V1Pod) {
  const status = pod.status?.containerStatuses?.find(
    s => s.name === JOB_CONTAINER,
  );
  if (!status) {
    throw new Error(`Pod ${pod.metadata?.name} has no '${JOB_CONTAINER}'`);
  }
  return status;
}

/** Adds a pod that ran `seconds` to `figures` (runs are counted apart). */
function addPod(figures: Figures, pod: V1Pod, seconds: number) {
  const r = podRequests(pod);
  figures.cpuCoreHours += (r.cpu * seconds) / HOUR_SECONDS;
  figures.memoryGiBHours += (r.memoryGiB * seconds) / HOUR_SECONDS;
  figures.gpuHours += (r.gpus * seconds) / HOUR_SECONDS;
}

/** Throws unless `actual` is `expected` to 1e-9 relative (0 exactly). */
function expectFigures(actual: Figures, expected: Figures, what: string) {
  expect(actual.runs).toBe(expected.runs);
  for (const key of ['cpuCoreHours', 'memoryGiBHours', 'gpuHours'] as const) {
    const error = Math.abs(actual[key] - expected[key]);
    if (!(error <= 1e-9 * Math.abs(expected[key]))) {
      throw new Error(
        `${what} ${key}: got ${actual[key]}, computed ${expected[key]} from the pods`,
      );
    }
  }
}

/** Throws unless a CSV figure (6 decimals) is `expected` rounded. */
function expectCsvFigure(text: string, expected: number, what: string) {
  expect(text).toMatch(/^[0-9]+\.[0-9]{6}$/);
  if (!(Math.abs(Number(text) - expected) <= 5e-7 + 1e-12)) {
    throw new Error(`${what}: the CSV says ${text}, computed ${expected}`);
  }
}

/** RFC 4180: quoted fields, doubled quotes, line breaks inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (quoted) throw new Error('The CSV ends inside a quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** CSV rows as objects keyed by the header line's names. */
function csvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  return rows.map(row => {
    expect(row).toHaveLength(header.length);
    return Object.fromEntries(header.map((name, i) => [name, row[i]]));
  });
}

type AuditItem = {
  id: number;
  at: string;
  actor: string;
  action: string;
  tenantId?: string;
  runId?: string;
  outcome: string;
  asAdmin: boolean;
  detail?: Record<string, unknown>;
};

describe('Tenant Jobs for the platform team on the local cluster', () => {
  let env: TenantJobsTestEnv;
  const startedAt = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    env = await startTenantJobsTestBackend({
      databases,
      jobTypes: TYPES,
      adminGroups: ['outsiders'],
      plans: { gold: { maxSchedules: MAX_SCHEDULES } },
      config: { tracking: { reconcileIntervalSeconds: 3 } },
    });
  });

  afterAll(async () => {
    await env?.stop();
  });

  const api = (user: UserKey) => ({
    get: (path: string) =>
      request(env.server)
        .get(`/api/tenant-jobs${path}`)
        .set('Authorization', env.as(user)),
    post: (path: string, body?: object) =>
      request(env.server)
        .post(`/api/tenant-jobs${path}`)
        .set('Authorization', env.as(user))
        .send(body),
    /** A download as text, whatever its content type. */
    text: (path: string) =>
      request(env.server)
        .get(`/api/tenant-jobs${path}`)
        .set('Authorization', env.as(user))
        .buffer(true)
        .parse((res, callback) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            data += chunk;
          });
          res.on('end', () => callback(null, data));
        }),
  });

  async function submit(user: UserKey, body: object): Promise<TenantJobRun> {
    const res = await api(user).post('/runs', body);
    expect(res.status).toBe(201);
    return res.body;
  }

  function waitForRun(
    user: UserKey,
    id: string,
    accept: (run: TenantJobRunDetail) => boolean,
    what: string,
  ): Promise<TenantJobRunDetail> {
    return waitFor(`run ${id} to be ${what}`, async () => {
      const res = await api(user).get(`/runs/${id}`);
      expect(res.status).toBe(200);
      return accept(res.body) ? (res.body as TenantJobRunDetail) : undefined;
    });
  }

  /** Waits until the run's pod runs and the tracker has recorded it. */
  async function runningPod(user: UserKey, run: TenantJobRun): Promise<V1Pod> {
    await waitForRun(
      user,
      run.id,
      r => r.status === 'Running' && Boolean(r.pods[0]?.ranFrom),
      'Running with its pod recorded',
    );
    const pods = await podsOf(run);
    expect(pods).toHaveLength(1);
    expect(jobContainer(pods[0]).state?.running?.startedAt).toBeDefined();
    return pods[0];
  }

  async function podsOf(run: TenantJobRun): Promise<V1Pod[]> {
    const pods = await env.admin.core.listNamespacedPod({
      namespace: namespaceOf(run.tenantId),
      labelSelector: `${LABELS.runId}=${run.id}`,
    });
    return pods.items;
  }

  async function cancelAndWaitGone(user: UserKey, run: TenantJobRun) {
    const res = await api(user).post(`/runs/${run.id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: run.id, status: 'Cancelled' });
    await waitFor(`Job ${run.jobName} to be deleted`, async () =>
      (await env.readJob(run.tenantId, run.jobName!)) === undefined
        ? true
        : undefined,
    );
    return res.body as TenantJobRun;
  }

  const timeRange = () =>
    `from=${encodeURIComponent(startedAt)}&to=${encodeURIComponent(
      new Date(Date.now() + 60_000).toISOString(),
    )}`;

  /** Tenant a's usage by job type, as computed from its pods in case 1. */
  const expectedByType = new Map<string, Figures>();
  const expectedTotal = noFigures();
  let succeededRuns = 0;
  /** The runs of the usage case, as they ended. */
  const usageRuns: TenantJobRun[] = [];

  it('reports usage that matches the pods, cancelled runs counted until they ended', async () => {
    const { a } = env.org.tenants;
    const planned: Array<[string, string]> = [
      [SHORT, 'micro'],
      [SHORT, 'small'],
      [LONG, 'medium'],
      [GPU, 'xlarge'],
    ];
    const launched = await Promise.all(
      planned.map(([jobType, tier]) =>
        submit('alice', { tenantId: a, jobType, tier }),
      ),
    );
    const held = await submit('alice', { tenantId: a, jobType: HELD });

    // The cancelled run: its pod ran from its start until the cancel.
    const heldPod = await runningPod('alice', held);
    const heldFrom = new Date(
      jobContainer(heldPod).state!.running!.startedAt!,
    ).getTime();
    const cancelled = await cancelAndWaitGone('alice', held);
    const heldSeconds =
      (new Date(cancelled.finishedAt!).getTime() - heldFrom) / 1000;
    expect(heldSeconds).toBeGreaterThan(0);
    const heldFigures = noFigures();
    heldFigures.runs = 1;
    addPod(heldFigures, heldPod, heldSeconds);
    expectedByType.set(HELD, heldFigures);
    usageRuns.push(cancelled);

    for (const run of launched) {
      const done = await waitForRun(
        'alice',
        run.id,
        r => r.status === 'Succeeded',
        'Succeeded',
      );
      usageRuns.push(done);
      succeededRuns += 1;
      const pods = await podsOf(run);
      expect(pods).toHaveLength(1);
      const terminated = jobContainer(pods[0]).state?.terminated;
      expect(terminated).toBeDefined();
      const seconds =
        (new Date(terminated!.finishedAt!).getTime() -
          new Date(terminated!.startedAt!).getTime()) /
        1000;
      expect(seconds).toBeGreaterThan(0);
      const figures = expectedByType.get(run.jobType) ?? noFigures();
      figures.runs += 1;
      addPod(figures, pods[0], seconds);
      expectedByType.set(run.jobType, figures);
    }
    for (const figures of expectedByType.values()) {
      expectedTotal.runs += figures.runs;
      expectedTotal.cpuCoreHours += figures.cpuCoreHours;
      expectedTotal.memoryGiBHours += figures.memoryGiBHours;
      expectedTotal.gpuHours += figures.gpuHours;
    }
    // Only the GPU type used GPUs, and it did.
    expect(expectedByType.get(GPU)!.gpuHours).toBeGreaterThan(0);
    expect(expectedTotal.gpuHours).toBe(expectedByType.get(GPU)!.gpuHours);

    const res = await api('alice').get(
      `/usage?tenantId=${a}&groupBy=tenant,jobType&${timeRange()}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.groupBy).toEqual(['tenant', 'jobType']);
    const items = res.body.items as Array<
      Figures & { tenantId: string; jobType: string }
    >;
    expect(items.map(i => i.jobType).sort()).toEqual(
      [...expectedByType.keys()].sort(),
    );
    for (const item of items) {
      expect(item.tenantId).toBe(a);
      expectFigures(item, expectedByType.get(item.jobType)!, item.jobType);
    }
    expectFigures(res.body.total, expectedTotal, 'total');

    const csv = await api('alice').text(
      `/usage?tenantId=${a}&groupBy=tenant,jobType&format=csv&${timeRange()}`,
    );
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const records = csvRecords(csv.body);
    expect(records.map(r => r.jobType).sort()).toEqual(
      [...expectedByType.keys()].sort(),
    );
    for (const record of records) {
      const expected = expectedByType.get(record.jobType)!;
      expect(record.tenantId).toBe(a);
      expect(record.period).toBe('');
      expect(Number(record.runs)).toBe(expected.runs);
      for (const key of [
        'cpuCoreHours',
        'memoryGiBHours',
        'gpuHours',
      ] as const) {
        expectCsvFigure(record[key], expected[key], `${record.jobType} ${key}`);
      }
    }
  });

  let adminCancelled: TenantJobRun;

  describe('the platform team', () => {
    it('tells who is the platform team', async () => {
      const mallory = await api('mallory').get('/me');
      expect(mallory.status).toBe(200);
      expect(mallory.body).toEqual({
        userEntityRef: env.org.users.mallory,
        admin: true,
        tenantIds: [],
      });
      const alice = await api('alice').get('/me');
      expect(alice.status).toBe(200);
      expect(alice.body).toEqual({
        userEntityRef: env.org.users.alice,
        admin: false,
        tenantIds: [env.org.tenants.a],
      });
    });

    it("lists every tenant with its plan, slots and this month's usage, for admins only", async () => {
      const res = await api('mallory').get('/admin/tenants');
      expect(res.status).toBe(200);
      const items = res.body.items as Array<Record<string, any>>;
      const byId = new Map(items.map(item => [item.id, item]));
      const plans = { a: 'gold', b: 'basic', c: 'oneJob' } as const;
      for (const key of ['a', 'b', 'c'] as const) {
        const id = env.org.tenants[key];
        const plan = plans[key];
        expect(byId.get(id)).toMatchObject({
          id,
          plan,
          namespace: namespaceOf(id),
          slots: PLANS[plan].maxConcurrentJobs,
        });
      }
      for (const claimed of RESERVED_CLAIMS) {
        expect(byId.has(claimed)).toBe(false);
      }
      const a = byId.get(env.org.tenants.a)!;
      expectFigures(a.usageThisMonth, expectedTotal, 'usageThisMonth');
      // Cancelled runs count for usage, not for the success rate.
      expect(a.successRate7d).toEqual({
        succeeded: succeededRuns,
        failed: 0,
        rate: 1,
      });
      expect(a).toMatchObject({ activeJobs: 0, queuedJobs: 0 });

      for (const path of ['/admin/tenants', '/admin/clusters']) {
        const alice = await api('alice').get(path);
        expect(alice.status).toBe(403);
        expect(alice.body.error.message).toContain('tenantJobs.adminGroups');
      }
    });

    it('names the cluster, reachable', async () => {
      const res = await api('mallory').get('/admin/clusters');
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({ name: 'local', reachable: true }),
      ]);
    });

    it("reads every tenant's runs and cancels one as an admin, audited so", async () => {
      const { a, b } = env.org.tenants;
      const bobs = await submit(
        'bob',
        validBody(b, 'data-etl', { tier: 'small' }),
      );
      const alices = await submit('alice', { tenantId: a, jobType: HELD });

      const all = await api('mallory').get('/runs?limit=200');
      expect(all.status).toBe(200);
      const ids = (all.body.items as TenantJobRun[]).map(r => r.id);
      expect(ids).toEqual(expect.arrayContaining([bobs.id, alices.id]));
      expect(ids).toEqual(expect.arrayContaining(usageRuns.map(run => run.id)));
      // A member still sees her own tenant's only.
      const alicesView = await api('alice').get('/runs?limit=200');
      expect(
        (alicesView.body.items as TenantJobRun[]).map(r => r.tenantId),
      ).not.toContain(b);

      await runningPod('alice', alices);
      adminCancelled = await cancelAndWaitGone('mallory', alices);
      await waitFor(`the pods of ${alices.jobName} to be deleted`, async () =>
        (await podsOf(alices)).length === 0 ? true : undefined,
      );
      const read = await api('alice').get(`/runs/${alices.id}`);
      expect(read.body.status).toBe('Cancelled');

      const audit = await api('mallory').get(
        `/audit?action=run-cancel&actor=${encodeURIComponent(
          env.org.users.mallory,
        )}`,
      );
      expect(audit.status).toBe(200);
      expect(audit.body.items).toEqual([
        expect.objectContaining({
          actor: env.org.users.mallory,
          action: 'run-cancel',
          tenantId: a,
          runId: alices.id,
          outcome: 'succeeded',
          asAdmin: true,
        }),
      ]);
      // Alice's own cancel in the usage case was a member's.
      const own = await api('alice').get(
        `/audit?action=run-cancel&actor=${encodeURIComponent(
          env.org.users.alice,
        )}`,
      );
      expect(own.body.items).toEqual([
        expect.objectContaining({ asAdmin: false, outcome: 'succeeded' }),
      ]);
    });

    it('launches nothing in a tenant it is not a member of', async () => {
      const { a } = env.org.tenants;
      const runsBefore = await env.countRuns(a);
      const jobsBefore = await env.countJobs(a);
      const res = await api('mallory').post('/runs', {
        tenantId: a,
        jobType: SHORT,
      });
      expect(res.status).toBe(403);
      expect(await env.countRuns(a)).toBe(runsBefore);
      expect(await env.countJobs(a)).toBe(jobsBefore);
    });
  });

  describe('the audit trail', () => {
    async function readAll(user: UserKey, query = ''): Promise<AuditItem[]> {
      const res = await api(user).get(`/audit?limit=200${query}`);
      expect(res.status).toBe(200);
      expect(res.body.nextCursor).toBeUndefined();
      return res.body.items;
    }

    it("shows a member her tenants' entries only", async () => {
      const { a, b } = env.org.tenants;
      const items = await readAll('alice');
      expect(items.length).toBeGreaterThan(0);
      expect(new Set(items.map(item => item.tenantId))).toEqual(new Set([a]));
      // The admin's action on her tenant is in her trail.
      expect(items).toContainEqual(
        expect.objectContaining({ runId: adminCancelled.id, asAdmin: true }),
      );

      const other = await api('alice').get(`/audit?tenantId=${b}`);
      expect(other.status).toBe(403);
      expect(other.body.error.message).toContain(b);
    });

    it('shows the platform team every tenant, in pages that never repeat', async () => {
      const { a, b } = env.org.tenants;
      const all = await readAll('mallory');
      const tenants = new Set(all.map(item => item.tenantId));
      expect(tenants).toContain(a);
      expect(tenants).toContain(b);

      const walked: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await api('mallory').get(
          `/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        walked.push(...(res.body.items as AuditItem[]).map(item => item.id));
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor && pages <= all.length);
      expect(cursor).toBeUndefined();
      expect(new Set(walked).size).toBe(walked.length);
      expect(walked).toEqual(all.map(item => item.id));
      expect(pages).toBe(Math.ceil(all.length / 2));
    });

    it("exports a time range as CSV and JSON Lines, the admin's cancel included", async () => {
      const all = await readAll('mallory');
      const csv = await api('mallory').text(
        `/audit/export?${timeRange()}&format=csv`,
      );
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(parseCsv(csv.body)[0]).toEqual([
        'id',
        'at',
        'actor',
        'action',
        'tenantId',
        'runId',
        'outcome',
        'asAdmin',
        'detail',
      ]);
      const records = csvRecords(csv.body);
      // Every entry, field for field as the API pages show it.
      expect(
        records.map(r => ({
          id: Number(r.id),
          at: r.at,
          actor: r.actor,
          action: r.action,
          tenantId: r.tenantId || undefined,
          runId: r.runId || undefined,
          outcome: r.outcome,
          asAdmin: r.asAdmin === 'true',
          detail: r.detail ? JSON.parse(r.detail) : undefined,
        })),
      ).toEqual(all);
      expect(
        records.filter(
          r =>
            r.action === 'run-cancel' &&
            r.runId === adminCancelled.id &&
            r.actor === env.org.users.mallory &&
            r.tenantId === env.org.tenants.a &&
            r.outcome === 'succeeded' &&
            r.asAdmin === 'true',
        ),
      ).toHaveLength(1);

      const jsonl = await api('mallory').text(
        `/audit/export?${timeRange()}&format=jsonl`,
      );
      expect(jsonl.status).toBe(200);
      const lines = (jsonl.body as string).split('\n');
      expect(lines.pop()).toBe('');
      const entries = lines.map(line => JSON.parse(line) as AuditItem);
      expect(entries).toEqual(all);
    });

    it('refuses an export without its time range, naming what is missing', async () => {
      const none = await api('mallory').get('/audit/export?format=csv');
      expect(none.status).toBe(400);
      expect(none.body.error.message).toMatch(/^from and to: required/);
      const noTo = await api('mallory').get(
        `/audit/export?from=${encodeURIComponent(startedAt)}`,
      );
      expect(noTo.status).toBe(400);
      expect(noTo.body.error.message).toMatch(/^to: required/);
    });
  });

  describe('configuration previews', () => {
    const document = (schedules: object[]) =>
      stringify({
        apiVersion: 'tenant-jobs.io/v1',
        kind: 'TenantJobsConfiguration',
        tenant: env.org.tenants.a,
        schedules,
      });

    const preview = (user: UserKey, text: string) =>
      request(env.server)
        .post(`/api/tenant-jobs/tenants/${env.org.tenants.a}/configuration`)
        .query({ dryRun: 'true' })
        .set('Authorization', env.as(user))
        .set('Content-Type', 'application/yaml')
        .send(text);

    async function expectNothingCreated() {
      const schedules = await api('alice').get('/schedules');
      expect(schedules.status).toBe(200);
      expect(schedules.body.items).toEqual([]);
      const cronJobs = await env.admin.batch.listNamespacedCronJob({
        namespace: namespaceOf(env.org.tenants.a),
      });
      expect(cronJobs.items).toEqual([]);
    }

    it('lists what an import would create, and creates nothing', async () => {
      await expectNothingCreated();
      const res = await preview(
        'alice',
        document([
          { jobType: SHORT, cron: '15 3 * * *', paused: true },
          { jobType: LONG, cron: '30 4 * * 1', timeZone: 'Europe/Berlin' },
        ]),
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        dryRun: true,
        schedules: [
          { jobType: SHORT, cron: '15 3 * * *', timeZone: 'UTC', paused: true },
          {
            jobType: LONG,
            cron: '30 4 * * 1',
            timeZone: 'Europe/Berlin',
            paused: false,
          },
        ],
        triggers: [],
        problems: [],
      });
      await expectNothingCreated();
    });

    it("lists the problems of a document over the plan's limit or with a bad cron, and creates nothing", async () => {
      const tooMany = await preview(
        'alice',
        document(
          Array.from({ length: MAX_SCHEDULES + 1 }, (_, i) => ({
            jobType: SHORT,
            cron: `${i} 2 * * *`,
          })),
        ),
      );
      expect(tooMany.status).toBe(200);
      expect(tooMany.body).toMatchObject({
        dryRun: true,
        schedules: [],
        triggers: [],
      });
      expect(tooMany.body.problems).toEqual([
        expect.stringContaining(
          `at most ${MAX_SCHEDULES} schedules per tenant (maxSchedules)`,
        ),
      ]);

      const badCron = await preview(
        'alice',
        document([
          { jobType: SHORT, cron: '5 1 * * *' },
          { jobType: SHORT, cron: '61 * * *' },
        ]),
      );
      expect(badCron.status).toBe(200);
      expect(badCron.body).toMatchObject({ schedules: [], triggers: [] });
      expect(badCron.body.problems).toEqual([
        expect.stringMatching(/^schedules\[1\]: .*cron/),
      ]);
      await expectNothingCreated();
    });

    it('judges each schedule as its own route would, and the import agrees with the preview', async () => {
      // Valid YAML and a valid tier id, but above what tenant a's plan allows.
      const text = document([
        { jobType: SHORT, cron: '15 3 * * *' },
        { jobType: SHORT, cron: '20 3 * * *', tier: 'enterprise' },
      ]);
      const res = await preview('alice', text);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ schedules: [], triggers: [] });
      expect(res.body.problems).toEqual([
        expect.stringMatching(/^schedules\[1\]: .*enterprise/),
      ]);
      const imported = await request(env.server)
        .post(`/api/tenant-jobs/tenants/${env.org.tenants.a}/configuration`)
        .set('Authorization', env.as('alice'))
        .set('Content-Type', 'application/yaml')
        .send(text);
      expect(imported.status).toBe(400);
      expect(imported.body.error.message).toContain(res.body.problems[0]);
      await expectNothingCreated();
    });

    it("refuses previews into a tenant by anyone not its member, the platform team's included", async () => {
      const text = document([{ jobType: SHORT, cron: '15 3 * * *' }]);
      for (const user of ['bob', 'mallory'] as const) {
        const res = await preview(user, text);
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain(env.org.tenants.a);
      }
      await expectNothingCreated();
    });
  });
});
