import {
  ApiBlueprint,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import plugin, {
  tenantJobsApi,
  tenantJobsEntityCard,
  tenantJobsEntityContent,
  tenantJobsPage,
} from './alpha';
import { ENTITY } from './__testUtils__/fakeData';

const plain = {
  ...ENTITY,
  metadata: { name: 'plain-service', namespace: 'default' },
};
const blank = {
  ...ENTITY,
  metadata: {
    name: 'blank',
    namespace: 'default',
    annotations: { 'tenant-jobs.io/tenant-id': ' ' },
  },
};

describe('the new frontend system plugin', () => {
  it('is the tenant-jobs plugin with its API, page, tab and card', () => {
    expect(plugin.pluginId).toBe('tenant-jobs');
    for (const id of [
      'api:tenant-jobs',
      'page:tenant-jobs',
      'entity-content:tenant-jobs',
      'entity-card:tenant-jobs',
    ]) {
      expect(plugin.getExtension(id as any)).toBeDefined();
    }
  });

  it('creates the API extension for the Tenant Jobs client', () => {
    const tester = createExtensionTester(tenantJobsApi);
    const factory = tester.get(ApiBlueprint.dataRefs.factory);
    expect(factory.api.id).toBe('plugin.tenant-jobs.api');
    expect(Object.keys(factory.deps).sort()).toEqual([
      'discoveryApi',
      'fetchApi',
    ]);
  });

  it('creates the page at /tenant-jobs with a title and icon for the nav', () => {
    const tester = createExtensionTester(tenantJobsPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/tenant-jobs');
    expect(tester.get(coreExtensionData.title)).toBe('Tenant Jobs');
    expect(tester.get(coreExtensionData.icon)).toBeDefined();
  });

  it('shows the Jobs tab only on entities with the tenant annotation', () => {
    const tester = createExtensionTester(tenantJobsEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('tenant-jobs');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Jobs');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter!(ENTITY)).toBe(true);
    expect(filter!(plain)).toBe(false);
    expect(filter!(blank)).toBe(false);
  });

  it('shows the card only on entities with the tenant annotation', () => {
    const tester = createExtensionTester(tenantJobsEntityCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter!(ENTITY)).toBe(true);
    expect(filter!(plain)).toBe(false);
  });
});
