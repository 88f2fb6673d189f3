import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { tenantJobsApiRef, UsageQuery } from '../../api';
import { useLiveUpdates } from '../../hooks/useLiveUpdates';
import { useJobTypeTitles } from '../../hooks/useTenantJobsCatalog';
import { saveFile } from '../../lib/saveFile';
import { ErrorNotice } from '../common/ErrorNotice';
import { LineChart } from '../StatsCharts/LineChart';
import { coreHoursPerDay } from './coreHoursPerDay';
import { formatHours } from './formatUsage';
import { UsageTable } from './UsageTable';
import {
  periodRange,
  USAGE_GROUPINGS,
  USAGE_PERIODS,
  UsagePeriod,
} from './usageOptions';

function dayText(time: number) {
  return new Date(time).toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

/**
 * Usage for chargeback: what the runs that finished in a period used (CPU
 * core-hours, memory GiB-hours, GPU-hours, run counts) by tenant, job type
 * or day, with a total; core-hours per day as a chart; and the same rows
 * as a CSV download. Of `tenantIds`, or of every tenant the user may read
 * (every tenant for the platform team). Kept current by the tenants'
 * signals.
 */
export function UsagePanel(props: { tenantIds?: string[] }) {
  const api = useApi(tenantJobsApiRef);
  const titles = useJobTypeTitles();
  const [period, setPeriod] = useState<UsagePeriod>('this-month');
  const [groupingId, setGroupingId] = useState(USAGE_GROUPINGS[0].id);
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<unknown>();
  const grouping =
    USAGE_GROUPINGS.find(g => g.id === groupingId) ?? USAGE_GROUPINGS[0];
  const tenantKey = props.tenantIds?.join(',');
  const query: UsageQuery = useMemo(
    () => ({
      tenantId: tenantKey ? tenantKey.split(',') : undefined,
      ...periodRange(period),
      groupBy: grouping.groupBy,
    }),
    [tenantKey, period, grouping],
  );
  // Each report with the query it answers: a refresh of the same query
  // keeps the figures on screen, another query waits for its own.
  const answer = useAsyncRetry(
    async () => ({ query, report: await api.getUsage(query) }),
    [api, query],
  );
  const table = {
    ...answer,
    value: answer.value?.query === query ? answer.value.report : undefined,
  };
  const chart = useAsyncRetry(
    () => api.getUsage({ ...query, groupBy: ['tenant', 'day'] }),
    [api, query],
  );
  const chartPoints = useMemo(
    () => (chart.value ? coreHoursPerDay(chart.value) : []),
    [chart.value],
  );
  const liveTenantIds = props.tenantIds ?? [
    ...new Set(
      (chart.value?.items ?? []).flatMap(item =>
        item.tenantId ? [item.tenantId] : [],
      ),
    ),
  ];
  useLiveUpdates({
    tenantIds: liveTenantIds,
    active: false,
    onChange: () => {
      table.retry();
      chart.retry();
    },
  });

  const download = async () => {
    setDownloading(true);
    setDownloadError(undefined);
    try {
      saveFile(await api.usageCsv(query));
    } catch (error) {
      setDownloadError(error);
    } finally {
      setDownloading(false);
    }
  };

  const periodLabel = USAGE_PERIODS.find(p => p.id === period)!.label;
  let content;
  if (table.error && !table.value) {
    content = (
      <ErrorNotice
        error={table.error}
        what="load the usage"
        onRetry={table.retry}
      />
    );
  } else if (!table.value) {
    content = <Progress />;
  } else if (table.value.items.length === 0) {
    content = (
      <EmptyState
        missing="data"
        title="No usage in this period"
        description="Usage counts the runs that finished in the period. Choose another period, or launch a job and come back when it has finished."
      />
    );
  } else {
    const total = chartPoints.reduce((sum, p) => sum + (p.y ?? 0), 0);
    const busiest = chartPoints.reduce(
      (most, p) => ((p.y ?? 0) > (most?.y ?? 0) ? p : most),
      undefined as (typeof chartPoints)[number] | undefined,
    );
    content = (
      <>
        <UsageTable
          report={table.value}
          caption={`Usage by ${grouping.label.toLowerCase()}, ${periodLabel.toLowerCase()}`}
          jobTypeTitles={titles}
        />
        <Box marginTop={3}>
          <Typography variant="subtitle1" component="h3">
            CPU core-hours per day
          </Typography>
          {chart.error && (
            <ErrorNotice
              error={chart.error}
              what="load the usage per day"
              onRetry={chart.retry}
            />
          )}
          {chartPoints.length > 0 && (
            <LineChart
              title="CPU core-hours per day"
              summary={`${formatHours(total)} core-hours in ${
                chartPoints.length
              } days${
                busiest
                  ? `; the most on ${dayText(busiest.x)}: ${formatHours(
                      busiest.y ?? 0,
                    )}`
                  : ''
              }`}
              series={[
                { id: 'cpu', label: 'CPU core-hours', points: chartPoints },
              ]}
              formatY={formatHours}
            />
          )}
        </Box>
      </>
    );
  }

  return (
    <InfoCard
      title="Usage"
      subheader="What finished runs used while their job containers ran: requests × time, per tenant, job type and period (UTC)"
    >
      <Box
        display="flex"
        flexWrap="wrap"
        gridGap={12}
        alignItems="center"
        marginBottom={2}
        role="group"
        aria-label="Usage options"
      >
        <TextField
          select
          size="small"
          variant="outlined"
          id="usage-period"
          label="Period"
          value={period}
          style={{ minWidth: 160 }}
          onChange={event => setPeriod(event.target.value as UsagePeriod)}
        >
          {USAGE_PERIODS.map(option => (
            <MenuItem key={option.id} value={option.id}>
              {option.label}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          size="small"
          variant="outlined"
          id="usage-group-by"
          label="Group by"
          value={grouping.id}
          style={{ minWidth: 200 }}
          onChange={event => setGroupingId(event.target.value)}
        >
          {USAGE_GROUPINGS.map(option => (
            <MenuItem key={option.id} value={option.id}>
              {option.label}
            </MenuItem>
          ))}
        </TextField>
        <Button
          variant="outlined"
          color="primary"
          startIcon={<GetAppIcon aria-hidden="true" />}
          onClick={download}
          disabled={downloading}
        >
          Download CSV
        </Button>
      </Box>
      {downloadError !== undefined && (
        <Box marginBottom={2}>
          <ErrorNotice error={downloadError} what="download the usage" />
        </Box>
      )}
      {content}
    </InfoCard>
  );
}
