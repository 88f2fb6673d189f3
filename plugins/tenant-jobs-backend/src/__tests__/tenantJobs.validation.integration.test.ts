/*
 * Over HTTP, against the local cluster: bad submissions get a 4xx whose
 * message says what to fix, and leave nothing behind, neither in the
 * cluster nor in the database. See __testUtils__/harness.ts for the setup.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  TestOrg,
  UserKey,
  validBody,
} from './__testUtils__/harness';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

type Tenants = TestOrg['tenants'];

type BadRequest = {
  name: string;
  /** The JSON body, or raw text sent as application/json. */
  body: (t: Tenants) => unknown;
  raw?: (t: Tenants) => string;
  user?: UserKey;
  status: number;
  messageIncludes: string[];
};

const etl = (t: Tenants, overrides: Record<string, unknown> = {}) =>
  validBody(t.a, 'data-etl', overrides);
const etlParameters = (extra: Record<string, unknown>) => ({
  source: 'events-db',
  destination: 'warehouse',
  ...extra,
});
const TIERS = 'micro, small, medium, large, xlarge, enterprise';

const badRequests: BadRequest[] = [
  {
    name: 'unknown tier',
    body: t => etl(t, { tier: 'huge' }),
    status: 400,
    messageIncludes: [`tier: must be one of ${TIERS} (got 'huge')`],
  },
  {
    name: 'tier the job type does not allow',
    body: t => etl(t, { tier: 'micro' }),
    status: 400,
    messageIncludes: [
      "tier: tier 'micro' is not allowed for job type 'data-etl'; allowed: small, medium, large, xlarge",
    ],
  },
  {
    name: 'tier above the plan',
    user: 'bob',
    body: t => validBody(t.b, 'data-etl', { tier: 'large' }),
    status: 400,
    messageIncludes: [
      "tier: tier 'large' exceeds the maximum tier 'medium' of plan 'basic'",
    ],
  },
  {
    name: 'GPU tier above the plan',
    body: t => validBody(t.a, 'ml-training', { tier: 'enterprise' }),
    status: 400,
    messageIncludes: ["tier 'enterprise' exceeds the maximum tier 'xlarge'"],
  },
  {
    name: 'GPU job type on a tier without GPU',
    body: t => validBody(t.a, 'ml-training', { tier: 'large' }),
    status: 400,
    messageIncludes: [
      "tier 'large' is not allowed for job type 'ml-training'; allowed: xlarge, enterprise",
    ],
  },
  {
    name: 'unknown job type',
    body: t => ({ tenantId: t.a, jobType: 'crypto-miner' }),
    status: 400,
    messageIncludes: [
      "jobType: unknown job type 'crypto-miner'; available: ",
      'data-etl',
    ],
  },
  {
    name: 'malformed job type',
    body: t => ({ tenantId: t.a, jobType: 'Data_ETL' }),
    status: 400,
    messageIncludes: ['jobType: must be a job type id', "(got 'Data_ETL')"],
  },
  {
    name: 'job type not allowed by the plan',
    user: 'bob',
    body: t => validBody(t.b, 'tenant-backup'),
    status: 400,
    messageIncludes: [
      "jobType: job type 'tenant-backup' is not available on plan 'basic'; allowed: data-etl, billing-report, security-scan",
    ],
  },
  {
    name: 'GPU job type on a plan without GPU quota',
    user: 'carol',
    body: t => validBody(t.c, 'ml-training'),
    status: 400,
    messageIncludes: [
      "jobType: job type 'ml-training' needs a GPU and plan 'oneJob' has no GPU quota",
    ],
  },
  {
    name: 'malformed tenant id',
    body: () => ({ tenantId: 'Tenant_A!', jobType: 'data-etl' }),
    status: 400,
    messageIncludes: [
      'tenantId: must be a DNS-1123 label',
      "(got 'Tenant_A!')",
    ],
  },
  {
    name: 'tenant id longer than 40 characters',
    body: () => ({ tenantId: 'a'.repeat(41), jobType: 'data-etl' }),
    status: 400,
    messageIncludes: ['tenantId: must be a DNS-1123 label', 'at most 40'],
  },
  {
    name: 'missing tenant id',
    body: () => ({ jobType: 'data-etl' }),
    status: 400,
    messageIncludes: ['tenantId: is required'],
  },
  {
    name: 'parameter of the wrong type',
    body: t =>
      validBody(t.a, 'billing-report', { parameters: { period: 202506 } }),
    status: 400,
    messageIncludes: [
      "Invalid parameters for job type 'billing-report'",
      'parameters.period: must be string',
    ],
  },
  {
    name: 'parameter below its minimum',
    body: t =>
      validBody(t.a, 'tenant-backup', { parameters: { retentionDays: 0 } }),
    status: 400,
    messageIncludes: ['parameters.retentionDays: must be >= 1'],
  },
  {
    name: 'absurdly large parameter',
    body: t =>
      validBody(t.a, 'tenant-backup', {
        parameters: { retentionDays: 1_000_000_000 },
      }),
    status: 400,
    messageIncludes: ['parameters.retentionDays: must be <= 365'],
  },
  {
    name: 'negative parameter',
    body: t =>
      validBody(t.a, 'ml-training', {
        parameters: { model: 'm', dataset: 'd', epochs: -5 },
      }),
    status: 400,
    messageIncludes: ['parameters.epochs: must be >= 1'],
  },
  {
    name: 'fractional count',
    body: t =>
      validBody(t.a, 'ml-training', {
        parameters: { model: 'm', dataset: 'd', batchSize: 1.5 },
      }),
    status: 400,
    messageIncludes: ['parameters.batchSize: must be integer'],
  },
  {
    name: 'unknown parameter',
    body: t => etl(t, { parameters: etlParameters({ shell: '/bin/sh' }) }),
    status: 400,
    messageIncludes: ['parameters.shell: is not a parameter of this job type'],
  },
  {
    name: 'missing required parameter',
    body: t => etl(t, { parameters: { source: 'events-db' } }),
    status: 400,
    messageIncludes: ['parameters.destination: is required'],
  },
  {
    name: 'parameter outside its enum',
    body: t => etl(t, { parameters: etlParameters({ mode: 'sometimes' }) }),
    status: 400,
    messageIncludes: ['parameters.mode: must be one of full, incremental'],
  },
  {
    name: 'shell command in a parameter',
    body: t =>
      etl(t, { parameters: etlParameters({ source: '"; rm -rf /"' }) }),
    status: 400,
    messageIncludes: ['parameters.source: must match pattern'],
  },
  {
    name: 'command substitution in a parameter',
    body: t =>
      validBody(t.a, 'security-scan', { parameters: { target: '$(id)' } }),
    status: 400,
    messageIncludes: ['parameters.target: must match pattern'],
  },
  {
    name: 'backticks in a parameter',
    body: t =>
      validBody(t.a, 'billing-report', { parameters: { period: '`id`' } }),
    status: 400,
    messageIncludes: ['parameters.period: must match pattern'],
  },
  {
    name: 'YAML in a parameter',
    body: t =>
      validBody(t.a, 'ml-training', {
        parameters: { model: 'm', dataset: 'a: b\n- c' },
      }),
    status: 400,
    messageIncludes: ['parameters.dataset: must match pattern'],
  },
  {
    name: 'an option posing as a parameter value',
    body: t => etl(t, { parameters: etlParameters({ destination: '--help' }) }),
    status: 400,
    messageIncludes: ['parameters.destination: must match pattern'],
  },
  {
    name: 'parameter longer than its maximum',
    body: t =>
      validBody(t.a, 'ml-training', {
        parameters: { model: 'm'.repeat(64), dataset: 'd' },
      }),
    status: 400,
    messageIncludes: [
      'parameters.model: must NOT have more than 63 characters',
    ],
  },
  {
    name: 'malformed parameter name',
    body: t => etl(t, { parameters: { 'bad-name': 1 } }),
    status: 400,
    messageIncludes: [
      'parameter names are letters and digits, starting with a letter',
    ],
  },
  {
    name: 'parameters not an object',
    body: t => etl(t, { parameters: 'source=events-db' }),
    status: 400,
    messageIncludes: ['parameters: must be an object of parameter values'],
  },
  {
    name: 'parameters over 16 KiB',
    body: t =>
      etl(t, { parameters: etlParameters({ source: 'a'.repeat(20_000) }) }),
    status: 400,
    messageIncludes: ['parameters: must be at most 16384 bytes as JSON'],
  },
  {
    name: 'body over 64 KiB',
    body: t => etl(t, { parameters: { padding: 'x'.repeat(70 * 1024) } }),
    status: 413,
    messageIncludes: ['larger than 64kb'],
  },
  {
    name: 'unknown top-level fields',
    body: t =>
      etl(t, { image: 'evil/miner:latest', command: ['sh', '-c', 'id'] }),
    status: 400,
    messageIncludes: [
      'image: unknown field; allowed fields are tenantId, jobType, tier, priority, parameters, entityRef, idempotencyKey, dryRun',
      'command: unknown field',
    ],
  },
  {
    name: 'body that is not JSON',
    body: () => undefined,
    raw: () => "tenantId: it-a\njobType: data-etl\ncommand: ['sh']",
    status: 400,
    messageIncludes: ['JSON'],
  },
  {
    name: 'array body',
    body: t => [etl(t)],
    status: 400,
    messageIncludes: ['request body: must be a JSON object (got an array)'],
  },
  {
    name: 'unknown priority',
    body: t => etl(t, { priority: 'urgent' }),
    status: 400,
    messageIncludes: [
      "priority: must be one of critical, high, normal, low, batch (got 'urgent')",
    ],
  },
  {
    name: 'malformed entity ref',
    body: t => etl(t, { entityRef: 'my-service' }),
    status: 400,
    messageIncludes: [
      'entityRef: must be a complete catalog entity ref kind:namespace/name',
    ],
  },
  {
    name: 'malformed idempotency key',
    body: t => etl(t, { idempotencyKey: '-bad key; rm' }),
    status: 400,
    messageIncludes: [
      "idempotencyKey: must be 1 to 128 letters, digits, '.', '_', ':' or '-'",
    ],
  },
  {
    name: 'idempotency key over 128 characters',
    body: t => etl(t, { idempotencyKey: 'k'.repeat(129) }),
    status: 400,
    messageIncludes: ['idempotencyKey: must be 1 to 128'],
  },
  {
    name: 'dryRun not a boolean',
    body: t => etl(t, { dryRun: 'yes' }),
    status: 400,
    messageIncludes: ["dryRun: must be true or false (got 'yes')"],
  },
  {
    name: 'several problems at once, all named',
    body: t => ({
      tenantId: t.a,
      jobType: 'data-etl',
      tier: 'huge',
      priority: 9,
    }),
    status: 400,
    messageIncludes: ['tier: must be one of', 'priority: must be one of'],
  },
];

