import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import type { EventsService } from '@backstage/plugin-events-node';
import { parseTriggerRequest } from '@tenant-jobs/plugin-tenant-jobs-common';
import type { TriggerTopic } from '../config/readConfig';
import { openDatabase, TriggerStore } from '../database';
import { TenantJobsObservability } from '../metrics';
import {
  createTestMeter,
  parseScrape,
  TestMeter,
} from '../metrics/__testUtils__/telemetry';
import type { RunService, ResolvedTenant } from './RunService';
import { JobTypeRegistry } from './JobTypeRegistry';
import { TriggerService } from './TriggerService';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const acme: ResolvedTenant = {
  id: 'acme',
  title: 'ACME',
  groupRef: 'group:default/acme-team',
  plan: { id: 'basic', maxTier: 'large', quota: { cpu: '8', memory: '16Gi' } },
  cluster: 'local',
  namespace: 'tenant-acme',
};
const OWNER = 'user:default/alice';
const TOPIC = 'git.push';
/** A topic whose events name their tenant at `tenantId`. */
const TENANT_TOPIC = 'tenant-data.arrived';

const TOPICS = new Map<string, TriggerTopic>([
  [TOPIC, { topic: TOPIC, shared: true }],
  ['other.topic', { topic: 'other.topic', shared: true }],
  [
    TENANT_TOPIC,
    { topic: TENANT_TOPIC, tenantPath: 'tenantId', shared: false },
  ],
  [
    'webhook.push',
    { topic: 'webhook.push', shared: true, idMetadata: 'x-github-delivery' },
  ],
]);

/** A rule as the API takes it, validated by its own parser. */
function ruleRequest(body: Record<string, unknown>) {
  const parsed = parseTriggerRequest({
    tenantId: 'acme',
    jobType: 'data-etl',
    parameters: {},
    ...body,
  });
  if (!parsed.success) throw new Error(parsed.message);
  return parsed.request;
}

/**
 * The service with its real stores on SQLite; the tenant's membership (the
 * catalog) and the submission (RunService) are what the tests vary.
 */
async function setup(
  options: {
    plan?: Partial<ResolvedTenant['plan']>;
    observability?: TenantJobsObservability;
  } = {},
) {
  const { triggers, audit } = await openDatabase({
    database: mockServices.database({
      knex: await databases.init('SQLITE_3'),
    }),
  });
  const isMember = jest.fn(
    async (_user: string, _tenant: ResolvedTenant) => true,
  );
  let submitted = 0;
  const submit = jest.fn(async (_request: unknown, _actor: string) => ({
    kind: 'created' as const,
    run: { id: `run-${(submitted += 1)}` },
  }));
  const service = new TriggerService({
    jobs: {
      resolveTenant: async (id: string) => ({
        ...acme,
        id,
        plan: { ...acme.plan, ...options.plan },
      }),
      submit,
    } as unknown as RunService,
    jobTypes: new JobTypeRegistry({ added: [], overrides: new Map() }),
    triggers,
    tenants: { isMember },
    events: {
      subscribe: jest.fn(),
      publish: jest.fn(),
    } as unknown as EventsService,
    auditor: mockServices.auditor.mock(),
    audit,
    logger: mockServices.logger.mock(),
    topics: TOPICS,
    observability: options.observability,
  });
  const rule = await service.create(
    ruleRequest({ topic: TOPIC, parameters: { mode: { value: 'full' } } }),
    OWNER,
  );
  const event = (id: number) =>
    service.onEvent({ topic: TOPIC, eventPayload: { id } });
  return { service, triggers, rule, isMember, submit, event };
}

/** Moves the clock the service reads forward (timers stay real). */
function later(ms: number) {
  const now = Date.now() + ms;
  jest.spyOn(Date, 'now').mockReturnValue(now);
}

afterEach(() => jest.restoreAllMocks());

async function droppedOf(triggers: TriggerStore, id: string) {
  return (await triggers.get(id)).dropped;
}

