// THROWAWAY smoke check (deleted after use): the demo policy module with the
// real scaffolder and permission backends, no cluster, no tenant-jobs plugin.
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { permissionsRegistryServiceFactory } from '@backstage/backend-defaults/permissionsRegistry';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderModuleTenantJobs from '@tenant-jobs/plugin-scaffolder-backend-module-tenant-jobs';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import demoPermissionPolicy from '../../../../packages/backend/src/modules/permissionPolicy';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../../../..');
const template = yaml.parse(
  fs.readFileSync(path.join(ROOT, 'templates/billing-report.yaml'), 'utf8'),
);
template.metadata = { ...template.metadata, namespace: 'default' };
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const as = (u: string) => mockCredentials.user.header(u);

it('smoke', async () => {
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleTenantJobs,
      permissionPlugin,
      demoPermissionPolicy,
      permissionsServiceFactory,
      permissionsRegistryServiceFactory,
      catalogServiceMock.factory({ entities: [template] }),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          app: { baseUrl: 'http://localhost:3000' },
        },
      }),
    ],
  });
  const server = backend.server;
  try {
    const created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', as(ALICE))
      .send({
        templateRef: 'template:default/tenant-jobs-billing-report',
        values: {
          job: { tenantId: 'x', tier: 'small', parameters: {} },
          wait: 'none',
        },
      });
    console.log('create', created.status, JSON.stringify(created.body));
    const id = created.body.id;
    let task: any;
    for (let i = 0; i < 100; i++) {
      const r = await request(server)
        .get(`/api/scaffolder/v2/tasks/${id}`)
        .set('Authorization', as(ALICE));
      task = r.body;
      if (['completed', 'failed'].includes(task.status)) break;
      await new Promise(res => setTimeout(res, 200));
    }
    console.log('alice task', task.status, task.createdBy);
    const ev = await request(server)
      .get(`/api/scaffolder/v2/tasks/${id}/events`)
      .set('Authorization', as(ALICE));
    console.log(
      'alice events',
      ev.status,
      JSON.stringify(
        ev.body.map((e: any) => [e.type, e.body.message]),
        null,
        1,
      ),
    );
    for (const [what, req] of [
      ['bob get', request(server).get(`/api/scaffolder/v2/tasks/${id}`)],
      ['bob events', request(server).get(`/api/scaffolder/v2/tasks/${id}/events`)],
      [
        'bob eventstream',
        request(server).get(`/api/scaffolder/v2/tasks/${id}/eventstream`),
      ],
      ['bob list', request(server).get('/api/scaffolder/v2/tasks')],
      [
        'bob list alice',
        request(server).get(
          `/api/scaffolder/v2/tasks?createdBy=${encodeURIComponent(ALICE)}`,
        ),
      ],
      ['bob cancel', request(server).post(`/api/scaffolder/v2/tasks/${id}/cancel`).send({})],
      ['bob retry', request(server).post(`/api/scaffolder/v2/tasks/${id}/retry`).send({})],
      ['bob template mgmt (dry-run)', request(server).post('/api/scaffolder/v2/dry-run').send({ template, values: {}, directoryContents: [] })],
    ] as const) {
      const r = await (req as any).set('Authorization', as(BOB));
      console.log(what, r.status, r.text.slice(0, 200));
    }
    const aliceList = await request(server)
      .get('/api/scaffolder/v2/tasks')
      .set('Authorization', as(ALICE));
    console.log('alice list', aliceList.status, aliceList.body.totalTasks, aliceList.body.tasks?.map((t: any) => t.id));
    const anon = await request(server).get(`/api/scaffolder/v2/tasks/${id}`);
    console.log('anonymous', anon.status, anon.text.slice(0, 200));
  } finally {
    await backend.stop();
  }
});
