import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import authPlugin from '@backstage/plugin-auth-backend';
import request from 'supertest';
import { authModuleDemoProvider } from './module';
import { DEMO_USER_HEADER } from './authenticator';

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'alice', namespace: 'default' },
    spec: { memberOf: ['team-acme'] },
    relations: [{ type: 'memberOf', targetRef: 'group:default/team-acme' }],
  },
];

async function startAuth(authConfig: object) {
  return startTestBackend({
    features: [
      authPlugin,
      authModuleDemoProvider,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          auth: { session: { secret: 'test-secret' }, ...authConfig },
        },
      }),
    ],
  });
}

describe('authModuleDemoProvider', () => {
  it('signs a catalog user in with their group ownership', async () => {
    const backend = await startAuth({ providers: { demo: {} } });
    try {
      const res = await request(backend.server)
        .get('/api/auth/demo/refresh')
        .set(DEMO_USER_HEADER, 'alice');
      expect(res.status).toBe(200);
      expect(res.body.backstageIdentity.identity).toEqual(
        expect.objectContaining({
          userEntityRef: 'user:default/alice',
          ownershipEntityRefs: expect.arrayContaining([
            'user:default/alice',
            'group:default/team-acme',
          ]),
        }),
      );
      expect(res.body.backstageIdentity.token).toEqual(expect.any(String));
    } finally {
      await backend.stop();
    }
  });

  it('refuses users that are not in the catalog and requests without a user', async () => {
    const backend = await startAuth({ providers: { demo: {} } });
    try {
      const unknown = await request(backend.server)
        .get('/api/auth/demo/refresh')
        .set(DEMO_USER_HEADER, 'mallory');
      expect(unknown.status).toBeGreaterThanOrEqual(400);
      expect(unknown.body.backstageIdentity).toBeUndefined();

      const missing = await request(backend.server).get(
        '/api/auth/demo/refresh',
      );
      expect(missing.status).toBe(401);
      expect(missing.body.error.message).toContain(DEMO_USER_HEADER);

      const bad = await request(backend.server)
        .get('/api/auth/demo/refresh')
        .set(DEMO_USER_HEADER, '../admin');
      expect(bad.status).toBe(401);
      expect(bad.body.error.message).toContain('Invalid demo user name');
    } finally {
      await backend.stop();
    }
  });

  it('is not registered unless configured', async () => {
    const backend = await startAuth({ providers: {} });
    try {
      const res = await request(backend.server)
        .get('/api/auth/demo/refresh')
        .set(DEMO_USER_HEADER, 'alice');
      expect(res.status).toBe(404);
    } finally {
      await backend.stop();
    }
  });
});
