import { LoggerService } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  BUILT_IN_JOB_TYPE_IDS,
  PRIORITIES,
  tenantJobsRunCancelPermission,
  tenantJobsRunCreatePermission,
  tenantJobsRunReadPermission,
  TIERS,
  tenantJobsTenantProvisionPermission,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import express from 'express';
import { Knex } from 'knex';
import request from 'supertest';
import { TenantDirectory } from '../catalog/TenantDirectory';
import { readTenantJobsConfig } from '../config/readConfig';
import { ArchiveStore, openDatabase, RunStore } from '../database';
import { QuotaExceededError } from '../kubernetes/errors';
import { RunService } from '../usecases/RunService';
import { JobTypeRegistry } from '../usecases/JobTypeRegistry';
import { TenantClusters } from '../cluster/TenantCluster';
import { RunQueries } from '../usecases/RunQueries';
import { TenantAccess } from '../access';
import { testLifecycle } from '../lifecycle/__testUtils__/testLifecycle';
import { TenantService } from '../usecases/TenantService';
import { AuditTrail } from '../audit';
import { RunQueue } from '../usecases/RunQueue';
import { createRouter } from './router';
import { FakeCluster } from './__testUtils__/FakeCluster';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const ALICE = 'user:default/alice';
const ACME_GROUP = 'group:default/acme-team';

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: 'acme-team',
      annotations: {
        'tenant-jobs.io/tenant-id': 'acme',
        'tenant-jobs.io/plan': 'standard',
      },
    },
    spec: { type: 'team', children: [], profile: { displayName: 'ACME' } },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: 'solo-team',
      annotations: {
        'tenant-jobs.io/tenant-id': 'solo',
        'tenant-jobs.io/plan': 'solo',
      },
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
          allowedJobTypes: ['data-etl', 'billing-report', 'tenant-backup'],
          quota: { cpu: '8', memory: '16Gi' },
        },
        solo: {
          maxTier: 'small',
          maxConcurrentJobs: 1,
          quota: { cpu: '1', memory: '2Gi' },
        },
      },
      // Plans come from config: the groups' annotations are not trusted.
      tenants: { solo: { plan: 'solo' } },
      queue: { maxQueuedPerTenant: 2 },
    },
  }),
);

/** A billing report for tenant 'solo', whose plan runs one job at once. */
const solo = (period: string, extra: Record<string, unknown> = {}) => ({
  tenantId: 'solo',
  jobType: 'billing-report',
  tier: 'small',
  parameters: { period },
  ...extra,
});

const etl = (overrides: Record<string, unknown> = {}) => ({
  tenantId: 'acme',
  jobType: 'data-etl',
  parameters: { source: 'events-db', destination: 'warehouse' },
  ...overrides,
});

