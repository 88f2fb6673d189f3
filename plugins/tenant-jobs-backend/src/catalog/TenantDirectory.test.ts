import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { TenantDirectory, TenantDirectoryConfig } from './TenantDirectory';

function group(name: string, annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, annotations },
    spec: { type: 'team', children: [] },
  };
}

const TRUSTED = 'file:/srv/platform/org/';

function tenantGroup(
  name: string,
  tenantId: string,
  more: Record<string, string> = {},
) {
  return group(name, { 'tenant-jobs.io/tenant-id': tenantId, ...more });
}

function directory(
  entities: Entity[],
  config: Partial<TenantDirectoryConfig> = {},
) {
  const catalog = catalogServiceMock.mock();
  const real = catalogServiceMock({ entities });
  catalog.getEntities.mockImplementation((request, options) =>
    real.getEntities(request, options),
  );
  catalog.getEntityByRef.mockImplementation((ref, options) =>
    real.getEntityByRef(ref, options),
  );
  const logger = mockServices.logger.mock();
  const tenants = new TenantDirectory({
    catalog,
    auth: mockServices.auth(),
    logger,
    config: {
      namespacePattern: 'tenant-{tenant}',
      tenants: new Map(),
      reservedTenantIds: [],
      trustedGroupLocations: [TRUSTED],
      trustedEntityLocations: [TRUSTED],
      ...config,
    },
  });
  return { tenants, catalog, logger };
}

