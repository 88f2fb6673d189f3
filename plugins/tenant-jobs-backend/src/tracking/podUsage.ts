import { V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import {
  GPU_RESOURCE_NAME,
  parseQuantity,
  TenantJobPodRequests,
} from '@tenant-jobs/plugin-tenant-jobs-common';

type Timestamp = Date | string | undefined;

/**
 * The time as ISO 8601; none for a missing or zero time (a container that
 * failed to start reports `startedAt` as the epoch).
 */
function iso(value: Timestamp | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  const millis = new Date(value).getTime();
  return Number.isNaN(millis) || millis <= 0
    ? undefined
    : new Date(millis).toISOString();
}

function requestsOf(container: V1Container): TenantJobPodRequests {
  const requests = container.resources?.requests ?? {};
  const amount = (name: string) => {
    const value = requests[name];
    return value === undefined ? 0 : parseQuantity(String(value)) ?? 0;
  };
  return {
    cpuCores: amount('cpu'),
    memoryBytes: amount('memory'),
    gpus: amount(GPU_RESOURCE_NAME),
  };
}

/**
 * What the pod requested of its node, as the scheduler counts it: the sum
 * of its containers' requests, or an init container's where larger (init
 * containers run one at a time, before the others). Undefined when it
 * requested nothing.
 */
export function podRequests(pod: V1Pod): TenantJobPodRequests | undefined {
  const total: TenantJobPodRequests = { cpuCores: 0, memoryBytes: 0, gpus: 0 };
  for (const container of pod.spec?.containers ?? []) {
    const r = requestsOf(container);
    total.cpuCores += r.cpuCores;
    total.memoryBytes += r.memoryBytes;
    total.gpus += r.gpus;
  }
  for (const container of pod.spec?.initContainers ?? []) {
    const r = requestsOf(container);
    total.cpuCores = Math.max(total.cpuCores, r.cpuCores);
    total.memoryBytes = Math.max(total.memoryBytes, r.memoryBytes);
    total.gpus = Math.max(total.gpus, r.gpus);
  }
  return total.cpuCores || total.memoryBytes || total.gpus ? total : undefined;
}

/**
 * When the job container ran, as its status tells: from its start (running
 * or terminated) to its end, which is absent while it runs.
 */
export function podRanInterval(status: V1ContainerStatus | undefined): {
  ranFrom?: string;
  ranUntil?: string;
} {
  const state = status?.state;
  const ranFrom = iso(
    state?.running?.startedAt ?? state?.terminated?.startedAt,
  );
  if (!ranFrom) return {};
  const ranUntil = iso(state?.terminated?.finishedAt);
  return ranUntil ? { ranFrom, ranUntil } : { ranFrom };
}
