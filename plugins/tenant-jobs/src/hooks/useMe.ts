import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { tenantJobsApiRef } from '../api';

/**
 * The signed-in user: whether they are of the platform team (`admin`),
 * and the tenants they are a member of (`tenantIds`).
 */
export function useMe() {
  const api = useApi(tenantJobsApiRef);
  return useAsyncRetry(() => api.getMe(), [api]);
}
