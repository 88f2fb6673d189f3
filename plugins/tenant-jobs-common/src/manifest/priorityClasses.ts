import type { V1PriorityClass } from '@kubernetes/client-node';
import { TENANT_JOBS_LABELS, TENANT_JOBS_MANAGED_BY } from '../constants';
import { PRIORITIES } from '../priorities';

/**
 * The cluster-scoped PriorityClasses the Jobs refer to, one per priority.
 * None is the global default. Installed once per cluster, by the backend
 * at startup or by the cluster's administrators.
 *
 * @public
 */
export function buildPriorityClasses(): V1PriorityClass[] {
  return PRIORITIES.map(priority => ({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: {
      name: priority.priorityClassName,
      labels: { [TENANT_JOBS_LABELS.managedBy]: TENANT_JOBS_MANAGED_BY },
    },
    value: priority.value,
    preemptionPolicy: priority.preemptionPolicy,
    globalDefault: false,
    description: `Tenant Jobs priority '${priority.id}': ${priority.description}`,
  }));
}
