export { TenantAccess } from './TenantAccess';
export type { UserCredentials } from './TenantAccess';
