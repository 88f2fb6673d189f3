import type { KubernetesObject, V1Job } from '@kubernetes/client-node';
import {
  GPU_RESOURCE_NAME,
  TENANT_JOBS_LABELS,
  TENANT_JOBS_MANAGED_BY,
} from '../constants';
import { resolvePlanLimits, validateTenantPlan } from '../plans';
import { PRIORITIES, getPriority } from '../priorities';
import type { PriorityId, TenantPlan } from '../types';
import { tenantLabels } from './labels';
import { tenantNamespaceName } from './names';

/**
 * The Kueue API version the backend writes and reads (the version Kueue
 * v0.17 stores).
 *
 * @public
 */
export const KUEUE_API_VERSION = 'kueue.x-k8s.io/v1beta2';

/**
 * Labels Kueue reads on a Job, and puts on the Workload it makes of it.
 *
 * @public
 */
export const KUEUE_LABELS = {
  /** On a Job: the LocalQueue (in the Job's namespace) it waits in. */
  queueName: 'kueue.x-k8s.io/queue-name',
  /** On a Job: the WorkloadPriorityClass that orders it in its queue. */
  priorityClass: 'kueue.x-k8s.io/priority-class',
  /** On a Workload: the uid of the Job it was made for. */
  jobUid: 'kueue.x-k8s.io/job-uid',
} as const;

/**
 * The `spec.managedBy` of a Job MultiKueue dispatches to a worker cluster:
 * the manager's Job controller leaves it alone, and Kueue copies the
 * worker's Job status onto it.
 *
 * @public
 */
export const MULTIKUEUE_MANAGED_BY = 'kueue.x-k8s.io/multikueue';

/**
 * The AdmissionCheck a MultiKueue manager's tenant ClusterQueues use unless
 * configured otherwise (`tenantJobs.clusters[].multiKueue.admissionCheck`).
 *
 * @public
 */
export const DEFAULT_MULTIKUEUE_ADMISSION_CHECK = 'tenant-jobs-multikueue';

/** Prefix of the cluster-scoped Kueue objects the backend manages. */
const NAME_PREFIX = 'tenant-jobs-';

/**
 * Name of the LocalQueue in every tenant namespace (kueue queue mode).
 *
 * @public
 */
export const KUEUE_LOCAL_QUEUE_NAME = 'tenant-jobs';

/**
 * Name of the one ResourceFlavor every tenant ClusterQueue uses.
 *
 * @public
 */
export const KUEUE_RESOURCE_FLAVOR_NAME = `${NAME_PREFIX}default`;

/**
 * Name of a tenant's ClusterQueue, `tenant-jobs-<tenant id>`.
 *
 * @public
 */
export function kueueClusterQueueName(tenantId: string): string {
  return `${NAME_PREFIX}${tenantId}`;
}

/**
 * Name of the WorkloadPriorityClass of a priority: the same as its
 * PriorityClass, `tenant-jobs-<priority>` (a different kind).
 *
 * @public
 */
export function workloadPriorityClassName(priority: PriorityId): string {
  return getPriority(priority).priorityClassName;
}

const managedLabels = () => ({
  [TENANT_JOBS_LABELS.managedBy]: TENANT_JOBS_MANAGED_BY,
});

/**
 * The cluster-scoped Kueue objects every tenant shares, applied once per
 * cluster: the ResourceFlavor of the tenant ClusterQueues and one
 * WorkloadPriorityClass per priority, with the PriorityClass's value, so
 * Kueue admits the most urgent waiting Job first.
 *
 * @public
 */
export function buildKueueSharedObjects(): KubernetesObject[] {
  return [
    {
      apiVersion: KUEUE_API_VERSION,
      kind: 'ResourceFlavor',
      metadata: { name: KUEUE_RESOURCE_FLAVOR_NAME, labels: managedLabels() },
      spec: {},
    } as KubernetesObject,
    ...PRIORITIES.map(
      priority =>
        ({
          apiVersion: KUEUE_API_VERSION,
          kind: 'WorkloadPriorityClass',
          metadata: {
            name: priority.priorityClassName,
            labels: managedLabels(),
          },
          value: priority.value,
          description: `Tenant Jobs priority '${priority.id}': ${priority.description}`,
        } as KubernetesObject),
    ),
  ];
}