describe('createRouter', () => {
  let knex: Knex;
  let cluster: FakeCluster;
  let permissions: ReturnType<typeof mockServices.permissions.mock>;
  let auditor: ReturnType<typeof mockServices.auditor.mock>;
  let logger: jest.Mocked<LoggerService>;
  let app: express.Express;
  let store: RunStore;
  let archives: ArchiveStore;
  let jobService: RunService;

  beforeEach(async () => {
    knex = await databases.init('SQLITE_3');
    const opened = await openDatabase({
      database: mockServices.database({ knex }),
    });
    const { runs, audit } = opened;
    const lifecycle = testLifecycle(opened);
    const runQueue: RunQueue = new RunQueue({
      queue: opened.queue,
      runs,
      lifecycle,
      clusters: { names: () => ['local'], get: () => cluster },
      resolveTenant: tenantId => jobService.resolveTenant(tenantId),
      logger: mockServices.logger.mock(),
    });
    // As the plugin does: the queue hears of every change.
    lifecycle.bus.subscribe('queue', change => runQueue.onChange(change));
    archives = opened.archives;
    cluster = new FakeCluster();
    store = runs;
    const clusters: TenantClusters = {
      names: () => ['local'],
      get: name => {
        expect(name).toBe('local');
        return cluster;
      },
    };
    // alice may do everything with her tenants, and is not the platform
    // team's (which would let her read and cancel any tenant's runs).
    permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => ({
          result:
            r.permission.name === tenantJobsTenantProvisionPermission.name
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })),
    });
    auditor = mockServices.auditor.mock();
    logger = mockServices.logger.mock();
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
    jobService = new RunService({
      config,
      jobTypes,
      tenants,
      runs,
      lifecycle,
      clusters,
      logger,
    });
    const httpAuth = mockServices.httpAuth();
    const router = await createRouter({
      httpAuth,
      logger,
      access: new TenantAccess({
        httpAuth,
        permissions,
        userInfo: mockServices.userInfo({
          ownershipEntityRefs: [ALICE, ACME_GROUP],
        }),
        // Decisions by the mocked permissions service, with the resource.
        authorizer: async (credentials, permission, resourceRef) =>
          (
            await permissions.authorize([{ permission, resourceRef }], {
              credentials,
            })
          )[0].result === AuthorizeResult.ALLOW,
        tenants,
        getRun: async id => runs.get(id).catch(() => undefined),
      }),
      audit: new AuditTrail({ auditor, store: audit, logger }),
      useCases: {
        runs: jobService,
        queries: new RunQueries({ runs, archives, clusters }),
        queue: runQueue,
        tenants: new TenantService({
          tenants,
          runService: jobService,
          runs,
          clusters,
          logger,
          config,
        }),
        jobTypes,
      },
    });
    app = express().use(router).use(mockErrorHandler());
  });

  const deny = () =>
    permissions.authorize.mockImplementation(async requests =>
      requests.map(() => ({ result: AuthorizeResult.DENY })),
    );
  const runCount = async () =>
    Number((await knex('tenant_jobs_runs').count({ n: '*' }))[0].n);
  const auditRows = () => knex('tenant_jobs_audit').orderBy('id');
  const submit = (body: unknown) =>
    request(app)
      .post('/runs')
      .set('Authorization', mockCredentials.user.header(ALICE))
      .send(body as object);

  describe('refusals', () => {
    it('refuses callers without a user on every route, in the error shape, audited', async () => {
      const anonymous = mockCredentials.none.header();
      const calls = [
        request(app).get('/job-types'),
        request(app).get('/runs?limit=5'),
        request(app).post('/runs').send(etl()),
        request(app).post('/runs/00000000-0000-0000-0000-000000000000/cancel'),
      ];
      for (const call of calls) {
        const res = await call.set('Authorization', anonymous);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({
          error: { name: 'AuthenticationError' },
          response: { statusCode: 401 },
        });
        expect(res.body.error.stack).toBeUndefined();
      }
      expect(
        (await auditRows()).map(r => [r.action, r.actor, r.outcome]),
      ).toEqual([
        ['request-refused', 'anonymous', 'refused'],
        ['request-refused', 'anonymous', 'refused'],
        ['run-submit', 'anonymous', 'refused'],
        ['run-cancel', 'anonymous', 'refused'],
      ]);
      expect(await runCount()).toBe(0);
    });

    it('mounts tenant provisioning, whose refusals before any action are audited as tenant-provision', async () => {
      const anonymous = await request(app)
        .post('/tenants/acme/provision')
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      // alice, allowed the platform team's permission by the policy here.
      permissions.authorize.mockImplementation(async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      );
      const provisioned = await request(app)
        .post('/tenants/acme/provision')
        .set('Authorization', mockCredentials.user.header(ALICE));
      expect(provisioned.status).toBe(200);
      expect(provisioned.body).toMatchObject({
        tenantId: 'acme',
        namespace: 'tenant-acme',
      });
      expect(cluster.provisioned.map(p => p.tenantId)).toEqual(['acme']);
      expect(
        (await auditRows()).map(r => [r.action, r.actor, r.outcome]),
      ).toEqual([
        ['tenant-provision', 'anonymous', 'refused'],
        ['tenant-provision', ALICE, 'succeeded'],
      ]);
    });

    it('answers body-parser refusals in the error shape and audits them', async () => {
      const bad = [
        { type: 'text/plain', body: 'tenantId=acme', status: 415 },
        { type: 'application/json', body: '{"tenantId":', status: 400 },
        {
          type: 'application/json',
          body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }),
          status: 413,
        },
      ];
      for (const { type, body, status } of bad) {
        const res = await request(app)
          .post('/runs')
          .set('Authorization', mockCredentials.user.header(ALICE))
          .set('Content-Type', type)
          .send(body);
        expect(res.status).toBe(status);
        expect(res.body.error.message).toEqual(expect.any(String));
        expect(res.body.response).toEqual({ statusCode: status });
      }
      const rows = await auditRows();
      expect(rows.map(r => [r.action, r.actor, r.outcome])).toEqual(
        bad.map(() => ['run-submit', ALICE, 'refused']),
      );
    });
  });

  describe('catalog endpoints', () => {
    it('GET /job-types lists the job types with what a form needs', async () => {
      const res = await request(app).get('/job-types');
      expect(res.status).toBe(200);
      expect(res.body.items.map((t: { id: string }) => t.id).sort()).toEqual(
        [...BUILT_IN_JOB_TYPE_IDS].sort(),
      );
      for (const item of res.body.items) {
        expect(Object.keys(item).sort()).toEqual(
          [
            'allowedTiers',
            'category',
            'defaultDeadlineSeconds',
            'defaultTier',
            'description',
            'gpu',
            'id',
            'parameterSchema',
            'retries',
            'title',
          ].sort(),
        );
        expect(item.allowedTiers).toContain(item.defaultTier);
        expect(item.parameterSchema).toMatchObject({
          type: 'object',
          additionalProperties: false,
        });
        expect(typeof item.gpu).toBe('boolean');
      }
      expect(
        res.body.items.find((t: { id: string }) => t.id === 'ml-training'),
      ).toMatchObject({ gpu: true, defaultTier: 'xlarge' });
    });

    it('GET /tiers and /priorities list the catalogs, smallest and most urgent first', async () => {
      const tiers = await request(app).get('/tiers');
      expect(tiers.status).toBe(200);
      expect(tiers.body).toEqual({ items: JSON.parse(JSON.stringify(TIERS)) });
      expect(tiers.body.items.map((t: { id: string }) => t.id)).toEqual([
        'micro',
        'small',
        'medium',
        'large',
        'xlarge',
        'enterprise',
      ]);
      expect(tiers.body.items[0]).toMatchObject({
        cpu: '100m',
        memory: '128Mi',
      });

      const priorities = await request(app).get('/priorities');
      expect(priorities.status).toBe(200);
      expect(priorities.body).toEqual({
        items: JSON.parse(JSON.stringify(PRIORITIES)),
      });
      expect(
        priorities.body.items.map(
          (p: { id: string; priorityClassName: string }) => [
            p.id,
            p.priorityClassName,
          ],
        ),
      ).toEqual([
        ['critical', 'tenant-jobs-critical'],
        ['high', 'tenant-jobs-high'],
        ['normal', 'tenant-jobs-normal'],
        ['low', 'tenant-jobs-low'],
        ['batch', 'tenant-jobs-batch'],
      ]);
      expect(
        priorities.body.items.find((p: { id: string }) => p.id === 'batch')
          .preemptionPolicy,
      ).toBe('Never');
    });

    it("GET /tenants lists the caller's tenants with plan, namespace, usage and quota", async () => {
      await submit(etl()).expect(201);
      const res = await request(app).get('/tenants');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [
          {
            id: 'acme',
            title: 'ACME',
            groupRef: ACME_GROUP,
            plan: expect.objectContaining({ id: 'standard', maxTier: 'large' }),
            cluster: 'local',
            namespace: 'tenant-acme',
            activeJobs: 1,
            quota: cluster.quota,
          },
        ],
      });
    });

    it('GET /tenants still answers when the quota cannot be read', async () => {
      cluster.quotaError = new ServiceUnavailableError('cluster down');
      const res = await request(app).get('/tenants');
      expect(res.status).toBe(200);
      expect(res.body.items[0]).toMatchObject({ id: 'acme', quota: null });
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining("Could not read the quota of tenant 'acme'"),
      );
    });
  });

  describe('authentication', () => {
    it.each([
      ['get', '/job-types'],
      ['get', '/tiers'],
      ['get', '/priorities'],
      ['get', '/tenants'],
      ['post', '/runs'],
      ['get', '/runs/some-id'],
      ['post', '/runs/some-id/cancel'],
      ['post', '/runs/some-id/retry'],
    ] as const)('%s %s is 401 without credentials', async (method, path) => {
      const res = await request(app)
        [method](path)
        .set('Authorization', mockCredentials.none.header())
        .send(etl());
      expect(res.status).toBe(401);
      expect(res.body.error.name).toBe('AuthenticationError');
      expect(cluster.created).toEqual([]);
      expect(permissions.authorize).not.toHaveBeenCalled();
    });

    it('is 401 for an invalid token and refuses service principals', async () => {
      const invalid = await request(app)
        .post('/runs')
        .set('Authorization', mockCredentials.user.invalidHeader())
        .send(etl());
      expect(invalid.status).toBe(401);
      const service = await request(app)
        .post('/runs')
        .set('Authorization', mockCredentials.service.header())
        .send(etl());
      expect(service.status).toBe(403);
      expect(await runCount()).toBe(0);
    });
  });

  describe('POST /runs', () => {
    it('creates the run and the Job: 201, authorized for the tenant', async () => {
      const res = await submit(etl({ priority: 'low' }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        tenantId: 'acme',
        jobType: 'data-etl',
        tier: 'large',
        priority: 'low',
        status: 'Pending',
        namespace: 'tenant-acme',
        submittedBy: ALICE,
        uid: 'uid-1',
        dryRun: false,
      });
      expect(permissions.authorize).toHaveBeenCalledWith(
        [
          {
            permission: tenantJobsRunCreatePermission,
            resourceRef: 'tenant:acme',
          },
        ],
        {
          credentials: expect.objectContaining({
            principal: expect.objectContaining({ userEntityRef: ALICE }),
          }),
        },
      );
      expect(cluster.provisioned).toEqual([
        { tenantId: 'acme', plan: expect.objectContaining({ id: 'standard' }) },
      ]);
      expect(cluster.created).toHaveLength(1);
      expect(cluster.created[0].metadata).toMatchObject({
        name: res.body.jobName,
        namespace: 'tenant-acme',
        labels: expect.objectContaining({
          'tenant-jobs.io/run-id': res.body.id,
        }),
      });
      expect(await runCount()).toBe(1);
      const [row] = await auditRows();
      expect(row).toMatchObject({
        actor: ALICE,
        action: 'run-submit',
        tenant_id: 'acme',
        run_id: res.body.id,
        outcome: 'succeeded',
      });
    });

    it.each([
      [
        'an unknown tier',
        etl({ tier: 'huge' }),
        "tier: must be one of micro, small, medium, large, xlarge, enterprise (got 'huge')",
      ],
      [
        'a tier above the plan',
        etl({ tier: 'xlarge' }),
        "tier: tier 'xlarge' exceeds the maximum tier 'large' of plan 'standard'",
      ],
      [
        'an unknown job type',
        etl({ jobType: 'crypto-miner' }),
        "jobType: unknown job type 'crypto-miner'; available: ml-training, data-etl",
      ],
      [
        'a job type the plan does not allow',
        { tenantId: 'acme', jobType: 'security-scan' },
        "jobType: job type 'security-scan' is not available on plan 'standard'",
      ],
      [
        'a parameter the type does not have',
        etl({ parameters: { source: 'a', destination: 'b', cmd: 'id' } }),
        'parameters.cmd: is not a parameter of this job type',
      ],
      [
        'a missing required parameter',
        etl({ parameters: { source: 'a' } }),
        'parameters.destination: is required',
      ],
      [
        'a shell string in a parameter',
        etl({ parameters: { source: '$(id)', destination: 'b' } }),
        'parameters.source: must match pattern',
      ],
      [
        'an unknown field',
        etl({ namespace: 'kube-system' }),
        'namespace: unknown field; allowed fields are tenantId, jobType',
      ],
      [
        'a malformed tenant id',
        etl({ tenantId: 'ACME!' }),
        'tenantId: must be a DNS-1123 label',
      ],
      ['an array', [etl()], 'request body: must be a JSON object'],
    ])('is 400 for %s, saying what to fix', async (_, body, message) => {
      const res = await submit(body);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain(message);
      expect(cluster.created).toEqual([]);
      expect(cluster.dryRuns).toEqual([]);
      expect(await runCount()).toBe(0);
      expect((await auditRows()).map(r => r.outcome)).toEqual(['refused']);
    });

    it('is 413 for a body over 64kb', async () => {
      const res = await submit(
        etl({ parameters: { source: 'x'.repeat(65 * 1024) } }),
      );
      expect(res.status).toBe(413);
      expect(await runCount()).toBe(0);
    });

    it('is 403 when the permission framework denies, and nothing is sent or stored', async () => {
      deny();
      const res = await submit(etl());
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        name: 'NotAllowedError',
        message:
          "You may not launch jobs for tenant 'acme': you are not a member of it",
      });
      expect(cluster.provisioned).toEqual([]);
      expect(cluster.created).toEqual([]);
      expect(await runCount()).toBe(0);
      expect(await auditRows()).toEqual([
        expect.objectContaining({
          actor: ALICE,
          action: 'run-submit',
          tenant_id: 'acme',
          outcome: 'refused',
        }),
      ]);
      const event = await auditor.createEvent.mock.results[0].value;
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'run-submit',
          meta: { tenantId: 'acme', runId: undefined },
        }),
      );
      expect(event.fail).toHaveBeenCalled();
    });

    it("queues submissions over the plan's maxConcurrentJobs, suspended, and starts them as slots free", async () => {
      const first = await submit(solo('2026-01'));
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ status: 'Pending' });
      expect(cluster.created[0].spec?.suspend).toBeUndefined();

      // Over the limit: recorded and created, but suspended and waiting.
      const second = await submit(solo('2026-02'));
      expect(second.status).toBe(201);
      expect(second.body).toMatchObject({
        status: 'Queued',
        reason: 'WaitingForSlot',
      });
      expect(second.body.releasedAt).toBeUndefined();
      expect(cluster.created[1].spec?.suspend).toBe(true);
      const third = await submit(solo('2026-03', { priority: 'high' }));
      expect(third.body.status).toBe('Queued');
      // High before normal, whatever came first.
      const place = await request(app).get(`/runs/${second.body.id}`);
      expect(place.body.queue).toMatchObject({
        position: 2,
        running: 1,
        slots: 1,
      });

      // The queue is full (tenantJobs.queue.maxQueuedPerTenant: 2).
      const fourth = await submit(solo('2026-04'));
      expect(fourth.status).toBe(409);
      expect(fourth.body.error.message).toContain(
        "Tenant 'solo' already runs 1 jobs, the most its plan allows at once (maxConcurrentJobs 1), and 2 more wait in its queue",
      );
      // A dry run does not take a slot, so it is not limited.
      expect((await submit(solo('2026-05', { dryRun: true }))).status).toBe(
        200,
      );

      // The running one is cancelled: the high-priority one starts.
      await request(app).post(`/runs/${first.body.id}/cancel`).expect(200);
      expect(cluster.resumed).toEqual([`tenant-solo/${third.body.jobName}`]);
      const started = await request(app).get(`/runs/${third.body.id}`);
      expect(started.body).toMatchObject({
        status: 'Queued',
        reason: 'Released',
        releasedAt: expect.any(String),
      });
      expect(started.body.queue).toBeUndefined();
      expect(
        (await request(app).get(`/runs/${second.body.id}`)).body.queue,
      ).toMatchObject({ position: 1 });
    });

    it('frees the slot of a cancelled run even when its Job cannot be deleted yet', async () => {
      const first = await submit(solo('2026-01'));
      const second = await submit(solo('2026-02'));
      expect(second.body.reason).toBe('WaitingForSlot');
      cluster.deleteError = new ServiceUnavailableError(
        "Cluster 'local' could not be reached",
      );

      const cancelled = await request(app).post(
        `/runs/${first.body.id}/cancel`,
      );

      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('Cancelled');
      // The waiting run got the slot; the Job is left to the reconcile.
      expect(cluster.resumed).toEqual([`tenant-solo/${second.body.jobName}`]);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('the reconcile deletes it'),
      );
    });

    it('frees the slot of a run whose Job finished, recording how it ended', async () => {
      const first = await submit(solo('2026-01'));
      expect(first.status).toBe(201);
      // What the tracker records when the Job completes.
      await store.observe(first.body.id, {
        status: 'Succeeded',
        reason: 'Completed',
        message: 'Finished successfully after 1 attempt',
        attempts: 1,
        startedAt: '2026-11-27T00:00:01.000Z',
        finishedAt: '2026-11-27T00:00:05.000Z',
        version: 10,
        observed: { conditions: [], pods: [] },
      });
      const second = await submit(solo('2026-02'));
      expect(second.status).toBe(201);
      const done = await request(app).get(`/runs/${first.body.id}`);
      expect(done.body).toMatchObject({
        status: 'Succeeded',
        reason: 'Completed',
        attempts: 1,
        finishedAt: '2026-11-27T00:00:05.000Z',
      });
    });

    it('answers a dry run with 200 and the manifest, creating nothing', async () => {
      // A tenant without a namespace yet: only the plugin's checks run,
      // and nothing is provisioned for it.
      const first = await submit(etl({ dryRun: true, tier: 'small' }));
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        dryRun: true,
        tenantId: 'acme',
        jobType: 'data-etl',
        tier: 'small',
        priority: 'normal',
        namespace: 'tenant-acme',
        checkedBy: 'plugin',
        manifest: expect.objectContaining({ kind: 'Job' }),
      });
      expect(first.body.message).toContain('does not exist yet');
      expect(first.body.manifest.metadata.name).toBe(first.body.jobName);
      expect(cluster.provisioned).toEqual([]);
      expect(cluster.dryRuns).toHaveLength(0);

      // Once the namespace exists, the apiserver judges the Job.
      expect((await submit(etl())).status).toBe(201);
      const provisions = cluster.provisioned.length;
      const second = await submit(etl({ dryRun: true, tier: 'small' }));
      expect(second.body).toMatchObject({
        dryRun: true,
        checkedBy: 'apiserver',
      });
      expect(cluster.dryRuns).toHaveLength(1);
      expect(cluster.provisioned).toHaveLength(provisions);
      expect(cluster.created).toHaveLength(1);
      expect(await runCount()).toBe(1);
    });

    it('replays an idempotent submission and refuses the key for another request', async () => {
      const first = await submit(etl({ idempotencyKey: 'k-1' }));
      expect(first.status).toBe(201);
      const again = await submit(etl({ idempotencyKey: 'k-1' }));
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      const other = await submit(etl({ idempotencyKey: 'k-1', tier: 'small' }));
      expect(other.status).toBe(409);
      expect(other.body.error.message).toContain(
        `idempotencyKey: 'k-1' was already used for a different request (run ${first.body.id})`,
      );
      expect(cluster.created).toHaveLength(1);
      expect(await runCount()).toBe(1);
    });

    it.each([
      [
        'a quota refusal',
        new ConflictError('exceeded quota: tenant-jobs-quota'),
        409,
        'refused',
        0,
        /^exceeded quota: tenant-jobs-quota$/,
      ],
      // The Job may exist after all: the run stays Queued for reconciliation.
      // Its details stay in the log, under the reference the caller gets.
      [
        'an unreachable cluster',
        new ServiceUnavailableError("Cluster 'local' could not be reached"),
        503,
        'failed',
        1,
        /^Cluster 'local' is unavailable; try again shortly \(log reference [0-9a-f]{12}\)$/,
      ],
    ])(
      'passes on %s and keeps a run only when the Job may exist',
      async (_, error, status, outcome, runs, message) => {
        cluster.createError = error;
        const res = await submit(etl());
        expect(res.status).toBe(status);
        expect(res.body.error.message).toMatch(message);
        expect(await runCount()).toBe(runs);
        expect((await auditRows()).map(r => r.outcome)).toEqual([outcome]);
      },
    );
  });

  it("records a run whose Job the quota refuses on a later send as Failed / QuotaExceeded, in the apiserver's words", async () => {
    // The first send got no answer: the run stays Queued for the reconcile.
    cluster.createError = new ServiceUnavailableError(
      "Cluster 'local' could not be reached",
    );
    expect((await submit(etl())).status).toBe(503);
    const [queued] = await store.listByStatus('local', ['Queued']);
    // By the time the reconcile sends it, the tenant's quota is full.
    const words =
      'jobs.batch "etl-1" is forbidden: exceeded quota: tenant-jobs-quota, requested: count/jobs.batch=1, used: count/jobs.batch=50, limited: count/jobs.batch=50';
    cluster.createError = new QuotaExceededError(
      `Cluster 'local' refused to create Job: the tenant's quota does not allow it: ${words}`,
      words,
    );

    const failed = await jobService.sendRecorded(queued);

    expect(failed).toMatchObject({
      id: queued.id,
      status: 'Failed',
      reason: 'QuotaExceeded',
      message: expect.stringContaining(words),
      finishedAt: expect.any(String),
    });
    expect(await store.get(queued.id)).toMatchObject({
      status: 'Failed',
      reason: 'QuotaExceeded',
    });
  });

  it('logs a 5xx in full under the reference it answers with', async () => {
    const error = new Error('token file /var/run/secrets/token unreadable');
    cluster.createError = error;
    const res = await submit(etl());
    expect(res.status).toBe(500);
    expect(res.body.error.message).not.toContain('/var/run');
    const [, reference] = /log reference ([0-9a-f]+)/.exec(
      res.body.error.message,
    )!;
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining(reference),
      error,
    );
  });

  describe('GET /runs/:runId', () => {
    it('returns the run after authorizing read on it', async () => {
      const created = await submit(etl());
      const res = await request(app).get(`/runs/${created.body.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject(created.body);
      expect(res.body).toMatchObject({ conditions: [], pods: [] });
      expect(permissions.authorize).toHaveBeenLastCalledWith(
        [
          {
            permission: tenantJobsRunReadPermission,
            resourceRef: `run:${created.body.id}`,
          },
        ],
        expect.anything(),
      );
    });

    it('is the same 404 when denied as for a run that does not exist', async () => {
      const created = await submit(etl());
      deny();
      const res = await request(app).get(`/runs/${created.body.id}`);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({
        name: 'NotFoundError',
        message: `No tenant job run with id '${created.body.id}'`,
      });
      expect(JSON.stringify(res.body)).not.toContain('acme');
    });

    it('is 404 for an unknown run id', async () => {
      const res = await request(app).get('/runs/no-such-run');
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({
        name: 'NotFoundError',
        message: "No tenant job run with id 'no-such-run'",
      });
    });
  });

  describe('POST /runs/:runId/cancel and /retry', () => {
    it('cancels: deletes the Job, marks the run Cancelled, then refuses a second cancel', async () => {
      const created = await submit(etl());
      const res = await request(app).post(`/runs/${created.body.id}/cancel`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: created.body.id,
        status: 'Cancelled',
        reason: 'CancelledByUser',
        message: `Cancelled by ${
          mockCredentials.user().principal.userEntityRef
        }`,
      });
      expect(cluster.deleted).toEqual([`tenant-acme/${created.body.jobName}`]);
      expect(permissions.authorize).toHaveBeenLastCalledWith(
        [
          {
            permission: tenantJobsRunCancelPermission,
            resourceRef: `run:${created.body.id}`,
          },
        ],
        expect.anything(),
      );

      const again = await request(app).post(`/runs/${created.body.id}/cancel`);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toContain('is already Cancelled');
      expect(cluster.deleted).toHaveLength(1);
    });

    it('is 403 to cancel when only cancelling is denied, and the Job stays', async () => {
      const created = await submit(etl());
      permissions.authorize.mockImplementation(async requests =>
        requests.map(r => ({
          result:
            r.permission.name === tenantJobsRunCancelPermission.name ||
            r.permission.name === tenantJobsTenantProvisionPermission.name
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })),
      );
      const res = await request(app).post(`/runs/${created.body.id}/cancel`);
      expect(res.status).toBe(403);
      expect(cluster.deleted).toEqual([]);
      const rows = await auditRows();
      expect(rows.at(-1)).toMatchObject({
        action: 'run-cancel',
        run_id: created.body.id,
        outcome: 'refused',
      });
    });

    it('retries a finished run under a new id, and refuses to retry an active one', async () => {
      const created = await submit(etl({ idempotencyKey: 'retry-me' }));
      const early = await request(app).post(`/runs/${created.body.id}/retry`);
      expect(early.status).toBe(409);
      expect(early.body.error.message).toContain('is still Pending');

      await request(app).post(`/runs/${created.body.id}/cancel`).expect(200);
      const retry = await request(app).post(`/runs/${created.body.id}/retry`);
      expect(retry.status).toBe(201);
      expect(retry.body.id).not.toBe(created.body.id);
      expect(retry.body.parameters).toEqual(created.body.parameters);
      expect(cluster.created).toHaveLength(2);
      const row = await knex('tenant_jobs_runs')
        .where({ id: retry.body.id })
        .first();
      expect(row).toMatchObject({
        retry_of: created.body.id,
        idempotency_key: null,
      });
    });

    it.each(['cancel', 'retry'])(
      '%s is 404 for an unknown run id',
      async action => {
        const res = await request(app).post(`/runs/no-such-run/${action}`);
        expect(res.status).toBe(404);
        expect(cluster.deleted).toEqual([]);
        expect(cluster.created).toEqual([]);
      },
    );
  });

  describe('races and reads', () => {
    it('a cancel that races a submit leaves no Job running', async () => {
      let release!: () => void;
      cluster.createGate = new Promise(resolve => {
        release = resolve;
      });
      const submitting = submit(etl()).then(res => res);
      let queued: { id: string; k8s_name: string } | undefined;
      for (let i = 0; i < 200 && !queued; i++) {
        queued = await knex('tenant_jobs_runs')
          .where({ status: 'Queued' })
          .first();
        if (!queued) await new Promise(resolve => setTimeout(resolve, 5));
      }
      expect(queued).toBeDefined();

      const cancel = await request(app).post(`/runs/${queued!.id}/cancel`);
      expect(cancel.status).toBe(200);
      expect(cancel.body.status).toBe('Cancelled');
      release();
      const submitted = await submitting;

      expect(submitted.status).toBe(201);
      expect(submitted.body.status).toBe('Cancelled');
      expect(cluster.created.map(j => j.metadata?.name)).toEqual([
        queued!.k8s_name,
      ]);
      // The Job created after the cancel was deleted again.
      expect(cluster.deleted.at(-1)).toBe(`tenant-acme/${queued!.k8s_name}`);
      expect((await store.get(queued!.id)).status).toBe('Cancelled');
    });

    it('keeps the namespaces of tenants with active runs provisioned', async () => {
      const created = await submit(etl());
      expect(cluster.provisioned.map(p => p.tenantId)).toEqual(['acme']);
      expect(await jobService.keepTenantsProvisioned()).toBe(1);
      expect(cluster.provisioned.map(p => p.tenantId)).toEqual([
        'acme',
        'acme',
      ]);
      await request(app).post(`/runs/${created.body.id}/cancel`).expect(200);
      expect(await jobService.keepTenantsProvisioned()).toBe(0);
    });

    it('lists only what the read conditions allow, filtered in the query', async () => {
      const mine = await submit(etl());
      await store.create({
        id: 'other-tenant-run',
        tenantId: 'solo',
        jobType: 'billing-report',
        tier: 'small',
        priority: 'normal',
        request: { tenantId: 'solo', jobType: 'billing-report' },
        submittedBy: 'user:default/bob',
        cluster: 'local',
        namespace: 'tenant-solo',
        k8sName: 'billing-report-solo-1',
      });
      permissions.authorizeConditional.mockResolvedValue([
        {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'tenant-jobs',
          resourceType: 'tenant-jobs-run',
          conditions: {
            rule: 'IS_TENANT_MEMBER',
            resourceType: 'tenant-jobs-run',
            params: { claims: [ALICE, ACME_GROUP] },
          },
        },
      ]);
      const res = await request(app).get('/runs');
      expect(res.status).toBe(200);
      expect(res.body.items.map((r: { id: string }) => r.id)).toEqual([
        mine.body.id,
      ]);
      const stats = await request(app).get('/stats');
      expect(stats.body.items).toEqual([
        expect.objectContaining({ tenantId: 'acme', total: 1, active: 1 }),
      ]);

      permissions.authorizeConditional.mockResolvedValue([
        { result: AuthorizeResult.DENY },
      ]);
      expect((await request(app).get('/runs')).body.items).toEqual([]);
      permissions.authorizeConditional.mockResolvedValue([
        { result: AuthorizeResult.ALLOW },
      ]);
      expect((await request(app).get('/runs')).body.items).toHaveLength(2);
    });

    it('ends a live log behind middleware that drops write callbacks, as compression does', async () => {
      const created = await submit(etl());
      const pod = `${created.body.jobName}-fghij`;
      await store.observe(created.body.id, {
        status: 'Running',
        reason: 'Started',
        message: 'Running',
        attempts: 1,
        version: 5,
        observed: {
          conditions: [],
          pods: [{ name: pod, phase: 'Running', restarts: 0 }],
        },
      });
      cluster.logs.set(pod, 'first line\nsecond line\n');
      // What Backstage's root router installs: res.write and res.end
      // without their callbacks.
      const compressed = express()
        .use((_req, res, next) => {
          const write = res.write.bind(res) as (...args: unknown[]) => boolean;
          const end = res.end.bind(res) as (...args: unknown[]) => unknown;
          Object.assign(res, {
            write: (chunk: unknown, encoding: unknown) =>
              write(chunk, typeof encoding === 'string' ? encoding : undefined),
            end: (chunk: unknown, encoding: unknown) => end(chunk, encoding),
          });
          next();
        })
        .use(app);

      const res = await request(compressed)
        .get(`/runs/${created.body.id}/logs`)
        .timeout(3000);

      expect(res.status).toBe(200);
      expect(res.text).toBe('first line\nsecond line\n');
    });

    it('serves logs live while the pod exists and from the archive after', async () => {
      const created = await submit(etl());
      const id = created.body.id;
      const pod = `${created.body.jobName}-abcde`;
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
      cluster.logs.set(pod, 'live line\n');
      const live = await request(app).get(`/runs/${id}/logs`);
      expect(live.status).toBe(200);
      expect(live.headers['tenant-jobs-log-source']).toBe('live');
      expect(live.text).toBe('live line\n');

      await archives.save(id, {
        logs: [{ podName: pod, log: 'archived line\n', truncated: false }],
        events: [
          {
            type: 'Normal',
            reason: 'Completed',
            message: 'Job completed',
            objectKind: 'Job',
            objectName: created.body.jobName,
            count: 1,
          },
        ],
      });
      cluster.logs.delete(pod);
      const archived = await request(app).get(`/runs/${id}/logs`);
      expect(archived.headers['tenant-jobs-log-source']).toBe('archive');
      expect(archived.text).toBe('archived line\n');
      const events = await request(app).get(`/runs/${id}/events`);
      expect(events.body).toMatchObject({
        source: 'archive',
        items: [{ reason: 'Completed' }],
      });
      const detail = await request(app).get(`/runs/${id}`);
      expect(detail.body).toMatchObject({
        logsArchived: true,
        pods: [{ name: pod, exitCode: 0 }],
      });

      const noPod = await request(app).get(`/runs/${id}/logs?pod=nope`);
      expect(noPod.status).toBe(404);
      const badQuery = await request(app).get(`/runs/${id}/logs?lines=5`);
      expect(badQuery.status).toBe(400);
      expect(badQuery.body.error.message).toContain('lines');
    });
  });
});
