import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { TenantJobsFilter, tenantJobsApiRef } from '../../api';
import { durationSeries, successRateSeries } from '../../lib/charts';
import { formatDuration, formatPercent } from '../../lib/format';
import { ErrorNotice } from '../common/ErrorNotice';
import { LineChart } from './LineChart';
import { StatsSummaryTable } from './StatsSummaryTable';

const DAYS = 30;

/**
 * Success rate and p50/p95 duration by job type per day over the last 30
 * days, and a table of the totals, for the runs a filter selects (one
 * tenant, or one entity).
 */
export function StatsCharts(props: {
  filter: TenantJobsFilter;
  jobTypeTitles: Record<string, string>;
}) {
  const api = useApi(tenantJobsApiRef);
  const filterKey = JSON.stringify(props.filter);
  const state = useAsyncRetry(() => {
    const day = 86_400_000;
    const from = new Date(
      Math.floor(Date.now() / day) * day - (DAYS - 1) * day,
    );
    return api.getStats({
      ...props.filter,
      from: from.toISOString(),
      bucket: 'day',
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, filterKey]);
  const stats = state.value;
  const rates = useMemo(
    () => (stats ? successRateSeries(stats, props.jobTypeTitles) : []),
    [stats, props.jobTypeTitles],
  );
  const durations = useMemo(
    () => (stats ? durationSeries(stats, props.jobTypeTitles) : []),
    [stats, props.jobTypeTitles],
  );

  if (state.error) {
    return (
      <ErrorNotice
        error={state.error}
        what="load the statistics"
        onRetry={state.retry}
      />
    );
  }
  if (!stats) return <Progress />;
  if (stats.items.length === 0) {
    return (
      <Typography variant="body2">
        No runs in the last {DAYS} days, so there is nothing to chart yet.
      </Typography>
    );
  }
  const describe = (
    what: string,
    format: (y: number) => string,
    series = rates,
  ) =>
    series
      .map(s => {
        const last = [...s.points].reverse().find(p => p.y !== undefined);
        return `${s.label}: ${
          last ? `${format(last.y!)} on the last day with runs` : 'no figure'
        }`;
      })
      .join('; ') || `No ${what}`;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={6}>
        <InfoCard
          title="Success rate by job type"
          subheader={`Per day, last ${DAYS} days`}
        >
          <LineChart
            title="Success rate by job type"
            summary={describe('success rates', formatPercent)}
            series={rates}
            formatY={y => formatPercent(y)}
            yTicks={[0, 0.25, 0.5, 0.75, 1]}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard
          title="Duration by job type"
          subheader={`p50 solid, p95 dashed; per day, last ${DAYS} days`}
        >
          <LineChart
            title="Duration by job type, p50 and p95"
            summary={describe('durations', formatDuration, durations)}
            series={durations}
            formatY={y => formatDuration(y)}
            seconds
            group={s => ({
              key: s.id.replace(/-p(50|95)$/, ''),
              label: s.label.replace(/ p(50|95)$/, ''),
            })}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title={`Last ${DAYS} days by job type`}>
          <StatsSummaryTable
            items={stats.items}
            jobTypeTitles={props.jobTypeTitles}
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
