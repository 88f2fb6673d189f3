import { EmptyState, InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import type { TenantSummary } from '../../api';
import { LazyStatsCharts } from '../common/lazyViews';
import { QuotaBars } from '../QuotaBars/QuotaBars';
import { LiveRunsTable } from '../RunsTable/LiveRunsTable';
import { PageFilter, RunFilters } from './RunFilters';

/**
 * The Runs tab: runs with filters and search, paged on the server; each
 * of the user's tenants' quota, and trends per tenant. For the platform
 * team (`everyTenant`) the runs are every tenant's.
 */
export function RunsTab(props: {
  filter: PageFilter;
  onFilterChange(filter: PageFilter): void;
  onOpenRun(runId: string): void;
  /** The user's tenants: their quota and trends. */
  tenants: TenantSummary[];
  /** The tenants whose runs are listed, to filter by and to follow live. */
  listedTenants: Array<{ id: string; title?: string }>;
  everyTenant: boolean;
  jobTypes: Array<{ id: string; title: string }>;
  jobTypeTitles: Record<string, string>;
  /** Changes when the list must be read again (a run was launched). */
  listKey: number;
}) {
  const { filter, tenants, jobTypeTitles: titles } = props;
  const [chartTenant, setChartTenant] = useState<string>();
  const { range: _range, ...apiFilter } = filter;
  const charted = tenants.find(t => t.id === chartTenant) ?? tenants[0];
  const whose = props.everyTenant ? 'every tenant' : 'your tenants';
  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <InfoCard title="Runs" subheader={`Newest first, across ${whose}`}>
          <RunFilters
            filter={filter}
            tenants={props.listedTenants}
            jobTypes={props.jobTypes}
            onChange={props.onFilterChange}
            onOpenRun={props.onOpenRun}
          />
          <LiveRunsTable
            key={props.listKey}
            filter={apiFilter}
            tenantIds={props.listedTenants.map(t => t.id)}
            jobTypeTitles={titles}
            caption={`Runs of ${whose}`}
            showTenant
            empty={
              <EmptyState
                missing="data"
                title="No runs match"
                description={`No run of ${whose} matches these filters. Clear a filter, or launch a job.`}
              />
            }
          />
        </InfoCard>
      </Grid>
      {tenants.map(tenant => (
        <Grid item xs={12} key={tenant.id}>
          <InfoCard
            title={`Quota of ${tenant.title ?? tenant.id}`}
            subheader={`Plan ${tenant.plan.id}, namespace ${tenant.namespace}`}
          >
            <QuotaBars tenant={tenant} row />
          </InfoCard>
        </Grid>
      ))}
      {charted && (
        <Grid item xs={12}>
          <Box display="flex" alignItems="center" gridGap={16} marginBottom={1}>
            <Typography variant="h6" component="h2">
              Trends of {charted.title ?? charted.id}
            </Typography>
            {tenants.length > 1 && (
              <TextField
                select
                size="small"
                id="trends-tenant"
                label="Tenant"
                value={charted.id}
                onChange={event => setChartTenant(event.target.value)}
              >
                {tenants.map(t => (
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
      )}
    </Grid>
  );
}
