/**
 * Extension points of the Tenant Jobs backend for adopters' backend modules.
 *
 * @packageDocumentation
 */
export { tenantJobsJobTypesExtensionPoint } from './extensions';
export type { TenantJobsJobTypesExtensionPoint } from './extensions';
