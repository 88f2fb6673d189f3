import type { KubernetesObject } from '@kubernetes/client-node';
import {
  KUEUE_API_VERSION,
  KUEUE_LABELS,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type {
  KueueWorkload,
  WorkloadCondition,
} from '../cluster/TenantCluster';
import { KubernetesApis } from './kubernetesApis';

/** Workloads per list page. */
const PAGE_SIZE = 500;

type WorkloadObject = KubernetesObject & {
  status?: {
    conditions?: Array<{
      type?: string;
      status?: string;
      reason?: string;
      message?: string;
      lastTransitionTime?: Date | string;
    }>;
  };
};

/**
 * The uid of the Job a Workload was made for: Kueue's `job-uid` label,
 * else its controlling owner reference to a Job.
 */
export function jobUidOf(workload: KubernetesObject): string | undefined {
  const label = workload.metadata?.labels?.[KUEUE_LABELS.jobUid];
  if (label) return label;
  return workload.metadata?.ownerReferences?.find(
    owner => owner.kind === 'Job' && owner.controller,
  )?.uid;
}

function toCondition(
  condition: NonNullable<
    NonNullable<WorkloadObject['status']>['conditions']
  >[number],
): WorkloadCondition {
  const time = condition.lastTransitionTime;
  return {
    type: condition.type ?? '',
    status: condition.status ?? 'Unknown',
    reason: condition.reason || undefined,
    message: condition.message || undefined,
    lastTransitionTime:
      time === undefined
        ? undefined
        : new Date(time as string | Date).toISOString(),
  };
}

/**
 * The Kueue Workloads of a namespace, with the uid of their Job and their
 * conditions (the tenant reader role grants the read there). One list per
 * namespace, however many of its Jobs wait.
 */
export async function listNamespaceWorkloads(
  apis: KubernetesApis,
  namespace: string,
): Promise<KueueWorkload[]> {
  const workloads: KueueWorkload[] = [];
  let continueToken: string | undefined;
  do {
    const page = await apis.objects.list<WorkloadObject>(
      KUEUE_API_VERSION,
      'Workload',
      namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      PAGE_SIZE,
      continueToken,
    );
    for (const item of page.items) {
      workloads.push({
        name: item.metadata?.name ?? '',
        jobUid: jobUidOf(item),
        conditions: (item.status?.conditions ?? []).map(toCondition),
      });
    }
    continueToken = page.metadata?._continue || undefined;
  } while (continueToken);
  return workloads;
}