describe('TenantDirectory', () => {
  it('asks the catalog only for Groups with a tenant id', async () => {
    const { tenants, catalog } = directory([
      tenantGroup('team-a', 'acme'),
      group('plain'),
    ]);
    expect(await tenants.getTenant('acme')).toMatchObject({
      id: 'acme',
      groupRef: 'group:default/team-a',
    });
    expect(catalog.getEntities).toHaveBeenCalledWith(
      expect.objectContaining({
        filter: expect.objectContaining({
          kind: 'Group',
          'metadata.annotations.tenant-jobs.io/tenant-id': expect.anything(),
        }),
      }),
      expect.anything(),
    );
  });

  it('honours a plan annotation only from a trusted location', async () => {
    const { tenants } = directory([
      tenantGroup('trusted', 'acme', {
        'tenant-jobs.io/plan': 'enterprise',
        'backstage.io/managed-by-origin-location': `${TRUSTED}groups.yaml`,
      }),
      tenantGroup('self-made', 'globex', {
        'tenant-jobs.io/plan': 'enterprise',
        'backstage.io/managed-by-origin-location':
          'file:/home/someone/groups.yaml',
      }),
    ]);
    expect((await tenants.getTenant('acme'))?.planAnnotation).toBe(
      'enterprise',
    );
    expect((await tenants.getTenant('globex'))?.planAnnotation).toBeUndefined();
  });

  it('refuses an id claimed twice, unless config names its group', async () => {
    const entities = [
      tenantGroup('team-a', 'acme'),
      tenantGroup('impostor', 'acme'),
    ];
    const unconfigured = directory(entities);
    expect(await unconfigured.tenants.getTenant('acme')).toBeUndefined();
    expect(await unconfigured.tenants.getRefusal('acme')).toContain(
      'claimed by more than one Group',
    );
    expect(unconfigured.logger.error).toHaveBeenCalled();
    // Why, only to members of the claiming Groups: it names them.
    expect(
      await unconfigured.tenants.getRefusal('acme', [
        'user:default/bob',
        'group:default/Impostor',
      ]),
    ).toContain('claimed by more than one Group');
    expect(
      await unconfigured.tenants.getRefusal('acme', [
        'user:default/eve',
        'group:default/elsewhere',
      ]),
    ).toBeUndefined();

    const configured = directory(entities, {
      tenants: new Map([['acme', { group: 'group:default/team-a' }]]),
    });
    expect((await configured.tenants.getTenant('acme'))?.groupRef).toBe(
      'group:default/team-a',
    );
    expect(await configured.tenants.getRefusal('acme')).toBeUndefined();
    expect(configured.logger.error).toHaveBeenCalledWith(
      expect.stringContaining('group:default/impostor claims tenant'),
    );
  });

  it('refuses reserved ids and ids whose namespace would be reserved', async () => {
    const { tenants } = directory(
      [
        tenantGroup('sys', 'kube-system'),
        tenantGroup('def', 'default'),
        tenantGroup('ops', 'platform-ops'),
        tenantGroup('ok', 'acme'),
      ],
      { reservedTenantIds: ['platform-*'] },
    );
    for (const id of ['kube-system', 'default', 'platform-ops']) {
      expect(await tenants.getTenant(id)).toBeUndefined();
      expect(await tenants.getRefusal(id)).toMatch(/is reserved/);
    }
    expect(await tenants.getTenant('acme')).toBeDefined();

    const suffixed = directory([tenantGroup('k', 'kube')], {
      namespacePattern: '{tenant}-jobs',
      reservedTenantIds: ['kube-jobs'],
    });
    expect(await suffixed.tenants.getRefusal('kube')).toMatch(/reserved/);
  });

  it('shares one load between concurrent callers', async () => {
    const { tenants, catalog } = directory([tenantGroup('team-a', 'acme')]);
    await Promise.all(
      Array.from({ length: 10 }, () => tenants.getTenant('acme')),
    );
    expect(catalog.getEntities).toHaveBeenCalledTimes(1);
  });

  it('keeps serving the last good view while the catalog is down', async () => {
    jest.useFakeTimers({ now: 0, doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const { tenants, catalog } = directory([tenantGroup('team-a', 'acme')]);
      expect(await tenants.getTenant('acme')).toBeDefined();
      catalog.getEntities.mockRejectedValue(new Error('ECONNREFUSED'));
      jest.setSystemTime(60_000);
      expect(await tenants.getTenant('acme')).toBeDefined();
      expect(catalog.getEntities).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('answers 503 when the catalog was never read', async () => {
    const { tenants, catalog } = directory([]);
    catalog.getEntities.mockRejectedValue(new Error('ECONNREFUSED'));
    await expect(tenants.getTenant('acme')).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
    });
  });

  it('knows which entities belong to a tenant', async () => {
    const { tenants } = directory([
      tenantGroup('team-a', 'acme'),
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'owned' },
        spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'annotated',
          annotations: {
            'tenant-jobs.io/tenant-id': 'acme',
            'backstage.io/managed-by-origin-location': `${TRUSTED}components.yaml`,
          },
        },
        spec: { type: 'service', lifecycle: 'production', owner: 'other' },
      },
      {
        // Anyone may register an entity that claims a tenant.
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'lookalike',
          annotations: {
            'tenant-jobs.io/tenant-id': 'acme',
            'backstage.io/managed-by-origin-location':
              'file:/home/anyone/catalog-info.yaml',
          },
        },
        spec: { type: 'service', lifecycle: 'production', owner: 'other' },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'unregistered',
          annotations: { 'tenant-jobs.io/tenant-id': 'acme' },
        },
        spec: { type: 'service', lifecycle: 'production', owner: 'other' },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'foreign' },
        spec: { type: 'service', lifecycle: 'production', owner: 'other' },
      },
    ]);
    const acme = (await tenants.getTenant('acme'))!;
    expect(await tenants.belongsTo('component:default/owned', acme)).toBe(true);
    expect(await tenants.belongsTo('component:default/annotated', acme)).toBe(
      true,
    );
    expect(await tenants.belongsTo('component:default/foreign', acme)).toBe(
      false,
    );
    expect(await tenants.belongsTo('component:default/lookalike', acme)).toBe(
      false,
    );
    expect(
      await tenants.belongsTo('component:default/unregistered', acme),
    ).toBe(false);
    expect(await tenants.belongsTo('component:default/missing', acme)).toBe(
      false,
    );
  });

  it('knows whether a user is a member of a tenant now', async () => {
    const user = (name: string, memberOf: string[], relations = true) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name },
      spec: { memberOf: relations ? [] : memberOf },
      relations: relations
        ? memberOf.map(targetRef => ({ type: 'memberOf', targetRef }))
        : undefined,
    });
    const { tenants } = directory([
      tenantGroup('team-a', 'acme'),
      tenantGroup('team-b', 'beta'),
      user('processed', ['group:default/team-a']),
      user('unprocessed', ['Team-A'], false),
      user('elsewhere', ['group:default/team-b']),
      group('impostor'),
    ]);
    const acme = (await tenants.getTenant('acme'))!;
    // From the catalog's relations, or from spec.memberOf before processing.
    expect(await tenants.isMember('user:default/processed', acme)).toBe(true);
    expect(await tenants.isMember('user:default/unprocessed', acme)).toBe(true);
    expect(await tenants.isMember('user:default/elsewhere', acme)).toBe(false);
    expect(await tenants.isMember('user:default/gone', acme)).toBe(false);
    // Only a User is anyone's member.
    expect(await tenants.isMember('group:default/team-a', acme)).toBe(false);
  });
});
