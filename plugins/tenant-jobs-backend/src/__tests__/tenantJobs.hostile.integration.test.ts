/*
 * Over HTTP, against the local cluster: hundreds of hostile requests on
 * every route (see __testUtils__/hostileRequests.ts) are each refused with
 * a 4xx in the Backstage error shape, never a 5xx; together they create no
 * Job, namespace, run, schedule or trigger rule, and every refusal leaves a
 * row in the audit trail. No user is the platform team's (adminGroups is
 * empty), so alice, bob, carol and mallory are refused the admin routes.
 * Prints one summary line. See __testUtils__/harness.ts for the setup.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  LABELS,
  namespaceOf,
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  testJobType,
  waitFor,
} from './__testUtils__/harness';
import {
  auditActionOf,
  HOSTILE_CATEGORIES,
  HOSTILE_TOPIC,
  HostileCategory,
  HostileRequest,
  hostileRequests,
  ROUTES,
} from './__testUtils__/hostileRequests';

jest.setTimeout(240_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** How many requests are in flight at once. */
const CONCURRENCY = 8;
/**
 * HOSTILE_TRACE_AUDIT=1 sends one request at a time and reads the audit
 * rows each one added, so the audit check names the requests whose
 * refusal went unaudited (or was audited under another action).
 */
const TRACE_AUDIT = process.env.HOSTILE_TRACE_AUDIT === '1';
const MANAGED = `${LABELS.managedBy}=tenant-jobs`;

/**
 * The seeded run's type: it runs for half an hour, so the run stays active
 * for the whole suite and a retry of it is never legitimate.
 */
const SEED_TYPE = testJobType('it-hostile-seed', {
  simulate: 'duration=30m',
  defaultDeadlineSeconds: 3600,
});

type Result = {
  request: HostileRequest;
  status: number;
  contentType: string;
  text: string;
  /** Set when the request itself failed (no response). */
  failure?: string;
  /** With TRACE_AUDIT: the actions of the refused rows it added. */
  audited?: string[];
};

type Outcome = {
  results: Result[];
  objectsCreated: number;
  namespacesCreated: string[];
  jobsCreated: string[];
  runsCreated: number;
  /** Schedules, CronJobs and trigger rules beyond the seeded ones. */
  schedulesCreated: number;
  cronJobsCreated: string[];
  triggersCreated: number;
  /** Refused audit rows added during the suite, by action. */
  auditedRefusals: Record<string, number>;
  /** 4xx answers, by the audit action they are expected under. */
  refusals: Record<string, number>;
  prototypeKeysAdded: string[];
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Paths of every `stack` key in a JSON value. */
function stackPaths(value: unknown, path = 'body'): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => stackPaths(item, `${path}[${i}]`));
  }
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => [
    ...(key === 'stack' ? [`${path}.stack`] : []),
    ...stackPaths(child, `${path}.${key}`),
  ]);
}

/** What is wrong with the answer to a hostile request; empty when nothing. */
function problemsOf(result: Result): string[] {
  const { request: req, status } = result;
  if (result.failure) return [`no response: ${result.failure}`];
  const problems: string[] = [];
  if (status < 400 || status > 499) problems.push(`status ${status}`);
  if (req.expectedStatus !== undefined && status !== req.expectedStatus) {
    problems.push(`status ${status}, expected ${req.expectedStatus}`);
  }
  if (!/^application\/json\b/.test(result.contentType)) {
    problems.push(`content type '${result.contentType}'`);
  }
  let body: unknown;
  try {
    body = JSON.parse(result.text);
  } catch {
    problems.push('body is not JSON');
    return problems;
  }
  const error = isObject(body) ? body.error : undefined;
  if (!isObject(error)) {
    problems.push('no error object');
  } else {
    if (typeof error.name !== 'string' || error.name === '') {
      problems.push('no error name');
    }
    if (typeof error.message !== 'string' || error.message.trim() === '') {
      problems.push('no error message');
    }
    if (
      req.expectedErrorName !== undefined &&
      error.name !== req.expectedErrorName
    ) {
      problems.push(
        `error ${String(error.name)}, expected ${req.expectedErrorName}`,
      );
    }
  }
  const echoed = isObject(body) ? body.request : undefined;
  if (
    !isObject(echoed) ||
    echoed.method !== req.method ||
    typeof echoed.url !== 'string'
  ) {
    problems.push('no request { method, url }');
  }
  const response = isObject(body) ? body.response : undefined;
  if (!isObject(response) || response.statusCode !== status) {
    problems.push('no response { statusCode } matching the status');
  }
  problems.push(...stackPaths(body).map(path => `${path} is sent`));
  return problems;
}

