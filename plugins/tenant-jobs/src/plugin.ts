import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { TenantJobsClient, tenantJobsApiRef } from './api';
import { legacyEntityContentRouteRef, legacyRootRouteRef } from './routes';

/**
 * The Tenant Jobs plugin for the legacy frontend system. For the new
 * frontend system, use the default export of
 * `@tenant-jobs/plugin-tenant-jobs/alpha`.
 *
 * @public
 */
export const tenantJobsPlugin = createPlugin({
  id: 'tenant-jobs',
  apis: [
    createApiFactory({
      api: tenantJobsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new TenantJobsClient(deps),
    }),
  ],
  routes: {
    root: legacyRootRouteRef,
    entityContent: legacyEntityContentRouteRef,
  },
});

/**
 * The portal page: every run of the user's tenants with filters, quota
 * and trends. Mount it on a route, e.g. `/tenant-jobs`.
 *
 * @public
 */
export const TenantJobsPage = tenantJobsPlugin.provide(
  createRoutableExtension({
    name: 'TenantJobsPage',
    component: () =>
      import('./components/TenantJobsPage/TenantJobsPage').then(
        m => m.TenantJobsPage,
      ),
    mountPoint: legacyRootRouteRef,
  }),
);

/**
 * The Jobs tab of an entity page, for entities annotated
 * `tenant-jobs.io/tenant-id` (see `isTenantJobsAvailable`). Mount it at
 * the path `tenant-jobs`, which the overview card links to.
 *
 * @public
 */
export const EntityTenantJobsContent = tenantJobsPlugin.provide(
  createRoutableExtension({
    name: 'EntityTenantJobsContent',
    component: () =>
      import(
        './components/EntityTenantJobsContent/EntityTenantJobsContent'
      ).then(m => m.EntityTenantJobsContent),
    mountPoint: legacyEntityContentRouteRef,
  }),
);

/**
 * The overview card of an entity page: latest runs, success rate and a
 * launch button.
 *
 * @public
 */
export const EntityTenantJobsCard = tenantJobsPlugin.provide(
  createComponentExtension({
    name: 'EntityTenantJobsCard',
    component: {
      lazy: () =>
        import('./components/EntityTenantJobsCard/EntityTenantJobsCard').then(
          m => m.EntityTenantJobsCard,
        ),
    },
  }),
);
