import type { Config } from '@backstage/config';
import {
  isTierId,
  tenantNamespaceName,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type { HistoryTarget } from './history';

/** The single-component history: Acme Warehouse ETL's. */
export const WAREHOUSE_ETL: HistoryTarget = {
  tenantId: 'acme-analytics',
  entityRef: 'component:default/acme-warehouse-etl',
  namespace: 'tenant-acme-analytics',
  cluster: 'local',
  submitters: ['user:default/alice', 'user:default/carol'],
};

/** The demo organisation's tenants: a component of each and its members. */
const DEMO_TENANTS: Record<
  string,
  { entityRef: string; submitters: string[] }
> = {
  'acme-analytics': {
    entityRef: WAREHOUSE_ETL.entityRef!,
    submitters: WAREHOUSE_ETL.submitters,
  },
  'globex-retail': {
    entityRef: 'component:default/globex-billing',
    submitters: ['user:default/bob'],
  },
  'initech-labs': {
    entityRef: 'component:default/initech-scanner',
    submitters: ['user:default/erin', 'user:default/carol'],
  },
};

/** A stable seed per tenant, so each tenant's history is the same each time. */
function seedOf(tenantId: string): number {
  let hash = 2166136261;
  for (const char of tenantId) {
    hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  }
  return hash;
}

/**
 * A history target for each tenant under `tenantJobs.tenants` (those in
 * `only` when given), as the plugin would place its runs: the tenant's
 * cluster and namespace, the job types and largest tier of its plan. The
 * demo organisation's tenants get runs of one of their components by their
 * members; any other tenant runs launched from the Tenant Jobs page by
 * `user:default/<tenant>-engineer` (examples/bench-org.yaml has them).
 */
export function historyTargets(
  config: Config,
  only?: readonly string[],
): HistoryTarget[] {
  const tenantJobs = config.getOptionalConfig('tenantJobs');
  const tenants = tenantJobs?.getOptionalConfig('tenants');
  const ids = (tenants?.keys() ?? []).filter(id => !only || only.includes(id));
  const unknown = (only ?? []).filter(id => !ids.includes(id));
  if (unknown.length > 0) {
    throw new Error(
      `Not under tenantJobs.tenants: ${unknown.join(
        ', ',
      )}; the demo history goes to configured tenants only`,
    );
  }
  const plans = tenantJobs?.getOptionalConfig('plans');
  const defaultPlan =
    tenantJobs?.getOptionalString('defaultPlan') ?? plans?.keys()[0];
  const defaultCluster =
    tenantJobs?.getOptionalString('defaultCluster') ??
    tenantJobs?.getOptionalConfigArray('clusters')?.[0]?.getString('name') ??
    'local';
  const pattern = tenantJobs?.getOptionalString('namespacePattern');
  return ids.map(tenantId => {
    const entry = tenants!.getConfig(tenantId);
    const planId = entry.getOptionalString('plan') ?? defaultPlan;
    const plan = planId ? plans?.getOptionalConfig(planId) : undefined;
    const maxTier = plan?.getOptionalString('maxTier');
    const demo = DEMO_TENANTS[tenantId];
    return {
      tenantId,
      ...(demo && { entityRef: demo.entityRef }),
      namespace: tenantNamespaceName(pattern, tenantId),
      cluster: entry.getOptionalString('cluster') ?? defaultCluster,
      submitters: demo?.submitters ?? [`user:default/${tenantId}-engineer`],
      ...(plan?.has('allowedJobTypes') && {
        jobTypes: plan.getStringArray('allowedJobTypes'),
      }),
      ...(maxTier && isTierId(maxTier) && { maxTier }),
      seed: seedOf(tenantId),
    };
  });
}