/**
 * A tenant's Kueue queues: its ClusterQueue, whose nominal quota is the
 * plan's cpu, memory and GPUs and which only the tenant's namespace may
 * use (no cohort, so it never borrows nor lends), and the LocalQueue in
 * that namespace that its Jobs name. Throws for an invalid plan.
 *
 * @public
 */
export function buildKueueTenantQueues(
  tenantId: string,
  plan: TenantPlan,
  options: {
    namespacePattern?: string;
    /**
     * On a MultiKueue manager: the AdmissionCheck (of controller
     * `kueue.x-k8s.io/multikueue`) that dispatches the tenant's Workloads
     * to a worker cluster.
     */
    admissionCheck?: string;
  } = {},
): KubernetesObject[] {
  const namespace = tenantNamespaceName(options.namespacePattern, tenantId);
  const problems = validateTenantPlan(plan);
  if (problems.length > 0) {
    throw new Error(problems.join('; '));
  }
  const limits = resolvePlanLimits(plan);
  const clusterQueue = kueueClusterQueueName(tenantId);
  return [
    {
      apiVersion: KUEUE_API_VERSION,
      kind: 'ClusterQueue',
      metadata: { name: clusterQueue, labels: tenantLabels(tenantId) },
      spec: {
        namespaceSelector: {
          matchLabels: {
            'kubernetes.io/metadata.name': namespace,
            ...tenantLabels(tenantId),
          },
        },
        queueingStrategy: 'BestEffortFIFO',
        ...(options.admissionCheck && {
          admissionChecksStrategy: {
            admissionChecks: [{ name: options.admissionCheck }],
          },
        }),
        resourceGroups: [
          {
            coveredResources: ['cpu', 'memory', GPU_RESOURCE_NAME],
            flavors: [
              {
                name: KUEUE_RESOURCE_FLAVOR_NAME,
                resources: [
                  { name: 'cpu', nominalQuota: limits.cpu },
                  { name: 'memory', nominalQuota: limits.memory },
                  { name: GPU_RESOURCE_NAME, nominalQuota: String(limits.gpu) },
                ],
              },
            ],
          },
        ],
      },
    } as KubernetesObject,
    {
      apiVersion: KUEUE_API_VERSION,
      kind: 'LocalQueue',
      metadata: {
        name: KUEUE_LOCAL_QUEUE_NAME,
        namespace,
        labels: tenantLabels(tenantId),
      },
      spec: { clusterQueue },
    } as KubernetesObject,
  ];
}

/**
 * The Job handed to Kueue: created suspended, in the tenant's LocalQueue,
 * ordered by its priority's WorkloadPriorityClass. Kueue admits it within
 * the tenant's ClusterQueue quota and unsuspends it.
 *
 * @public
 */
export function queueWithKueue(job: V1Job, priority: PriorityId): V1Job {
  return {
    ...job,
    metadata: {
      ...job.metadata,
      labels: {
        ...job.metadata?.labels,
        [KUEUE_LABELS.queueName]: KUEUE_LOCAL_QUEUE_NAME,
        [KUEUE_LABELS.priorityClass]: workloadPriorityClassName(priority),
      },
    },
    spec: { ...job.spec!, suspend: true },
  };
}

/**
 * A Job handed to Kueue on a MultiKueue manager: as {@link queueWithKueue}
 * made it, and managed by MultiKueue, which runs it on a worker cluster
 * and copies its status back. Kueue's webhook would set this; the plugin
 * does not rely on it.
 *
 * @public
 */
export function dispatchWithMultiKueue(job: V1Job): V1Job {
  return { ...job, spec: { ...job.spec!, managedBy: MULTIKUEUE_MANAGED_BY } };
}

/**
 * Whether a Job was handed to Kueue (it names a LocalQueue).
 *
 * @public
 */
export function isKueueJob(job: Pick<V1Job, 'metadata'>): boolean {
  return Boolean(job.metadata?.labels?.[KUEUE_LABELS.queueName]);
}
