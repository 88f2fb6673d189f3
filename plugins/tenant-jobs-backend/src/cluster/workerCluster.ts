import type { V1Pod } from '@kubernetes/client-node';

/**
 * Set in memory only, never sent to a cluster: on the pods a MultiKueue
 * manager's watch gets from its workers, the worker's name.
 */
const WORKER_CLUSTER_MARK = 'tenant-jobs.io/observed-on-worker';

/** The pod as seen from `cluster`, a MultiKueue worker (or not: undefined). */
export function markWorkerCluster(
  pod: V1Pod,
  cluster: string | undefined,
): V1Pod {
  const { [WORKER_CLUSTER_MARK]: _ignored, ...annotations } =
    pod.metadata?.annotations ?? {};
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      annotations: cluster
        ? { ...annotations, [WORKER_CLUSTER_MARK]: cluster }
        : annotations,
    },
  };
}

/** The MultiKueue worker the pod was seen on, if any. */
export function workerClusterOf(pod: V1Pod): string | undefined {
  return pod.metadata?.annotations?.[WORKER_CLUSTER_MARK];
}
