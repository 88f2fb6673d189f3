import type { Entity } from '@backstage/catalog-model';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import type { ReactElement } from 'react';
import { TenantJobsApi, tenantJobsApiRef } from '../api';

/**
 * Renders an element in Backstage's test app with a fake Tenant Jobs API,
 * inside an entity's context when one is given.
 */
export function renderWithApi(
  element: ReactElement,
  options: { api: TenantJobsApi; entity?: Entity; url?: string },
) {
  const inner = options.entity ? (
    <EntityProvider entity={options.entity}>{element}</EntityProvider>
  ) : (
    element
  );
  return renderInTestApp(
    <TestApiProvider apis={[[tenantJobsApiRef, options.api]]}>
      {inner}
    </TestApiProvider>,
    {
      initialRouteEntries: [options.url ?? '/'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}
