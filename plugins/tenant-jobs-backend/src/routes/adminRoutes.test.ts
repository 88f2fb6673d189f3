import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  TenantPlan,
  tenantNamespaceName,
  tenantJobsTenantProvisionPermission,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import express from 'express';
import { Knex } from 'knex';
import request from 'supertest';
import { openDatabase } from '../database';
import { TenantAccess } from '../access';
import { TenantDirectory } from '../catalog/TenantDirectory';
import { TenantService } from '../usecases/TenantService';
import { registerAdminRoutes } from './adminRoutes';
import { AuditTrail } from '../audit';
import { createRoutes, TenantJobsUseCases } from './context';
import { errorHandler, jsonBody } from './httpErrors';
import { ResolvedTenant } from '../usecases/RunService';
import { TenantCluster, TenantClusters } from '../cluster/TenantCluster';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const DAVE = 'user:default/dave';
const PATTERN = 'tenant-{tenant}';

const enterprise: TenantPlan = {
  id: 'enterprise',
  maxTier: 'enterprise',
  maxPriority: 'critical',
  quota: { cpu: '64', memory: '256Gi', gpu: 8 },
};

const acme: ResolvedTenant = {
  id: 'acme',
  title: 'ACME',
  groupRef: 'group:default/acme-team',
  plan: enterprise,
  cluster: 'local',
  namespace: tenantNamespaceName(PATTERN, 'acme'),
};

