import {
  allowedPrioritiesFor,
  allowedTiersFor,
  checkJobTypeAllowed,
  PriorityId,
  TIER_IDS,
  TierId,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type { TenantJobType, TenantSummary } from '../../api';

/** A job type as the launch form offers it: allowed, or why not. */
export interface JobTypeOption {
  type: TenantJobType;
  refusal?: string;
}

/** Every job type, with the reason the tenant's plan refuses it if it does. */
export function jobTypeOptions(
  jobTypes: TenantJobType[],
  tenant: TenantSummary,
): JobTypeOption[] {
  return jobTypes.map(type => ({
    type,
    refusal: checkJobTypeAllowed(type, tenant.plan),
  }));
}

/** The tiers of a job type the tenant's plan allows, smallest first. */
export function tierOptions(
  jobType: TenantJobType,
  tenant: TenantSummary,
): TierId[] {
  return allowedTiersFor(jobType, tenant.plan);
}

/**
 * The tier a form starts with: the type's default when allowed, else the
 * largest allowed tier below it, else the smallest allowed one.
 */
export function defaultTier(
  jobType: TenantJobType,
  allowed: TierId[],
): TierId | undefined {
  if (allowed.includes(jobType.defaultTier)) return jobType.defaultTier;
  const rank = TIER_IDS.indexOf(jobType.defaultTier);
  const below = allowed.filter(tier => TIER_IDS.indexOf(tier) < rank);
  return below[below.length - 1] ?? allowed[0];
}

/** The priorities the tenant's plan allows, most urgent first. */
export function priorityOptions(tenant: TenantSummary): PriorityId[] {
  return allowedPrioritiesFor(tenant.plan);
}

/** The priority a form starts with: `normal` when allowed. */
export function defaultPriority(allowed: PriorityId[]): PriorityId | undefined {
  return allowed.includes('normal') ? 'normal' : allowed[allowed.length - 1];
}

/** A fresh idempotency key, so a double click launches one run. */
export function newIdempotencyKey(): string {
  const random =
    typeof crypto !== 'undefined' && 'randomUUID' in crypto
      ? crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `launch-${random}`;
}
