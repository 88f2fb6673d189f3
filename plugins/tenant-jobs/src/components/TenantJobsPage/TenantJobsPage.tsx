import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  InfoCard,
  Page,
  Progress,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import { ReactNode, useState } from 'react';
import { useLiveUpdates } from '../../hooks/useLiveUpdates';
import { useJobCatalog, useTenants } from '../../hooks/useTenantJobsCatalog';
import { ErrorNotice } from '../common/ErrorNotice';
import { LazyRunDetailView, LazyStatsCharts } from '../common/lazyViews';
import { LaunchedNotice } from '../common/LaunchedNotice';
import { useSelectedRun } from '../common/RunLink';
import { LazyLaunchDialog } from '../LaunchDialog/LazyLaunchDialog';
import { QuotaBars } from '../QuotaBars/QuotaBars';
import { LiveRunsTable } from '../RunsTable/LiveRunsTable';
import { PageFilter, RunFilters } from './RunFilters';

function Frame(props: { header: boolean; children: ReactNode }) {
  if (!props.header) return <Content>{props.children}</Content>;
  return (
    <Page themeId="tool">
      <Header
        title="Tenant Jobs"
        subtitle="Kubernetes batch jobs of every tenant you are a member of"
      />
      <Content>{props.children}</Content>
    </Page>
  );
}

/**
 * Every run the user may see, across their tenants: filters, search and
 * server-side pages; each tenant's quota; charts per tenant; and a run's
 * detail view in place (`?run=<id>`).
 */
export function TenantJobsPage(props: {
  /** Render Backstage's page header (the new frontend system adds its own). */
  header?: boolean;
}) {
  const header = props.header ?? true;
  const selected = useSelectedRun();
  const tenants = useTenants();
  const catalog = useJobCatalog();
  const [filter, setFilter] = useState<PageFilter>({ range: 'any' });
  const [launching, setLaunching] = useState(false);
  const [launched, setLaunched] = useState<TenantJobRun>();
  const [chartTenant, setChartTenant] = useState<string>();
  const [listKey, setListKey] = useState(0);
  // Quotas are what running jobs use now: read them again as runs change.
  useLiveUpdates({
    tenantIds: (tenants.value ?? []).map(t => t.id),
    active: false,
    onChange: tenants.retry,
  });
  const titles = Object.fromEntries(
    (catalog.value?.jobTypes ?? []).map(t => [t.id, t.title]),
  );

  if (selected.runId) {
    return (
      <Frame header={header}>
        <LazyRunDetailView
          runId={selected.runId}
          onBack={selected.close}
          onOpenRun={selected.open}
        />
      </Frame>
    );
  }
  if (tenants.error) {
    return (
      <Frame header={header}>
        <ErrorNotice
          error={tenants.error}
          what="load your tenants"
          onRetry={tenants.retry}
        />
      </Frame>
    );
  }
  if (!tenants.value) {
    return (
      <Frame header={header}>
        <Progress />
      </Frame>
    );
  }
  const mine = tenants.value;
  if (mine.length === 0) {
    return (
      <Frame header={header}>
        <EmptyState
          missing="info"
          title="You are not a member of any tenant"
          description="Tenant Jobs shows the jobs of the tenants whose groups you belong to. Ask the owners of a tenant group (a catalog Group annotated tenant-jobs.io/tenant-id) to add you."
        />
      </Frame>
    );
  }
  const { range: _range, ...apiFilter } = filter;
  const charted = mine.find(t => t.id === chartTenant) ?? mine[0];
  return (
    <Frame header={header}>
      <ContentHeader title="Jobs">
        <Button
          variant="contained"
          color="primary"
          onClick={() => setLaunching(true)}
        >
          Launch a job
        </Button>
      </ContentHeader>
      <Grid container spacing={2}>
        <Grid item xs={12}>
          <LaunchedNotice
            run={launched}
            title={launched && titles[launched.jobType]}
            onClose={() => setLaunched(undefined)}
          />
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Runs" subheader="Newest first, across your tenants">
            <RunFilters
              filter={filter}
              tenants={mine}
              jobTypes={catalog.value?.jobTypes ?? []}
              onChange={setFilter}
              onOpenRun={selected.open}
            />
            <LiveRunsTable
              key={listKey}
              filter={apiFilter}
              tenantIds={mine.map(t => t.id)}
              jobTypeTitles={titles}
              caption="Runs of your tenants"
              showTenant
              empty={
                <EmptyState
                  missing="data"
                  title="No runs match"
                  description="No run of your tenants matches these filters. Clear a filter, or launch a job."
                />
              }
            />
          </InfoCard>
        </Grid>
        {mine.map(tenant => (
          <Grid item xs={12} key={tenant.id}>
            <InfoCard
              title={`Quota of ${tenant.title ?? tenant.id}`}
              subheader={`Plan ${tenant.plan.id}, namespace ${tenant.namespace}`}
            >
              <QuotaBars tenant={tenant} row />
            </InfoCard>
          </Grid>
        ))}
        <Grid item xs={12}>
          <Box display="flex" alignItems="center" gridGap={16} marginBottom={1}>
            <Typography variant="h6" component="h2">
              Trends of {charted.title ?? charted.id}
            </Typography>
            {mine.length > 1 && (
              <TextField
                select
                size="small"
                id="trends-tenant"
                label="Tenant"
                value={charted.id}
                onChange={event => setChartTenant(event.target.value)}
              >
                {mine.map(t => (
                  <MenuItem key={t.id} value={t.id}>
                    {t.title ?? t.id}
                  </MenuItem>
                ))}
              </TextField>
            )}
          </Box>
          <LazyStatsCharts
            filter={{ tenant: [charted.id] }}
            jobTypeTitles={titles}
          />
        </Grid>
      </Grid>
      <LazyLaunchDialog
        open={launching}
        onClose={() => setLaunching(false)}
        onLaunched={run => {
          setLaunched(run);
          setListKey(k => k + 1);
        }}
      />
    </Frame>
  );
}