describe('TriggerService', () => {
  it('refuses a rule whose creator is not a member of the tenant in the catalog', async () => {
    const { service, isMember } = await setup();
    isMember.mockResolvedValue(false);
    await expect(
      service.create(ruleRequest({ topic: TOPIC }), 'user:default/admin'),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        "must be a member of tenant 'acme' in the catalog",
      ),
    });
    expect(isMember).toHaveBeenLastCalledWith(
      'user:default/admin',
      expect.objectContaining({ id: 'acme' }),
    );
  });

  it('launches as the owner while a member, and drops events once the owner left', async () => {
    const { triggers, rule, isMember, submit, event } = await setup();
    expect(await event(1)).toBe(1);
    expect(submit).toHaveBeenLastCalledWith(
      expect.objectContaining({ tenantId: 'acme', jobType: 'data-etl' }),
      OWNER,
      // Its Job records the rule it came from.
      { triggerId: rule.id },
    );

    // Left the Group: once the 10 s answer expired, nothing launches.
    isMember.mockResolvedValue(false);
    later(11_000);
    expect(await event(2)).toBe(0);
    expect(submit).toHaveBeenCalledTimes(1);
    expect(await droppedOf(triggers, rule.id)).toEqual({ OwnerNotMember: 1 });
  });

  it('reads membership once for a storm, and keeps the last answer while the catalog is down', async () => {
    const { triggers, rule, isMember, submit, event } = await setup();
    // create() asked once; a storm of ten events asks once more, together.
    isMember.mockClear();
    await Promise.all(Array.from({ length: 10 }, (_, i) => event(i)));
    expect(isMember).toHaveBeenCalledTimes(1);
    expect(submit).toHaveBeenCalledTimes(10);

    // The catalog unreachable after the answer expired: the member stays one.
    isMember.mockRejectedValue(new ServiceUnavailableError('catalog down'));
    later(11_000);
    expect(await event(11)).toBe(1);
    expect(isMember).toHaveBeenCalledTimes(2);
    expect(await droppedOf(triggers, rule.id)).toEqual({});
  });

  it('drops as an error when membership was never read and the catalog is down', async () => {
    const { service, triggers, isMember, submit } = await setup();
    const other = await service.create(
      ruleRequest({ topic: 'other.topic' }),
      'user:default/bob',
    );
    isMember.mockRejectedValue(new ServiceUnavailableError('catalog down'));
    expect(
      await service.onEvent({ topic: 'other.topic', eventPayload: {} }),
    ).toBe(0);
    expect(submit).not.toHaveBeenCalled();
    expect(Object.keys(await droppedOf(triggers, other.id))).toHaveLength(1);
  });
});

