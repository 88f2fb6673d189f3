import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import { statusOf } from '../../api';
import { useAdminTenants } from '../../hooks/useAdminTenants';
import { useLiveUpdates } from '../../hooks/useLiveUpdates';
import { useJobTypeTitles } from '../../hooks/useTenantJobsCatalog';
import { ErrorNotice } from '../common/ErrorNotice';
import { LiveRunsTable } from '../RunsTable/LiveRunsTable';
import { ClustersHealthCard } from './ClustersHealthCard';
import { TenantsOverviewTable } from './TenantsOverviewTable';

/**
 * The platform team's view of every tenant: an overview of load, success,
 * quota and usage, the clusters' health, and every tenant's runs (a run
 * opens in place, where it can be cancelled). Kept current by the
 * tenants' signals; the clusters every 30 seconds.
 */
export function PlatformView(props: {
  /** Every tenant, when the page has read them already (one request). */
  tenants?: ReturnType<typeof useAdminTenants>;
}) {
  const own = useAdminTenants(!props.tenants);
  const tenants = props.tenants ?? own;
  const titles = useJobTypeTitles();
  const tenantIds = (tenants.value ?? []).map(tenant => tenant.id);
  useLiveUpdates({ tenantIds, active: false, onChange: tenants.retry });

  if (tenants.error && statusOf(tenants.error) === 403) {
    return (
      <EmptyState
        missing="info"
        title="The platform view is for the platform team"
        description="It shows every tenant. Ask your Backstage administrators to add you to a group named in tenantJobs.adminGroups."
      />
    );
  }
  let overview;
  if (tenants.error && !tenants.value) {
    overview = (
      <ErrorNotice
        error={tenants.error}
        what="load every tenant"
        onRetry={tenants.retry}
      />
    );
  } else if (!tenants.value) {
    overview = <Progress />;
  } else if (tenants.value.length === 0) {
    overview = (
      <EmptyState
        missing="data"
        title="No tenants yet"
        description="A tenant is a catalog Group annotated tenant-jobs.io/tenant-id, or an entry under tenantJobs.tenants in the app configuration. Add one, and it appears here."
      />
    );
  } else {
    overview = <TenantsOverviewTable tenants={tenants.value} />;
  }
  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <InfoCard
          title="Tenants"
          subheader="Runs active / queued / slots now; success over 7 days; usage this calendar month (UTC)"
        >
          {overview}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <ClustersHealthCard />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Runs of every tenant"
          subheader="Newest first; open a run to cancel it"
        >
          <LiveRunsTable
            filter={{}}
            tenantIds={tenantIds}
            jobTypeTitles={titles}
            caption="Runs of every tenant"
            showTenant
            empty={
              <EmptyState
                missing="data"
                title="No runs yet"
                description="No tenant has launched a job yet. Runs appear here as tenants launch them."
              />
            }
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
