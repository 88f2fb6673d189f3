import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { tenantJobsTenantProvisionPermission } from '@tenant-jobs/plugin-tenant-jobs-common';
import { Knex } from 'knex';
import { TenantAccess } from '../access';
import { TenantDirectory } from '../catalog/TenantDirectory';
import { TenantClusters } from '../cluster/TenantCluster';
import { readTenantJobsConfig } from '../config/readConfig';
import { ArchiveStore, openDatabase, RunStore } from '../database';
import { testLifecycle } from '../lifecycle/__testUtils__/testLifecycle';
import { AuditTrail } from '../audit';
import { FakeCluster } from '../routes/__testUtils__/FakeCluster';
import { JobTypeRegistry } from '../usecases/JobTypeRegistry';
import { RunCommands } from '../usecases/RunCommands';
import { RunQueries } from '../usecases/RunQueries';
import { RunService } from '../usecases/RunService';
import { TenantService } from '../usecases/TenantService';
import { registerTenantJobsActions } from '.';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: 'acme-team',
      annotations: { 'tenant-jobs.io/tenant-id': 'acme' },
    },
    spec: { type: 'team', children: [] },
  },
];

const config = readTenantJobsConfig(
  new ConfigReader({
    tenantJobs: {
      clusters: [
        {
          name: 'local',
          url: 'https://127.0.0.1:6443',
          auth: { type: 'serviceAccountToken', tokenFile: '/dev/null' },
        },
      ],
      plans: {
        standard: {
          maxTier: 'large',
          allowedJobTypes: ['data-etl', 'billing-report'],
          quota: { cpu: '8', memory: '16Gi' },
        },
      },
      tenants: { acme: { plan: 'standard' } },
    },
  }),
);

const etl = (extra: Record<string, unknown> = {}) => ({
  tenantId: 'acme',
  jobType: 'data-etl',
  parameters: { source: 'events-db', destination: 'warehouse' },
  ...extra,
});

