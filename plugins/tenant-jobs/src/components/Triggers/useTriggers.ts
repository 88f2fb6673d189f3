import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { tenantJobsApiRef } from '../../api';
import { ownedBy } from '../common/ownedBy';

/**
 * The trigger rules of some tenants (every one the user may read when
 * none are named), only those launched from `entityRef` when given.
 */
export function useTriggers(options: {
  tenantIds?: readonly string[];
  entityRef?: string;
}) {
  const api = useApi(tenantJobsApiRef);
  const tenantKey = options.tenantIds?.join(',');
  return useAsyncRetry(async () => {
    const tenantIds = options.tenantIds;
    if (tenantIds && tenantIds.length === 0) return [];
    const items = await api.listTriggers(
      tenantIds?.length === 1 ? { tenantId: tenantIds[0] } : {},
    );
    return ownedBy(items, tenantIds, options.entityRef);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, tenantKey, options.entityRef]);
}

/** The events topics rules may listen to, as the platform team allowed them. */
export function useTriggerTopics() {
  const api = useApi(tenantJobsApiRef);
  return useAsyncRetry(() => api.listTriggerTopics(), [api]);
}
