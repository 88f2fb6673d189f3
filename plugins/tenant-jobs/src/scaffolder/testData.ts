import {
  BUILT_IN_JOB_TYPES,
  JobTypeDefinition,
  TenantPlan,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type { TenantJobType, TenantSummary } from '../api';

/** A job type as GET /job-types describes it. */
export function apiJobType(type: JobTypeDefinition): TenantJobType {
  return {
    id: type.id,
    title: type.title,
    description: type.description,
    category: type.category,
    gpu: type.gpu ?? false,
    defaultTier: type.defaultTier,
    allowedTiers: [...type.allowedTiers],
    defaultDeadlineSeconds: type.defaultDeadlineSeconds,
    retries: type.retries,
    parameterSchema: type.parameterSchema,
  };
}

export const JOB_TYPES = Object.values(BUILT_IN_JOB_TYPES).map(apiJobType);

export function tenant(
  id: string,
  plan: Partial<TenantPlan> & { id: string },
): TenantSummary {
  return {
    id,
    title: `Tenant ${id}`,
    groupRef: `group:default/${id}`,
    plan: {
      maxTier: 'medium',
      quota: { cpu: '4', memory: '8Gi' },
      ...plan,
    } as TenantPlan,
    cluster: 'local',
    namespace: `tenant-${id}`,
    activeJobs: 0,
    quota: null,
  };
}

/** Acme on enterprise (GPU, critical); initech on starter (three types). */
export const ACME = tenant('acme', {
  id: 'enterprise',
  maxTier: 'enterprise',
  maxPriority: 'critical',
  quota: { cpu: '64', memory: '256Gi', gpu: 8 },
});
export const INITECH = tenant('initech', {
  id: 'starter',
  maxTier: 'medium',
  allowedJobTypes: ['data-etl', 'security-scan', 'billing-report'],
});
