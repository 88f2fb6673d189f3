import type { TenantJobPod } from '@tenant-jobs/plugin-tenant-jobs-common';

const GIB = 1024 ** 3;

/** What a finished run used: its pods' requests over the time they ran. */
export type RunUsage = {
  cpuCoreSeconds: number;
  memoryGiBSeconds: number;
  gpuSeconds: number;
};

/**
 * The pods of both observations, by name, the newer's where both have one:
 * the tracker forgets a pod once it is deleted, but the time it ran still
 * counts.
 */
export function allPodsSeen(
  before: readonly TenantJobPod[] | undefined,
  after: readonly TenantJobPod[],
): TenantJobPod[] {
  const byName = new Map<string, TenantJobPod>();
  for (const pod of before ?? []) byName.set(pod.name, pod);
  for (const pod of after) byName.set(pod.name, pod);
  return [...byName.values()];
}

/**
 * A finished run's usage from the pods the tracker recorded: for each pod
 * that ran, its requests times the time its job container ran. A pod still
 * running when the run ended (a cancelled run) counts until `finishedAt`;
 * a pod that never ran counts nothing.
 */
export function usageOf(
  pods: readonly TenantJobPod[],
  finishedAt: string,
): RunUsage {
  const end = new Date(finishedAt).getTime();
  const usage: RunUsage = {
    cpuCoreSeconds: 0,
    memoryGiBSeconds: 0,
    gpuSeconds: 0,
  };
  for (const pod of pods) {
    if (!pod.ranFrom || !pod.requests) continue;
    // Never before the pod existed: a container's start can be missing or
    // zero when it failed to start.
    const from = Math.max(
      new Date(pod.ranFrom).getTime(),
      ...[pod.startedAt, pod.createdAt]
        .filter((t): t is string => Boolean(t))
        .map(t => new Date(t).getTime()),
    );
    const until = pod.ranUntil ? new Date(pod.ranUntil).getTime() : end;
    const seconds = Math.max(0, (until - from) / 1000);
    if (!Number.isFinite(seconds)) continue;
    usage.cpuCoreSeconds += pod.requests.cpuCores * seconds;
    usage.memoryGiBSeconds += (pod.requests.memoryBytes / GIB) * seconds;
    usage.gpuSeconds += pod.requests.gpus * seconds;
  }
  return usage;
}
