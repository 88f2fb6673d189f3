import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { tenantJobsApiRef } from '../api';

/** The signed-in user's tenants with plan and quota. */
export function useTenants() {
  const api = useApi(tenantJobsApiRef);
  return useAsyncRetry(() => api.getTenants(), [api]);
}

/** The job types, tiers and priorities a launch form offers. */
export function useJobCatalog() {
  const api = useApi(tenantJobsApiRef);
  return useAsyncRetry(async () => {
    const [jobTypes, tiers, priorities] = await Promise.all([
      api.getJobTypes(),
      api.getTiers(),
      api.getPriorities(),
    ]);
    return { jobTypes, tiers, priorities };
  }, [api]);
}

/** Titles of job types by id, for lists and charts. */
export function useJobTypeTitles(): Record<string, string> {
  const api = useApi(tenantJobsApiRef);
  const { value } = useAsyncRetry(() => api.getJobTypes(), [api]);
  return Object.fromEntries((value ?? []).map(type => [type.id, type.title]));
}
