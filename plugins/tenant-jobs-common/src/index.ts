/**
 * Isomorphic core of the Tenant Jobs plugins: domain types, the job type,
 * tier and priority catalogs, the submit request schema, permissions and
 * the pure Kubernetes manifest builder.
 *
 * @packageDocumentation
 */

export * from './types';
export * from './constants';
export {
  TENANT_ID_MAX_LENGTH,
  isDns1123Label,
  isDns1123Subdomain,
  isLabelValue,
  isQualifiedKey,
  isValidTenantId,
  RESERVED_NAMES,
  reservedNameMatch,
} from './names';
export { isCompleteEntityRef, normalizeEntityRef } from './entityRefs';
export { parseQuantity } from './quantity';
export * from './tiers';
export * from './priorities';
export * from './runStatus';
export * from './runDetail';
export * from './runResult';
export * from './statsBuckets';
export * from './jobTypes';
export {
  JOB_TYPE_ID_MAX_LENGTH,
  validateJobTypeDefinition,
} from './jobTypeValidation';
export * from './plans';
export * from './request';
export * from './schedule';
export * from './trigger';
export { describeIssues, formatProblems } from './validationMessages';
export type { ValidationProblem } from './validationMessages';
export * from './permissions';
export * from './manifest';
/**
 * The REST API's client, generated from the backend's OpenAPI description
 * (`src/schema/openapi.yaml` there): one method per operation, each taking
 * `{ path?, query?, body? }` and `{ token? }`, answering a typed `fetch`
 * Response.
 */
export { DefaultApiClient as TenantJobsApiClient } from './schema/openapi/generated/apis/Api.client';
