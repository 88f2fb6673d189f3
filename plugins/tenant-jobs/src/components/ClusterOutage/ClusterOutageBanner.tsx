import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useEffect } from 'react';
import type { TenantSummary } from '../../api';
import { useTenants } from '../../hooks/useTenantJobsCatalog';
import { formatDateTime } from '../../lib/format';

/** How often the tenants' clusters are checked while all answer. */
export const CLUSTER_CHECK_MS = 30_000;
/** How often while one does not, so its return shows soon. */
export const CLUSTER_RECHECK_MS = 10_000;

/** The unreachable clusters among these tenants', with their tenants. */
export function unreachableClusters(
  tenants: TenantSummary[],
): Array<{ cluster: string; tenantIds: string[]; lastAnsweredAt?: string }> {
  const byCluster = new Map<
    string,
    { cluster: string; tenantIds: string[]; lastAnsweredAt?: string }
  >();
  for (const tenant of tenants) {
    if (!tenant.clusterState || tenant.clusterState.reachable) continue;
    // The tenant's own cluster, or the MultiKueue worker its jobs run on.
    const cluster = tenant.clusterState.cluster ?? tenant.cluster;
    const entry = byCluster.get(cluster) ?? {
      cluster,
      tenantIds: [],
      lastAnsweredAt: tenant.clusterState.lastAnsweredAt,
    };
    entry.tenantIds.push(tenant.id);
    byCluster.set(cluster, entry);
  }
  return [...byCluster.values()];
}

/**
 * A warning, per cluster, while the cluster of one of the user's tenants
 * does not answer the backend: which cluster, whose runs are there, what
 * does not work meanwhile, and that the runs catch up once it is back.
 * Checks on its own every {@link CLUSTER_CHECK_MS} (sooner during an
 * outage); shows nothing while every cluster answers. `tenantIds` limits
 * it to some of the user's tenants (an entity's). Each warning keeps a
 * margin below it, for the top of a page.
 */
export function ClusterOutageBanner(props: { tenantIds?: string[] }) {
  const tenants = useTenants();
  const wanted = props.tenantIds;
  const outages = unreachableClusters(
    (tenants.value ?? []).filter(t => !wanted || wanted.includes(t.id)),
  );
  const { retry, loading } = tenants;
  const down = outages.length > 0;
  useEffect(() => {
    if (loading) return undefined;
    const timer = setTimeout(
      retry,
      down ? CLUSTER_RECHECK_MS : CLUSTER_CHECK_MS,
    );
    return () => clearTimeout(timer);
  }, [retry, loading, down]);

  if (!down) return null;
  return (
    <>
      {outages.map(outage => (
        <Box key={outage.cluster} marginBottom={2}>
          <Alert
            severity="warning"
            data-testid="cluster-outage"
            data-cluster={outage.cluster}
          >
            <AlertTitle>Cluster {outage.cluster} is not answering</AlertTitle>
            {outage.tenantIds.length === 1 ? 'Tenant ' : 'Tenants '}
            {outage.tenantIds.join(', ')}{' '}
            {outage.tenantIds.length === 1 ? 'runs' : 'run'} there. Until it
            answers again, new jobs cannot be launched, runs there cannot be
            cancelled, and their logs and status are not live: what you see is
            their last known state. Nothing is lost: they catch up when the
            cluster is back.
            {outage.lastAnsweredAt
              ? ` It last answered at ${formatDateTime(outage.lastAnsweredAt)}.`
              : ''}{' '}
            Tenants on other clusters are not affected.
          </Alert>
        </Box>
      ))}
    </>
  );
}