describe('tenant-jobs actions', () => {
  let knex: Knex;
  let cluster: FakeCluster;
  let registry: ReturnType<typeof actionsRegistryServiceMock>;
  let store: RunStore;
  let archiveStore: ArchiveStore;
  /** Whether bob's permission checks are denied (he is in no tenant). */
  const members = new Set([ALICE]);

  beforeEach(async () => {
    knex = await databases.init('SQLITE_3');
    const opened = await openDatabase({
      database: mockServices.database({ knex }),
    });
    const { runs, archives, audit } = opened;
    store = runs;
    archiveStore = archives;
    const lifecycle = testLifecycle(opened);
    cluster = new FakeCluster();
    const clusters: TenantClusters = {
      names: () => ['local'],
      get: () => cluster,
    };
    const logger = mockServices.logger.mock();
    // Members may do everything with acme; nobody is the platform team's.
    const member = (credentials: BackstageCredentials) =>
      members.has(
        (credentials.principal as { userEntityRef?: string }).userEntityRef ??
          '',
      );
    const permissions = mockServices.permissions.mock({
      authorizeConditional: async (requests, { credentials }) =>
        requests.map(() => ({
          result: member(credentials)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        })),
      authorize: async (requests, { credentials }) =>
        requests.map(r => ({
          result:
            r.permission.name !== tenantJobsTenantProvisionPermission.name &&
            member(credentials)
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        })),
    });
    const tenants = new TenantDirectory({
      catalog: catalogServiceMock({ entities }),
      auth: mockServices.auth(),
      logger,
      config,
    });
    const jobTypes = new JobTypeRegistry({
      added: [],
      overrides: config.jobTypes,
    });
    const jobs = new RunService({
      config,
      jobTypes,
      tenants,
      runs,
      lifecycle,
      clusters,
      logger,
    });
    const access = new TenantAccess({
      httpAuth: mockServices.httpAuth(),
      permissions,
      userInfo: mockServices.userInfo({
        ownershipEntityRefs: [ALICE, 'group:default/acme-team'],
      }),
      authorizer: async (credentials, permission, resourceRef) =>
        (
          await permissions.authorize([{ permission, resourceRef }], {
            credentials,
          })
        )[0].result === AuthorizeResult.ALLOW,
      tenants,
      getRun: async id => runs.get(id).catch(() => undefined),
    });
    registry = actionsRegistryServiceMock();
    const auditTrail = new AuditTrail({
      auditor: mockServices.auditor.mock(),
      store: audit,
      logger,
    });
    registerTenantJobsActions({
      registry,
      access,
      useCases: {
        runs: jobs,
        queries: new RunQueries({ runs, archives, clusters }),
        tenants: new TenantService({
          tenants,
          runService: jobs,
          runs,
          clusters,
          logger,
          config,
        }),
        jobTypes,
      },
      runs: new RunCommands({ access, audit: auditTrail, runs: jobs }),
    });
  });

  const invoke = (id: string, input: object, user = ALICE) =>
    registry.invoke({
      id: `test:${id}`,
      input: input as any,
      credentials: mockCredentials.user(user),
    });
  const runCount = async () =>
    Number((await knex('tenant_jobs_runs').count({ n: '*' }))[0].n);
  const auditRows = async () =>
    (await knex('tenant_jobs_audit').orderBy('id')).map(r => [
      r.action,
      r.actor,
      r.outcome,
    ]);

  it('registers each action with truthful attributes', async () => {
    const { actions } = await registry.list();
    expect(
      Object.fromEntries(actions.map(a => [a.name, a.attributes])),
    ).toEqual({
      'list-job-types': {
        readOnly: true,
        destructive: false,
        idempotent: true,
      },
      'launch-run': { readOnly: false, destructive: false, idempotent: false },
      'get-run': { readOnly: true, destructive: false, idempotent: true },
      'list-runs': { readOnly: true, destructive: false, idempotent: true },
      'cancel-run': { readOnly: false, destructive: true, idempotent: true },
      'retry-run': { readOnly: false, destructive: false, idempotent: false },
      'tail-run-logs': { readOnly: true, destructive: false, idempotent: true },
    });
    for (const action of actions) {
      expect(action.description.length).toBeGreaterThan(40);
    }
  });

  it('runs the examples the actions give agents', async () => {
    const { actions } = await registry.list();
    const examples = actions.flatMap(action =>
      (action.examples ?? []).map(example => ({ action, example })),
    );
    expect(examples.length).toBeGreaterThan(0);
    for (const { action, example } of examples) {
      await expect(invoke(action.name, example.input)).resolves.toBeDefined();
    }
    // The dry run created nothing; the billing report one run.
    expect(await runCount()).toBe(1);
  });

  it('lists job types with their parameter schemas and the plan of the caller', async () => {
    const { output } = (await invoke('list-job-types', {})) as any;
    expect(output.jobTypes.map((t: any) => t.id)).toContain('data-etl');
    expect(output.jobTypes[0].parameterSchema).toBeDefined();
    expect(output.tenants).toEqual([
      expect.objectContaining({
        id: 'acme',
        plan: expect.objectContaining({
          maxTier: 'large',
          allowedJobTypes: ['data-etl', 'billing-report'],
        }),
      }),
    ]);
  });

  it('lets a member launch a run, and a dry run that creates nothing, audited', async () => {
    const launched = (await invoke('launch-run', etl())) as any;
    expect(launched.output).toMatchObject({
      outcome: 'created',
      run: { tenantId: 'acme', jobType: 'data-etl', submittedBy: ALICE },
    });
    expect(await runCount()).toBe(1);
    expect(cluster.created).toHaveLength(1);
    const id = launched.output.run.id;

    const dry = (await invoke('launch-run', etl({ dryRun: true }))) as any;
    expect(dry.output).toMatchObject({
      outcome: 'dryRun',
      dryRun: { tenantId: 'acme', jobType: 'data-etl', checkedBy: 'apiserver' },
    });
    expect(await runCount()).toBe(1);
    expect(cluster.created).toHaveLength(1);
    expect(cluster.dryRuns).toHaveLength(1);

    const got = (await invoke('get-run', { runId: id })) as any;
    expect(got.output.run.id).toBe(id);
    const listed = (await invoke('list-runs', { tenantId: ['acme'] })) as any;
    expect(listed.output.items.map((r: any) => r.id)).toEqual([id]);

    expect(await auditRows()).toEqual([
      ['run-submit', ALICE, 'succeeded'],
      ['run-submit', ALICE, 'succeeded'],
    ]);
    const rows = await knex('tenant_jobs_audit').orderBy('id');
    expect(rows[0].run_id).toBe(id);
    expect(JSON.parse(rows[1].detail)).toMatchObject({ dryRun: true });
  });

  it('answers a non-member with the REST API words, audited', async () => {
    const { output } = (await invoke('launch-run', etl())) as any;
    const id = output.run.id;
    await expect(invoke('launch-run', etl(), BOB)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        "You may not launch jobs for tenant 'acme': you are not a member of it",
    });
    for (const action of [
      'get-run',
      'cancel-run',
      'retry-run',
      'tail-run-logs',
    ]) {
      await expect(invoke(action, { runId: id }, BOB)).rejects.toMatchObject({
        name: 'NotFoundError',
        message: `No tenant job run with id '${id}'`,
      });
    }
    const listed = (await invoke('list-runs', {}, BOB)) as any;
    expect(listed.output.items).toEqual([]);
    expect(await auditRows()).toEqual([
      ['run-submit', ALICE, 'succeeded'],
      ['run-submit', BOB, 'refused'],
      ['run-cancel', BOB, 'refused'],
      ['run-retry', BOB, 'refused'],
    ]);
    expect(await runCount()).toBe(1);
  });

  it("refuses what the plan does not allow, in the REST API's words", async () => {
    await expect(
      invoke('launch-run', etl({ tier: 'xlarge' })),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        "tier: tier 'xlarge' exceeds the maximum tier 'large' of plan 'standard'",
    });
    await expect(
      invoke('launch-run', {
        ...etl(),
        jobType: 'ml-training',
        parameters: {},
      }),
    ).rejects.toThrow(/ml-training/);
    expect(await runCount()).toBe(0);
    expect(await auditRows()).toEqual([
      ['run-submit', ALICE, 'refused'],
      ['run-submit', ALICE, 'refused'],
    ]);
  });

  it("cancels a member's run, whose log without a pod is the REST API's 404", async () => {
    const { output } = (await invoke('launch-run', etl())) as any;
    const id = output.run.id;
    const cancelled = (await invoke('cancel-run', { runId: id })) as any;
    expect(cancelled.output.run).toMatchObject({ id, status: 'Cancelled' });
    // As GET /runs/:runId/logs answers a run that never had a pod.
    await expect(
      invoke('tail-run-logs', { runId: id, lines: 5 }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining(`Run ${id} has no pod yet`),
    });
  });

  it("tails a run's log: the last lines, live from its pod, then from the archive", async () => {
    const { output } = (await invoke('launch-run', etl())) as any;
    const { id, jobName } = output.run;
    const pod = `${jobName}-abcde`;
    await store.observe(id, {
      status: 'Succeeded',
      reason: 'Completed',
      message: 'Finished successfully after 1 attempt.',
      attempts: 1,
      version: 5,
      observed: {
        conditions: [],
        pods: [{ name: pod, phase: 'Succeeded', exitCode: 0, restarts: 0 }],
      },
    });
    cluster.logs.set(pod, 'one\ntwo\nthree\nfour\n');
    expect(
      ((await invoke('tail-run-logs', { runId: id, lines: 2 })) as any).output,
    ).toEqual({ source: 'live', lines: ['three', 'four'], truncated: true });

    await archiveStore.save(id, {
      logs: [{ podName: pod, log: 'archived\nlast\n', truncated: false }],
      events: [],
    });
    cluster.logs.delete(pod);
    expect(
      ((await invoke('tail-run-logs', { runId: id })) as any).output,
    ).toEqual({
      source: 'archive',
      lines: ['archived', 'last'],
      truncated: false,
    });
  });

  it('refuses a caller who is not a signed-in user', async () => {
    await expect(
      registry.invoke({ id: 'test:list-runs', input: {} }),
    ).rejects.toMatchObject({ name: 'AuthenticationError' });
  });
});
