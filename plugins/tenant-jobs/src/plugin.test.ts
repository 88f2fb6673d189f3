import {
  EntityTenantJobsCard,
  EntityTenantJobsContent,
  isTenantJobsAvailable,
  TenantJobsPage,
  tenantJobsPlugin,
} from './index';
import { ENTITY } from './__testUtils__/fakeData';

describe('the legacy frontend system plugin', () => {
  it('provides the plugin, its API and its extensions', () => {
    expect(tenantJobsPlugin.getId()).toBe('tenant-jobs');
    expect(
      [...tenantJobsPlugin.getApis()].map(factory => factory.api.id),
    ).toEqual(['plugin.tenant-jobs.api']);
    expect(TenantJobsPage).toBeDefined();
    expect(EntityTenantJobsContent).toBeDefined();
    expect(EntityTenantJobsCard).toBeDefined();
  });

  it('is available on entities with the tenant annotation only', () => {
    expect(isTenantJobsAvailable(ENTITY)).toBe(true);
    expect(
      isTenantJobsAvailable({
        ...ENTITY,
        metadata: { name: 'x', annotations: { other: 'y' } },
      }),
    ).toBe(false);
  });
});
