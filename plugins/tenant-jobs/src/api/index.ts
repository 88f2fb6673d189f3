export { tenantJobsApiRef } from './TenantJobsApi';
export type { TenantJobsApi } from './TenantJobsApi';
export { TenantJobsClient } from './TenantJobsClient';
export { TenantJobsApiError, statusOf } from './TenantJobsApiError';
export type * from './types';
