import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { ClusterHealth } from '../metrics/ClusterHealth';
import { TenantAccess } from '../access';
import { TenantDirectory } from '../catalog/TenantDirectory';
import { createHealthRouter } from './healthRoutes';

/** A plugin whose cluster 'east' stopped answering, with a revealing error. */
function degradedApp(decision: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  const health = new ClusterHealth({ clusters: ['east'] });
  health.onRequest({
    cluster: 'east',
    verb: 'list',
    resource: 'jobs',
    durationSeconds: 30,
    errorType: 'timeout',
  });
  const logger = mockServices.logger.mock();
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockResolvedValue([{ result: decision }]);
  const app = express().use(
    createHealthRouter({
      health,
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.none(),
      }),
      access: new TenantAccess({
        httpAuth: mockServices.httpAuth(),
        permissions,
        userInfo: mockServices.userInfo(),
        authorizer: async () => false,
        tenants: {} as TenantDirectory,
        getRun: async () => undefined,
      }),
      logger,
    }),
    mockErrorHandler(),
  );
  return { app, logger, permissions };
}

describe('GET /health', () => {
  it('tells a caller without credentials only whether the plugin is healthy', async () => {
    const { app, logger } = degradedApp(AuthorizeResult.ALLOW);
    const res = await request(app).get('/health');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'degraded' });
    // The details go to the log, once while they stay the same.
    await request(app).get('/health');
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining("cluster 'east' is unreachable"),
    );
  });

  it('tells a signed-in user outside the platform team no more', async () => {
    const { app } = degradedApp(AuthorizeResult.DENY);
    const res = await request(app)
      .get('/health')
      .set('Authorization', mockCredentials.user.header('user:default/bob'));
    expect(res.body).toEqual({ status: 'degraded' });
  });

  it('tells the platform team and other backend plugins what is wrong', async () => {
    const { app, permissions } = degradedApp(AuthorizeResult.ALLOW);
    const asAdmin = await request(app)
      .get('/health')
      .set('Authorization', mockCredentials.user.header('user:default/dave'));
    expect(asAdmin.status).toBe(503);
    expect(asAdmin.body).toMatchObject({
      status: 'degraded',
      unreachableClusters: ['east'],
      clusters: [
        expect.objectContaining({ cluster: 'east', reachable: false }),
      ],
    });
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({
            name: 'tenant-jobs.tenant.provision',
          }),
        },
      ],
      expect.anything(),
    );
    const asService = await request(app)
      .get('/health')
      .set('Authorization', mockCredentials.service.header());
    expect(asService.body.unreachableClusters).toEqual(['east']);
  });
});
