import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import type { EventsService } from '@backstage/plugin-events-node';
import { parseTriggerRequest } from '@tenant-jobs/plugin-tenant-jobs-common';
import { openDatabase, TriggerStore } from '../database';
import type { JobService, ResolvedTenant } from './JobService';
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
 * catalog) and the submission (JobService) are what the tests vary.
 */
async function setup() {
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
      resolveTenant: async (id: string) => ({ ...acme, id }),
      submit,
    } as unknown as JobService,
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
