import type { V1Pod } from '@kubernetes/client-node';

/**
 * On the pods a MultiKueue manager's watch gets from its workers, the
 * worker's name: a symbol, so it lives in memory only, is never sent to a
 * cluster or serialized, and no pod's own metadata can forge it.
 */
const WORKER_CLUSTER = Symbol('tenant-jobs.workerCluster');

type MarkedPod = V1Pod & { [WORKER_CLUSTER]?: string };

/** The pod as seen from `cluster`, a MultiKueue worker (or not: undefined). */
export function markWorkerCluster(
  pod: V1Pod,
  cluster: string | undefined,
): V1Pod {
  const marked: MarkedPod = { ...pod };
  if (cluster) marked[WORKER_CLUSTER] = cluster;
  else delete marked[WORKER_CLUSTER];
  return marked;
}

/** The MultiKueue worker the pod was seen on, if any. */
export function workerClusterOf(pod: V1Pod): string | undefined {
  return (pod as MarkedPod)[WORKER_CLUSTER];
}
