import { createRouteRef as createLegacyRouteRef } from '@backstage/core-plugin-api';
import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The portal page, in the new frontend system. */
export const rootRouteRef = createRouteRef();

/** The portal page, in the legacy frontend system. */
export const legacyRootRouteRef = createLegacyRouteRef({ id: 'tenant-jobs' });

/** The entity tab, in the legacy frontend system. */
export const legacyEntityContentRouteRef = createLegacyRouteRef({
  id: 'tenant-jobs:entity-content',
});
