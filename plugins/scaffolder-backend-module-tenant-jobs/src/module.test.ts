import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import scaffolderModuleTenantJobs from '.';

describe('scaffolderModuleTenantJobs', () => {
  it("adds the Tenant Jobs actions through the scaffolder's extension point", async () => {
    const added: TemplateAction<any, any, any>[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          { addActions: (...actions: any[]) => added.push(...actions) },
        ],
      ],
      features: [
        scaffolderModuleTenantJobs,
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
      ],
    });
    expect(added.map(a => a.id)).toEqual([
      'tenant-jobs:run:create',
      'tenant-jobs:run:wait',
      'tenant-jobs:run:cancel',
      'tenant-jobs:tenant:provision',
    ]);
    for (const action of added) {
      expect(action.description).toEqual(expect.any(String));
      expect(action.examples?.length).toBeGreaterThan(0);
      expect(action.schema?.input).toMatchObject({ type: 'object' });
      expect(action.schema?.output).toMatchObject({ type: 'object' });
    }
  });
});
