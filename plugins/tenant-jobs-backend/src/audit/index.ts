export { AuditTrail, wasAudited } from './AuditTrail';
export type { AuditContext } from './AuditTrail';
