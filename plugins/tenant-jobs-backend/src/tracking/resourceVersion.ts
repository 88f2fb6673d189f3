import type { KubernetesObject } from '@kubernetes/client-node';

/**
 * The resourceVersion of an object as a number. Kubernetes documents it as
 * opaque; every apiserver backed by etcd issues it from one increasing
 * counter per cluster, which is what makes "older never overwrites newer"
 * checkable across Jobs and pods. An object without a numeric version
 * counts as 0 (oldest).
 */
export function versionOf(object: KubernetesObject | undefined): number {
  const value = Number(object?.metadata?.resourceVersion);
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}