function describeFailure(result: Result, problems: string[]): string {
  const { request: req } = result;
  let message = '';
  try {
    const body = JSON.parse(result.text);
    message =
      isObject(body) && isObject(body.error) ? String(body.error.message) : '';
  } catch {
    message = result.text;
  }
  const path = req.path.length > 80 ? `${req.path.slice(0, 77)}...` : req.path;
  return `${req.name} [${req.method} ${path}${
    req.as ? ` as ${req.as}` : ''
  }]: ${problems.join('; ')}${
    message ? ` (message: ${JSON.stringify(message.slice(0, 160))})` : ''
  }`;
}

async function send(
  env: TenantJobsTestEnv,
  req: HostileRequest,
): Promise<Result> {
  const url = `/api/tenant-jobs${req.path}`;
  const agent = request(env.server);
  const methods = {
    GET: () => agent.get(url),
    POST: () => agent.post(url),
    DELETE: () => agent.delete(url),
  };
  let test = methods[req.method]();
  const authorization =
    req.authorization === undefined
      ? env.as(req.as ?? 'alice')
      : req.authorization;
  if (authorization !== null) test = test.set('Authorization', authorization);
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    test = test.set(name, value);
  }
  if (req.body) {
    test = test
      .set('Content-Type', req.body.contentType)
      .send(req.body.payload);
  }
  try {
    const res = await test
      .timeout({ response: 20_000, deadline: 30_000 })
      .buffer(true)
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
        response.on('end', () =>
          callback(null, Buffer.concat(chunks).toString('utf8')),
        );
      });
    return {
      request: req,
      status: res.status,
      contentType: String(res.headers['content-type'] ?? ''),
      text: String(res.body ?? ''),
    };
  } catch (error) {
    return {
      request: req,
      status: 0,
      contentType: '',
      text: '',
      failure: (error as Error).message,
    };
  }
}

/** Sends all requests, `concurrency` at a time, keeping their order. */
async function sendAll(
  env: TenantJobsTestEnv,
  requests: HostileRequest[],
  concurrency: number,
): Promise<Result[]> {
  const results: Result[] = new Array(requests.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const i = next++;
        results[i] = await send(env, requests[i]);
      }
    }),
  );
  return results;
}

async function lastAuditId(env: TenantJobsTestEnv): Promise<number> {
  const [{ maxId }] = await env.knex('tenant_jobs_audit').max({ maxId: 'id' });
  return Number(maxId ?? 0);
}

/** Sends one at a time, noting the refused audit rows each request added. */
async function sendTracingAudit(
  env: TenantJobsTestEnv,
  requests: HostileRequest[],
): Promise<Result[]> {
  const results: Result[] = [];
  let seen = await lastAuditId(env);
  for (const req of requests) {
    const result = await send(env, req);
    const rows: Array<{ id: number; action: string }> = await env
      .knex('tenant_jobs_audit')
      .where('id', '>', seen)
      .andWhere({ outcome: 'refused' })
      .select('id', 'action');
    result.audited = rows.map(row => row.action);
    seen = await lastAuditId(env);
    results.push(result);
  }
  return results;
}

function isRefusal(result: Result): boolean {
  return result.status >= 400 && result.status < 500;
}

