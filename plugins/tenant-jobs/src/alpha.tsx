import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import WorkIcon from '@material-ui/icons/Work';
import { TenantJobsClient, tenantJobsApiRef } from './api';
import { ENTITY_TAB_PATH } from './components/EntityTenantJobsCard/entityTabPath';
import { isTenantJobsAvailable } from './isTenantJobsAvailable';
import { rootRouteRef } from './routes';

/** The Tenant Jobs API client. @alpha */
export const tenantJobsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: tenantJobsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new TenantJobsClient(deps),
    }),
});

/**
 * The portal page at `/tenant-jobs`. Its title and icon also make its
 * sidebar item: Backstage 1.57 infers nav items from pages (the
 * `NavItemBlueprint` was removed).
 *
 * @alpha
 */
export const tenantJobsPage = PageBlueprint.make({
  params: {
    path: '/tenant-jobs',
    routeRef: rootRouteRef,
    title: 'Tenant Jobs',
    icon: <WorkIcon fontSize="inherit" />,
    loader: () =>
      import('./components/TenantJobsPage/TenantJobsPage').then(m => (
        <m.TenantJobsPage header={false} />
      )),
  },
});

/**
 * The Jobs tab, only on entities annotated `tenant-jobs.io/tenant-id`.
 *
 * @alpha
 */
export const tenantJobsEntityContent = EntityContentBlueprint.make({
  params: {
    path: ENTITY_TAB_PATH,
    title: 'Jobs',
    filter: isTenantJobsAvailable,
    loader: () =>
      import(
        './components/EntityTenantJobsContent/EntityTenantJobsContent'
      ).then(m => <m.EntityTenantJobsContent />),
  },
});

/**
 * The overview card, only on entities annotated `tenant-jobs.io/tenant-id`.
 *
 * @alpha
 */
export const tenantJobsEntityCard = EntityCardBlueprint.make({
  params: {
    filter: isTenantJobsAvailable,
    loader: () =>
      import('./components/EntityTenantJobsCard/EntityTenantJobsCard').then(
        m => <m.EntityTenantJobsCard />,
      ),
  },
});

/**
 * Tenant Jobs for Backstage's new frontend system: the API, the portal
 * page (with its nav item), the entity tab and the entity card.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'tenant-jobs',
  title: 'Tenant Jobs',
  icon: <WorkIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  extensions: [
    tenantJobsApi,
    tenantJobsPage,
    tenantJobsEntityContent,
    tenantJobsEntityCard,
  ],
  routes: { root: rootRouteRef },
});
