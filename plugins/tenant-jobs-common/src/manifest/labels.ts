import { TENANT_JOBS_LABELS, TENANT_JOBS_MANAGED_BY } from '../constants';
import type { JobTypeId, PriorityId } from '../types';

/**
 * Labels of every object the plugin creates for a tenant.
 *
 * @public
 */
export function tenantLabels(tenantId: string): Record<string, string> {
  return {
    [TENANT_JOBS_LABELS.managedBy]: TENANT_JOBS_MANAGED_BY,
    [TENANT_JOBS_LABELS.tenant]: tenantId,
  };
}

/**
 * Labels of a run's Job and its pods.
 *
 * @public
 */
export function runLabels(run: {
  tenantId: string;
  jobType: JobTypeId;
  priority: PriorityId;
  runId: string;
}): Record<string, string> {
  return {
    ...tenantLabels(run.tenantId),
    [TENANT_JOBS_LABELS.type]: run.jobType,
    [TENANT_JOBS_LABELS.priority]: run.priority,
    [TENANT_JOBS_LABELS.runId]: run.runId,
  };
}

/**
 * A label selector for everything the plugin manages, optionally of one
 * tenant only, e.g. for the tracker's list and watch calls.
 *
 * @public
 */
export function managedLabelSelector(tenantId?: string): string {
  const selector = `${TENANT_JOBS_LABELS.managedBy}=${TENANT_JOBS_MANAGED_BY}`;
  return tenantId
    ? `${selector},${TENANT_JOBS_LABELS.tenant}=${tenantId}`
    : selector;
}