function countBy<T>(items: T[], key: (item: T) => string) {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describe('Tenant Jobs over HTTP: hostile input', () => {
  let env: TenantJobsTestEnv;
  let outcome: Outcome;

  async function refusedAuditRows(afterId: number) {
    const rows: Array<{ action: string; count: number | string }> = await env
      .knex('tenant_jobs_audit')
      .where('id', '>', afterId)
      .andWhere({ outcome: 'refused' })
      .select('action')
      .count({ count: '*' })
      .groupBy('action');
    return Object.fromEntries(
      rows.map(row => [String(row.action), Number(row.count)]),
    );
  }

  beforeAll(async () => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
    env = await startTenantJobsTestBackend({
      databases,
      jobTypes: [SEED_TYPE],
      // An empty platform team, whatever the harness's default for
      // `tenant-jobs.tenant.provision` (allowed, it makes every user an
      // admin who reads and manages every tenant): here no user is one.
      adminGroups: [],
    });
    const { tenants } = env.org;

    // One real run of tenant a: the target other users must not reach.
    const seeded = await request(env.server)
      .post('/api/tenant-jobs/runs')
      .set('Authorization', env.as('alice'))
      .send({ tenantId: tenants.a, jobType: SEED_TYPE.id });
    if (seeded.status !== 201) {
      throw new Error(
        `Could not seed a run of tenant a: ${seeded.status} ${seeded.text}`,
      );
    }
    const seededRunId: string = seeded.body.id;
    await waitFor('the seeded Job', async () =>
      (await env.countJobs(tenants.a, MANAGED)) === 1 ? true : undefined,
    );
    // A paused schedule and a trigger rule of tenant a, the targets of the
    // schedule and trigger routes.
    const seed = async (path: string, body: object) => {
      const res = await request(env.server)
        .post(`/api/tenant-jobs${path}`)
        .set('Authorization', env.as('alice'))
        .send(body);
      if (res.status !== 201) {
        throw new Error(`Could not seed ${path}: ${res.status} ${res.text}`);
      }
      return res.body.id as string;
    };
    const seededScheduleId = await seed('/schedules', {
      tenantId: tenants.a,
      jobType: SEED_TYPE.id,
      cron: '0 3 * * *',
      paused: true,
    });
    const seededTriggerId = await seed('/triggers', {
      tenantId: tenants.a,
      topic: HOSTILE_TOPIC,
      jobType: SEED_TYPE.id,
      filter: { never: 'published' },
    });
    const [{ maxId }] = await env
      .knex('tenant_jobs_audit')
      .max({ maxId: 'id' });
    const auditBaseline = Number(maxId ?? 0);
    const runsBaseline = await env.countRuns();
    const count = async (table: string) =>
      Number((await env.knex(table).count({ count: '*' }))[0]?.count ?? 0);
    const schedulesBaseline = await count('tenant_jobs_schedules');
    const triggersBaseline = await count('tenant_jobs_triggers');

    const requests = hostileRequests({
      org: env.org,
      seededRunId,
      seededScheduleId,
      seededTriggerId,
      jobType: SEED_TYPE.id,
    });
    const results = TRACE_AUDIT
      ? await sendTracingAudit(env, requests)
      : [
          ...(await sendAll(
            env,
            requests.filter(r => !r.last),
            CONCURRENCY,
          )),
          ...(await sendAll(
            env,
            requests.filter(r => r.last),
            1,
          )),
        ];

    const refused = results.filter(isRefusal);
    const refusals = countBy(refused, r => auditActionOf(r.request.route));
    const expectedAudited = refused.length;
    // Audit rows may be written just after the answer: give them a moment.
    let auditedRefusals: Record<string, number> = {};
    await waitFor(
      'the audit rows of the refusals',
      async () => {
        auditedRefusals = await refusedAuditRows(auditBaseline);
        const total = Object.values(auditedRefusals).reduce((a, b) => a + b, 0);
        return total >= expectedAudited ? true : undefined;
      },
      5_000,
    ).catch(() => undefined);

    const jobsCreated: string[] = [];
    for (const tenant of Object.values(tenants)) {
      for (const job of await env.listJobs(tenant, MANAGED)) {
        if (job.metadata?.labels?.[LABELS.runId] !== seededRunId) {
          jobsCreated.push(`${tenant}/${job.metadata?.name}`);
        }
      }
    }
    const testNamespaces = new Set(Object.values(tenants).map(namespaceOf));
    const namespacesCreated = (
      await env.admin.core.listNamespace({ labelSelector: MANAGED })
    ).items
      .map(ns => ns.metadata?.name ?? '')
      .filter(
        name => testNamespaces.has(name) && name !== namespaceOf(tenants.a),
      );

    const cronJobsCreated: string[] = [];
    for (const tenant of Object.values(tenants)) {
      const { items } = await env.admin.batch
        .listNamespacedCronJob({ namespace: namespaceOf(tenant) })
        .catch(() => ({
          items: [] as Array<{ metadata?: { name?: string } }>,
        }));
      cronJobsCreated.push(
        ...items.map(cronJob => `${tenant}/${cronJob.metadata?.name}`),
      );
    }
    const seededCronJob = (
      await env
        .knex('tenant_jobs_schedules')
        .where({ id: seededScheduleId })
        .first()
    )?.cron_job_name;

    outcome = {
      results,
      schedulesCreated:
        (await count('tenant_jobs_schedules')) - schedulesBaseline,
      triggersCreated: (await count('tenant_jobs_triggers')) - triggersBaseline,
      cronJobsCreated: cronJobsCreated.filter(
        name => name !== `${tenants.a}/${seededCronJob}`,
      ),
      jobsCreated,
      namespacesCreated,
      objectsCreated: jobsCreated.length + namespacesCreated.length,
      runsCreated: (await env.countRuns()) - runsBaseline,
      auditedRefusals,
      refusals,
      prototypeKeysAdded: Object.getOwnPropertyNames(Object.prototype).filter(
        key => !prototypeKeys.includes(key),
      ),
    };
  });

  afterAll(async () => {
    if (outcome) {
      const { results } = outcome;
      const count = (min: number, max: number) =>
        results.filter(r => r.status >= min && r.status <= max).length;
      const audited = Object.values(outcome.auditedRefusals).reduce(
        (a, b) => a + b,
        0,
      );
      // eslint-disable-next-line no-console
      console.log(
        `hostile-input suite: ${results.length} requests, ${count(
          400,
          499,
        )} 4xx, ${count(500, 599)} 5xx, ${
          outcome.objectsCreated
        } objects created, ${
          outcome.runsCreated
        } runs created, ${audited} refusals audited`,
      );
    }
    await env?.stop();
  });

  it('sends at least 200 requests, on every route and in every category', () => {
    const { results } = outcome;
    expect(results.length).toBeGreaterThanOrEqual(200);
    const routes = new Set(results.map(r => r.request.route));
    expect([...ROUTES].filter(route => !routes.has(route))).toEqual([]);
    const categories = new Set(results.map(r => r.request.category));
    expect(HOSTILE_CATEGORIES.filter(c => !categories.has(c))).toEqual([]);
  });

  it.each(HOSTILE_CATEGORIES.map(c => [c]))(
    '%s: every request is refused with a 4xx in the Backstage error shape',
    (category: HostileCategory) => {
      const failures = outcome.results
        .filter(r => r.request.category === category)
        .map(result => ({ result, problems: problemsOf(result) }))
        .filter(({ problems }) => problems.length > 0)
        .map(({ result, problems }) => describeFailure(result, problems));
      expect(failures).toEqual([]);
    },
  );

  it('created no Job and no namespace beyond the seeded run', () => {
    expect({
      jobs: outcome.jobsCreated,
      namespaces: outcome.namespacesCreated,
    }).toEqual({ jobs: [], namespaces: [] });
  });

  it('added no run beyond the seeded one', () => {
    expect(outcome.runsCreated).toBe(0);
  });

  it('added or removed no schedule, CronJob or trigger rule', () => {
    expect({
      schedules: outcome.schedulesCreated,
      cronJobs: outcome.cronJobsCreated,
      triggers: outcome.triggersCreated,
    }).toEqual({ schedules: 0, cronJobs: [], triggers: 0 });
  });

  it("audited every refusal, under its route's action", () => {
    // Without HOSTILE_TRACE_AUDIT=1 only the counts by action are compared.
    const misaudited = outcome.results
      .filter(r => isRefusal(r) && r.audited !== undefined)
      .filter(
        r =>
          r.audited!.length !== 1 ||
          r.audited![0] !== auditActionOf(r.request.route),
      )
      .map(r =>
        describeFailure(r, [
          `status ${r.status}, audited as [${r.audited!.join(', ')}]`,
        ]),
      );
    expect({ byAction: outcome.auditedRefusals, misaudited }).toEqual({
      byAction: outcome.refusals,
      misaudited: [],
    });
  });

  it('polluted no prototype of the backend', () => {
    expect(outcome.prototypeKeysAdded).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
