import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { tenantJobsApiRef } from '../../api';
import { ownedBy } from '../common/ownedBy';

/**
 * The schedules of some tenants (every one the user may read when none
 * are named), only those launched from `entityRef` when given. One tenant
 * is asked for by id; several are read in one call and picked here.
 */
export function useSchedules(options: {
  tenantIds?: readonly string[];
  entityRef?: string;
}) {
  const api = useApi(tenantJobsApiRef);
  const tenantKey = options.tenantIds?.join(',');
  return useAsyncRetry(async () => {
    const tenantIds = options.tenantIds;
    if (tenantIds && tenantIds.length === 0) return [];
    const items = await api.listSchedules(
      tenantIds?.length === 1 ? { tenantId: tenantIds[0] } : {},
    );
    return ownedBy(items, tenantIds, options.entityRef);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, tenantKey, options.entityRef]);
}