describe('Tenant Jobs over HTTP: bad submissions', () => {
  let env: TenantJobsTestEnv;

  beforeAll(async () => {
    env = await startTenantJobsTestBackend({ databases });
  });

  afterAll(async () => {
    await env?.stop();
  });

  /** What a refused request must leave unchanged. */
  async function snapshot() {
    const { a, b, c } = env.org.tenants;
    return {
      jobs: {
        a: await env.countJobs(a),
        b: await env.countJobs(b),
        c: await env.countJobs(c),
      },
      runs: await env.countRuns(),
    };
  }

  async function refusedAuditRows(): Promise<number> {
    const [{ count }] = await env
      .knex('tenant_jobs_audit')
      .where({ outcome: 'refused' })
      .count({ count: '*' });
    return Number(count);
  }

  it('has a baseline: a valid submission for each tenant is accepted', async () => {
    // Provisions the namespaces, so the counts below compare real Jobs.
    for (const [user, body] of [
      ['alice', validBody(env.org.tenants.a, 'data-etl')],
      ['bob', validBody(env.org.tenants.b, 'data-etl', { tier: 'small' })],
      [
        'carol',
        validBody(env.org.tenants.c, 'billing-report', { tier: 'small' }),
      ],
    ] as const) {
      const res = await request(env.server)
        .post('/api/tenant-jobs/runs')
        .set('Authorization', env.as(user))
        .send(body);
      expect(res.status).toBe(201);
    }
    expect(await snapshot()).toEqual({
      jobs: { a: 1, b: 1, c: 1 },
      runs: 3,
    });
  });

  it('has at least twenty cases', () => {
    expect(badRequests.length).toBeGreaterThanOrEqual(20);
  });

  it.each(badRequests.map(c => [c.name, c]))('%s', async (_name, bad) => {
    const before = await snapshot();
    const auditBefore = await refusedAuditRows();

    const t = env.org.tenants;
    const res = await request(env.server)
      .post('/api/tenant-jobs/runs')
      .set('Authorization', env.as(bad.user ?? 'alice'))
      .set('Content-Type', 'application/json')
      .send(bad.raw ? bad.raw(t) : JSON.stringify(bad.body(t)));

    expect({ status: res.status, body: res.body }).toEqual({
      status: bad.status,
      body: expect.objectContaining({
        error: expect.objectContaining({ message: expect.any(String) }),
      }),
    });
    for (const text of bad.messageIncludes) {
      expect(res.body.error.message).toContain(text);
    }
    expect(await snapshot()).toEqual(before);
    // Refusals of the body parser are audited like any other.
    expect(await refusedAuditRows()).toBe(auditBefore + 1);
  });

  it('refuses a well-formed tenant id that no catalog Group owns as not allowed', async () => {
    const before = await snapshot();
    const res = await request(env.server)
      .post('/api/tenant-jobs/runs')
      .set('Authorization', env.as('alice'))
      .send(validBody(`${env.org.tenants.a}-nope`, 'data-etl'));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(
      `You may not launch jobs for tenant '${env.org.tenants.a}-nope'`,
    );
    expect(await snapshot()).toEqual(before);
  });
});
