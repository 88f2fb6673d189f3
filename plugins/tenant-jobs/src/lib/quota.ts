import {
  parseQuantity,
  resolvePlanLimits,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type { TenantSummary } from '../api';
import { formatBytes } from './format';

/** One bar of a tenant's quota: how much of a limit is in use. */
export interface QuotaBar {
  id: 'cpu' | 'memory' | 'gpu' | 'jobs';
  label: string;
  /** Undefined when the cluster did not say (no namespace yet, unreachable). */
  used?: number;
  hard: number;
  usedText: string;
  hardText: string;
}

function amount(
  values: Record<string, string> | undefined,
  keys: string[],
): number | undefined {
  for (const key of keys) {
    const value = values?.[key];
    if (value !== undefined) return parseQuantity(value);
  }
  return undefined;
}

const cores = (value: number) =>
  `${Math.round(value * 100) / 100} ${value === 1 ? 'core' : 'cores'}`;

/**
 * The quota bars of a tenant: cpu, memory and GPU requests of its
 * namespace's ResourceQuota, and its running jobs against the plan's
 * concurrency limit. Limits come from the quota when the cluster answered,
 * else from the plan.
 */
export function quotaBars(tenant: TenantSummary): QuotaBar[] {
  const limits = resolvePlanLimits(tenant.plan);
  const { hard, used } = tenant.quota ?? { hard: undefined, used: undefined };
  const bars: QuotaBar[] = [];

  const cpuHard =
    amount(hard, ['requests.cpu', 'limits.cpu', 'cpu']) ??
    parseQuantity(limits.cpu) ??
    0;
  const cpuUsed = amount(used, ['requests.cpu', 'limits.cpu', 'cpu']);
  bars.push({
    id: 'cpu',
    label: 'CPU',
    used: cpuUsed,
    hard: cpuHard,
    usedText: cpuUsed === undefined ? '–' : cores(cpuUsed),
    hardText: cores(cpuHard),
  });

  const memoryHard =
    amount(hard, ['requests.memory', 'limits.memory', 'memory']) ??
    parseQuantity(limits.memory) ??
    0;
  const memoryUsed = amount(used, [
    'requests.memory',
    'limits.memory',
    'memory',
  ]);
  bars.push({
    id: 'memory',
    label: 'Memory',
    used: memoryUsed,
    hard: memoryHard,
    usedText: memoryUsed === undefined ? '–' : formatBytes(memoryUsed),
    hardText: formatBytes(memoryHard),
  });

  const gpuHard =
    amount(hard, ['requests.nvidia.com/gpu', 'nvidia.com/gpu']) ?? limits.gpu;
  if (gpuHard > 0) {
    const gpuUsed = amount(used, ['requests.nvidia.com/gpu', 'nvidia.com/gpu']);
    bars.push({
      id: 'gpu',
      label: 'GPUs',
      used: gpuUsed,
      hard: gpuHard,
      usedText: gpuUsed === undefined ? '–' : String(gpuUsed),
      hardText: String(gpuHard),
    });
  }

  bars.push({
    id: 'jobs',
    label: 'Concurrent jobs',
    used: tenant.activeJobs,
    hard: limits.maxConcurrentJobs,
    usedText: String(tenant.activeJobs),
    hardText: String(limits.maxConcurrentJobs),
  });
  return bars;
}

/** Share of a bar in use, 0..1, or undefined. */
export function shareOf(bar: QuotaBar): number | undefined {
  if (bar.used === undefined || bar.hard <= 0) return undefined;
  return Math.min(1, bar.used / bar.hard);
}
