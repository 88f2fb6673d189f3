import { parseQuantity } from '@tenant-jobs/plugin-tenant-jobs-common';
import type { AdminTenant, TenantQuotaUsage } from '../../api';
import { formatPercent } from '../../lib/format';

/** Runs holding a slot, waiting, and the plan's slots: `2 / 1 / 10`. */
export function slotsText(tenant: AdminTenant): string {
  return `${tenant.activeJobs} / ${tenant.queuedJobs} / ${tenant.slots}`;
}

/** The 7-day success rate with its counts, `80% (8 of 10)`. */
export function successText(rate: AdminTenant['successRate7d']): string {
  if (rate.rate === null) return 'No run finished';
  const finished = rate.succeeded + rate.failed;
  return `${formatPercent(rate.rate)} (${rate.succeeded} of ${finished})`;
}

const RESOURCES = [
  { label: 'CPU', keys: ['requests.cpu', 'limits.cpu', 'cpu'] },
  { label: 'memory', keys: ['requests.memory', 'limits.memory', 'memory'] },
  { label: 'GPU', keys: ['requests.nvidia.com/gpu', 'nvidia.com/gpu'] },
];

function amount(values: Record<string, string>, keys: string[]) {
  for (const key of keys) {
    if (values[key] !== undefined) return parseQuantity(values[key]);
  }
  return undefined;
}

/**
 * The share of each quota'd resource in use, `CPU 25%, memory 25%`; GPU
 * only when the quota has GPUs.
 */
export function quotaUseText(quota: TenantQuotaUsage | null): string {
  if (!quota) return 'Not measured yet';
  const parts = RESOURCES.flatMap(resource => {
    const hard = amount(quota.hard, resource.keys);
    if (!hard) return [];
    const used = amount(quota.used, resource.keys) ?? 0;
    return [`${resource.label} ${formatPercent(used / hard)}`];
  });
  return parts.length ? parts.join(', ') : 'No quota';
}
