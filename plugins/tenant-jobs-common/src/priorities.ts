import { deepFreeze } from './deepFreeze';
import type { Priority, PriorityId } from './types';

/**
 * Priority ids, most urgent first.
 *
 * @public
 */
export const PRIORITY_IDS: readonly PriorityId[] = deepFreeze<PriorityId[]>([
  'critical',
  'high',
  'normal',
  'low',
  'batch',
]);

/**
 * The priority a request gets when it names none.
 *
 * @public
 */
export const DEFAULT_PRIORITY: PriorityId = 'normal';

/**
 * Prefix of the PriorityClass names; the priority id follows it.
 *
 * @public
 */
export const PRIORITY_CLASS_PREFIX = 'tenant-jobs-';

/**
 * The priorities, most urgent first. Their values sit far below the
 * built-in `system-cluster-critical` (2000000000) and
 * `system-node-critical` (2000001000) classes, so no job can ever preempt
 * cluster components. A higher value is scheduled first; only `critical`
 * evicts lower-priority pods by default, since on shared nodes preemption
 * crosses tenants. The backend's `tenantJobs.priorities.preempting`
 * setting decides which classes preempt in a cluster (see
 * {@link buildPriorityClasses}), and each plan's `maxPriority` who may use
 * them.
 *
 * @public
 */
export const PRIORITIES: readonly Priority[] = deepFreeze<Priority[]>([
  {
    id: 'critical',
    title: 'Critical',
    description:
      'Urgent work for platform-approved plans; may evict lower-priority jobs',
    priorityClassName: `${PRIORITY_CLASS_PREFIX}critical`,
    value: 1000000,
    preemptionPolicy: 'PreemptLowerPriority',
  },
  {
    id: 'high',
    title: 'High',
    description: 'Time-sensitive work; scheduled before normal jobs',
    priorityClassName: `${PRIORITY_CLASS_PREFIX}high`,
    value: 100000,
    preemptionPolicy: 'Never',
  },
  {
    id: 'normal',
    title: 'Normal',
    description: 'The default',
    priorityClassName: `${PRIORITY_CLASS_PREFIX}normal`,
    value: 10000,
    preemptionPolicy: 'Never',
  },
  {
    id: 'low',
    title: 'Low',
    description: 'Work that can wait; scheduled after normal jobs',
    priorityClassName: `${PRIORITY_CLASS_PREFIX}low`,
    value: 1000,
    preemptionPolicy: 'Never',
  },
  {
    id: 'batch',
    title: 'Batch',
    description: 'Background work; never preempts, runs when there is room',
    priorityClassName: `${PRIORITY_CLASS_PREFIX}batch`,
    value: 100,
    preemptionPolicy: 'Never',
  },
]);

/**
 * Whether `value` is a priority id.
 *
 * @public
 */
export function isPriorityId(value: unknown): value is PriorityId {
  return (
    typeof value === 'string' && PRIORITY_IDS.includes(value as PriorityId)
  );
}

/**
 * The priority with the given id. Throws for an unknown id.
 *
 * @public
 */
export function getPriority(id: PriorityId): Priority {
  const priority = PRIORITIES.find(p => p.id === id);
  if (!priority) {
    throw new Error(`Unknown priority '${id}'`);
  }
  return priority;
}

/**
 * Orders priorities most urgent first; usable with `Array.prototype.sort`
 * (the backend's per-tenant queue dequeues in this order).
 *
 * @public
 */
export function comparePriorities(a: PriorityId, b: PriorityId): number {
  return getPriority(b).value - getPriority(a).value;
}

/**
 * Whether priority `a` is at most as urgent as `b`.
 *
 * @public
 */
export function isPriorityAtMost(a: PriorityId, b: PriorityId): boolean {
  return getPriority(a).value <= getPriority(b).value;
}
