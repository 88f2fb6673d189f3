import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import type { TenantJobStats } from '@tenant-jobs/plugin-tenant-jobs-common';
import { formatDuration, formatPercent } from '../../lib/format';

/** Totals per tenant and job type: outcomes, success rate, durations, waits. */
export function StatsSummaryTable(props: {
  items: TenantJobStats[];
  jobTypeTitles: Record<string, string>;
}) {
  const tenants = new Set(props.items.map(i => i.tenantId));
  return (
    <Table size="small" aria-label="Runs by job type">
      <TableHead>
        <TableRow>
          {tenants.size > 1 && <TableCell>Tenant</TableCell>}
          <TableCell>Job type</TableCell>
          <TableCell align="right">Runs</TableCell>
          <TableCell align="right">Succeeded</TableCell>
          <TableCell align="right">Failed</TableCell>
          <TableCell align="right">Success rate</TableCell>
          <TableCell align="right">Duration p50 / p95</TableCell>
          <TableCell align="right">Wait p50 / p95</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.items.map(item => (
          <TableRow key={`${item.tenantId}/${item.jobType}`}>
            {tenants.size > 1 && <TableCell>{item.tenantId}</TableCell>}
            <TableCell>
              {props.jobTypeTitles[item.jobType] ?? item.jobType}
            </TableCell>
            <TableCell align="right">{item.total}</TableCell>
            <TableCell align="right">{item.succeeded}</TableCell>
            <TableCell align="right">{item.failed}</TableCell>
            <TableCell align="right">
              {formatPercent(item.successRate)}
            </TableCell>
            <TableCell align="right">
              {formatDuration(item.durationP50Seconds)} /{' '}
              {formatDuration(item.durationP95Seconds)}
            </TableCell>
            <TableCell align="right">
              {formatDuration(item.queueWaitP50Seconds)} /{' '}
              {formatDuration(item.queueWaitP95Seconds)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
