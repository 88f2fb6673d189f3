import type { V1PriorityClass } from '@kubernetes/client-node';
import { TENANT_JOBS_LABELS, TENANT_JOBS_MANAGED_BY } from '../constants';
import { PRIORITIES } from '../priorities';
import type { PriorityId } from '../types';

/**
 * Options of {@link buildPriorityClasses}.
 *
 * @public
 */
export interface PriorityClassOptions {
  /**
   * Priorities whose class may evict lower-priority pods; all others get
   * `preemptionPolicy: Never` and only wait in the scheduling queue ahead
   * of lower ones. By default each priority's own policy (only `critical`
   * preempts).
   */
  preempting?: readonly PriorityId[];
}

/**
 * The cluster-scoped PriorityClasses the Jobs refer to, one per priority.
 * None is the global default. Installed once per cluster, by the backend
 * at startup or by the cluster's administrators. A class's value and
 * preemption policy cannot change once it exists.
 *
 * @public
 */
export function buildPriorityClasses(
  options: PriorityClassOptions = {},
): V1PriorityClass[] {
  const preempts = (id: PriorityId, fallback: boolean) =>
    options.preempting ? options.preempting.includes(id) : fallback;
  return PRIORITIES.map(priority => ({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: {
      name: priority.priorityClassName,
      labels: { [TENANT_JOBS_LABELS.managedBy]: TENANT_JOBS_MANAGED_BY },
    },
    value: priority.value,
    preemptionPolicy: preempts(
      priority.id,
      priority.preemptionPolicy === 'PreemptLowerPriority',
    )
      ? 'PreemptLowerPriority'
      : 'Never',
    globalDefault: false,
    description: `Tenant Jobs priority '${priority.id}': ${priority.description}`,
  }));
}