describe('TriggerService topics and limits', () => {
  it.each([
    ['signals', "topic 'signals' carries other tenants' or users' data"],
    [
      'scaffolder.task',
      "topic 'scaffolder.task' carries other tenants' or users' data",
    ],
    [
      'billing.invoice',
      "topic: 'billing.invoice' is not a topic trigger rules may listen to; the platform team allows git.push, other.topic, tenant-data.arrived",
    ],
  ])('refuses a rule on %s, saying why', async (topic, message) => {
    const { service, triggers } = await setup();
    await expect(
      service.create(ruleRequest({ topic }), OWNER),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(message),
    });
    expect(await triggers.countOf('acme')).toBe(1);
  });

  it("delivers a tenant's events only to that tenant's rules", async () => {
    const { service, triggers, submit } = await setup();
    const acmeRule = await service.create(
      ruleRequest({
        topic: TENANT_TOPIC,
        filter: { dataset: 'orders' },
        parameters: { source: { from: 'path' } },
      }),
      OWNER,
    );
    const globexRule = await service.create(
      ruleRequest({
        tenantId: 'globex',
        topic: TENANT_TOPIC,
        filter: { dataset: 'orders' },
        parameters: { source: { from: 'path' } },
      }),
      'user:default/bob',
    );
    const arrived = (payload: Record<string, unknown>) =>
      service.onEvent({ topic: TENANT_TOPIC, eventPayload: payload });

    expect(
      await arrived({ tenantId: 'acme', dataset: 'orders', path: 'acme-db' }),
    ).toBe(1);
    // Events of no tenant, or naming it other than by a string, reach nobody.
    expect(await arrived({ dataset: 'orders', path: 'x' })).toBe(0);
    expect(
      await arrived({ tenantId: ['globex'], dataset: 'orders', path: 'x' }),
    ).toBe(0);

    expect(submit).toHaveBeenCalledTimes(1);
    expect(submit).toHaveBeenLastCalledWith(
      expect.objectContaining({
        tenantId: 'acme',
        parameters: { source: 'acme-db' },
      }),
      OWNER,
      { triggerId: acmeRule.id },
    );
    // globex's rule never saw acme's event: no launch, no drop.
    const seen = await triggers.get(globexRule.id);
    expect(seen.launched).toBe(0);
    expect(seen.dropped).toEqual({});
    expect((await triggers.get(acmeRule.id)).launched).toBe(1);
  });

  it("keeps to the plan's maxTriggers", async () => {
    const { service, triggers } = await setup({ plan: { maxTriggers: 2 } });
    await service.create(ruleRequest({ topic: 'other.topic' }), OWNER);
    await expect(
      service.create(ruleRequest({ topic: 'other.topic' }), OWNER),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        "triggers: plan 'basic' allows at most 2 trigger rules per tenant (maxTriggers); the tenant has 2; delete some first or ask the platform team for a larger plan",
    });
    expect(await triggers.countOf('acme')).toBe(2);
  });
});

describe('TriggerService event identity', () => {
  const keys = (submit: jest.Mock) =>
    submit.mock.calls.map(
      ([request]) => (request as { idempotencyKey: string }).idempotencyKey,
    );

  it('launches for each delivery of a topic whose events carry no id, equal payloads or not', async () => {
    const { service, submit } = await setup();
    await service.create(ruleRequest({ topic: 'other.topic' }), OWNER);
    const same = { repository: 'warehouse', ref: 'main' };
    await service.onEvent({ topic: 'other.topic', eventPayload: same });
    await service.onEvent({ topic: 'other.topic', eventPayload: same });
    expect(submit).toHaveBeenCalledTimes(2);
    expect(new Set(keys(submit)).size).toBe(2);
  });

  it('knows an event by the id its topic names: a redelivery replays, another event launches', async () => {
    const { service, submit } = await setup();
    await service.create(ruleRequest({ topic: 'webhook.push' }), OWNER);
    const delivery = (id: string) =>
      service.onEvent({
        topic: 'webhook.push',
        eventPayload: { repository: 'warehouse', ref: 'main' },
        metadata: { 'X-GitHub-Delivery': id },
      });
    await delivery('d-1');
    await delivery('d-1');
    await delivery('d-2');
    const [first, again, other] = keys(submit);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });
});

describe('TriggerService metrics', () => {
  let meter: TestMeter;
  beforeEach(async () => {
    meter = await createTestMeter();
  });
  afterEach(async () => {
    await meter.shutdown();
  });

  it('counts launches and refused launches like other submissions', async () => {
    const observability = new TenantJobsObservability({
      metrics: meter.metrics,
      clusters: ['local'],
      isKnownJobType: id => id === 'data-etl',
      isKnownTenant: async id => id === 'acme',
    });
    const { isMember, event } = await setup({ observability });
    expect(await event(1)).toBe(1);
    isMember.mockResolvedValue(false);
    later(11_000);
    expect(await event(2)).toBe(0);

    const counted = parseScrape(await meter.scrape())
      .filter(sample => sample.name === 'tenant_jobs_submissions_total')
      .map(sample => [
        sample.labels.tenant,
        sample.labels.job_type,
        sample.labels.outcome,
        sample.value,
      ]);
    expect(counted).toEqual(
      expect.arrayContaining([
        ['acme', 'data-etl', 'created', 1],
        ['acme', 'data-etl', 'refused', 1],
      ]),
    );
    expect(counted).toHaveLength(2);
  });
});
