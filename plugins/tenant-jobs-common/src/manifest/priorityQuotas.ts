import type { V1ResourceQuota } from '@kubernetes/client-node';
import {
  HIGH_PRIORITY_QUOTA_NAME,
  PRIORITY_CEILING_QUOTA_NAME,
} from '../constants';
import { allowedPrioritiesFor, resolvePlanLimits } from '../plans';
import { getPriority, isPriorityAtMost } from '../priorities';
import type { TenantPlan } from '../types';
import { tenantLabels } from './labels';

function scopedQuota(
  name: string,
  tenantId: string,
  namespace: string,
  operator: 'In' | 'NotIn',
  classNames: string[],
  pods: number,
): V1ResourceQuota {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name, namespace, labels: tenantLabels(tenantId) },
    spec: {
      hard: { pods: String(pods) },
      scopeSelector: {
        matchExpressions: [
          { scopeName: 'PriorityClass', operator, values: classNames },
        ],
      },
    },
  };
}

/**
 * ResourceQuotas scoped by PriorityClass, so a tenant's priority limits
 * hold in Kubernetes too, whoever creates the pods:
 *
 * - `tenant-jobs-priority-ceiling` admits no pod whose PriorityClass is
 *   not one the plan allows (a class above `maxPriority`, another class,
 *   or none);
 * - `tenant-jobs-high-priority` bounds the pods at once above `normal`
 *   (`quota.highPriorityPods`), when the plan allows such priorities.
 *
 * @public
 */
export function buildTenantPriorityQuotas(
  tenantId: string,
  namespace: string,
  plan: TenantPlan,
): V1ResourceQuota[] {
  const limits = resolvePlanLimits(plan);
  const allowed = allowedPrioritiesFor(plan);
  const quotas = [
    scopedQuota(
      PRIORITY_CEILING_QUOTA_NAME,
      tenantId,
      namespace,
      'NotIn',
      allowed.map(id => getPriority(id).priorityClassName),
      0,
    ),
  ];
  const urgent = allowed.filter(id => !isPriorityAtMost(id, 'normal'));
  if (urgent.length > 0) {
    quotas.push(
      scopedQuota(
        HIGH_PRIORITY_QUOTA_NAME,
        tenantId,
        namespace,
        'In',
        urgent.map(id => getPriority(id).priorityClassName),
        limits.highPriorityPods,
      ),
    );
  }
  return quotas;
}