describe('POST /tenants/:id/provision', () => {
  let knex: Knex;
  let app: express.Express;
  let permissions: ReturnType<typeof mockServices.permissions.mock>;
  let auditor: ReturnType<typeof mockServices.auditor.mock>;
  let resolveTenant: jest.Mock<Promise<ResolvedTenant>, [string]>;
  let cluster: {
    ensurePriorityClasses: jest.Mock;
    provisionTenant: jest.Mock;
  };

  beforeEach(async () => {
    knex = await databases.init('SQLITE_3');
    const { audit } = await openDatabase({
      database: mockServices.database({ knex }),
    });
    permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    });
    auditor = mockServices.auditor.mock();
    const logger = mockServices.logger.mock();
    resolveTenant = jest.fn(async (id: string) => {
      if (id === 'acme') return acme;
      if (id === 'claimed-twice') {
        throw new ConflictError(
          "Tenant 'claimed-twice' cannot be used: claimed by two groups",
        );
      }
      throw new NotFoundError(`No tenant '${id}' in the catalog`);
    });
    cluster = {
      ensurePriorityClasses: jest.fn(async () => undefined),
      provisionTenant: jest.fn(async (id: string, _plan, pattern: string) =>
        tenantNamespaceName(pattern, id),
      ),
    };
    const clusters: TenantClusters = {
      names: () => ['local'],
      get: name => {
        expect(name).toBe('local');
        return cluster as unknown as TenantCluster;
      },
    };
    const { routes, route } = await createRoutes();
    registerAdminRoutes({
      access: new TenantAccess({
        httpAuth: mockServices.httpAuth(),
        userInfo: mockServices.userInfo(),
        permissions,
        authorizer: async () => false,
        tenants: {} as TenantDirectory,
        getRun: async () => undefined,
      }),
      audit: new AuditTrail({ auditor, store: audit, logger }),
      useCases: {
        tenants: new TenantService({
          tenants: {} as TenantDirectory,
          runService: { resolveTenant },
          runs: { countActive: async () => 0 },
          clusters,
          logger,
          config: {
            namespacePattern: PATTERN,
            preemptingPriorities: ['critical'],
          },
        }),
      } as TenantJobsUseCases,
      route,
    });
    app = express()
      .use(jsonBody('64kb'))
      .use(routes)
      .use(errorHandler({ logger }));
  });

  const provision = (id: string, body?: object) => {
    const call = request(app)
      .post(`/tenants/${encodeURIComponent(id)}/provision`)
      .set('Authorization', mockCredentials.user.header(DAVE));
    return body === undefined ? call : call.send(body);
  };
  const auditRows = () => knex('tenant_jobs_audit').orderBy('id');
  const deny = () =>
    permissions.authorize.mockImplementation(async requests =>
      requests.map(() => ({ result: AuthorizeResult.DENY })),
    );

  it('applies the tenant in its cluster now, for an admin, and audits it', async () => {
    const res = await provision('acme');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tenantId: 'acme',
      title: 'ACME',
      groupRef: 'group:default/acme-team',
      plan: enterprise,
      cluster: 'local',
      namespace: 'tenant-acme',
      dryRun: false,
    });
    // The basic permission, asked without a resource.
    expect(permissions.authorize).toHaveBeenCalledWith(
      [{ permission: tenantJobsTenantProvisionPermission }],
      { credentials: expect.anything() },
    );
    expect(cluster.ensurePriorityClasses).toHaveBeenCalledWith({
      preempting: ['critical'],
    });
    // maxAgeMs 0: applied again even if this process applied it recently.
    expect(cluster.provisionTenant).toHaveBeenCalledWith(
      'acme',
      enterprise,
      PATTERN,
      { maxAgeMs: 0 },
    );
    const rows = await auditRows();
    expect(rows.map(r => [r.action, r.actor, r.tenant_id, r.outcome])).toEqual([
      ['tenant-provision', DAVE, 'acme', 'succeeded'],
    ]);
    expect(JSON.parse(rows[0].detail)).toMatchObject({
      plan: 'enterprise',
      cluster: 'local',
      namespace: 'tenant-acme',
      dryRun: false,
    });
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'tenant-provision',
        meta: { tenantId: 'acme', runId: undefined },
      }),
    );
  });

  it('refuses anyone the policy denies with 403, before looking the tenant up, and audits it', async () => {
    deny();
    const res = await provision('acme');

    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      error: {
        name: 'NotAllowedError',
        message: 'You may not provision tenants: that is for the platform team',
      },
      response: { statusCode: 403 },
    });
    expect(resolveTenant).not.toHaveBeenCalled();
    expect(cluster.provisionTenant).not.toHaveBeenCalled();
    expect(cluster.ensurePriorityClasses).not.toHaveBeenCalled();
    expect(
      (await auditRows()).map(r => [r.action, r.tenant_id, r.outcome]),
    ).toEqual([['tenant-provision', 'acme', 'refused']]);
    // A tenant that does not exist gets the same answer.
    expect((await provision('nobody')).status).toBe(403);
  });

  it('refuses a caller without a user', async () => {
    const res = await request(app)
      .post('/tenants/acme/provision')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
    expect(cluster.provisionTenant).not.toHaveBeenCalled();
  });

  it('answers a dry run with what would be provisioned, applying nothing', async () => {
    const res = await provision('acme', { dryRun: true });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tenantId: 'acme',
      namespace: 'tenant-acme',
      cluster: 'local',
      dryRun: true,
    });
    expect(cluster.provisionTenant).not.toHaveBeenCalled();
    expect(cluster.ensurePriorityClasses).not.toHaveBeenCalled();
    expect((await auditRows()).map(r => r.outcome)).toEqual(['succeeded']);
  });

  it.each([
    ['an unknown tenant', 'nobody', undefined, 404, /No tenant 'nobody'/],
    [
      'a refused tenant',
      'claimed-twice',
      undefined,
      409,
      /claimed by two groups/,
    ],
    [
      'an id that is no tenant id',
      'Kube_System',
      undefined,
      400,
      /not a tenant id/,
    ],
    ['an unknown body field', 'acme', { plan: 'gold' }, 400, /'plan'/],
    [
      'a dryRun that is not a boolean',
      'acme',
      { dryRun: 'yes' },
      400,
      /dryRun/,
    ],
  ])(
    'refuses %s, applies nothing and audits it',
    async (_what, id, body, status, message) => {
      const res = await provision(id, body);

      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
      expect(cluster.provisionTenant).not.toHaveBeenCalled();
      expect((await auditRows()).map(r => [r.action, r.outcome])).toEqual([
        ['tenant-provision', 'refused'],
      ]);
    },
  );

  it('reports a cluster failure as a 5xx with a log reference, audited as failed', async () => {
    cluster.provisionTenant.mockRejectedValue(
      new Error('apiserver said: token /var/run/secrets/x is invalid'),
    );
    const res = await provision('acme');

    expect(res.status).toBe(500);
    expect(res.body.error.message).toMatch(/log reference [0-9a-f]{12}/);
    expect(res.body.error.message).not.toMatch(/secrets/);
    expect((await auditRows()).map(r => [r.action, r.outcome])).toEqual([
      ['tenant-provision', 'failed'],
    ]);
  });
});
