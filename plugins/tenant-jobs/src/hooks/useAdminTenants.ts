import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { AdminTenant, tenantJobsApiRef } from '../api';

/**
 * Every tenant with its load, success rate, quota and usage, for the
 * platform team; nothing is asked while `enabled` is false (the backend
 * answers others 403).
 */
export function useAdminTenants(enabled: boolean) {
  const api = useApi(tenantJobsApiRef);
  return useAsyncRetry(
    async (): Promise<AdminTenant[] | undefined> =>
      enabled ? api.getAdminTenants() : undefined,
    [api, enabled],
  );
}
