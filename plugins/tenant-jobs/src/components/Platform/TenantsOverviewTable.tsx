import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { AdminTenant } from '../../api';
import { formatUsage } from '../Usage/formatUsage';
import { quotaUseText, slotsText, successText } from './tenantLoad';

/** Short values that read wrong when broken across lines. */
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/**
 * Every tenant in a row: plan, cluster, runs active / queued / slots, the
 * 7-day success rate, quota use and this month's usage.
 */
export function TenantsOverviewTable(props: { tenants: AdminTenant[] }) {
  return (
    <Table size="small" aria-label="Every tenant">
      <TableHead>
        <TableRow>
          <TableCell>Tenant</TableCell>
          <TableCell>Plan</TableCell>
          <TableCell>Cluster</TableCell>
          <TableCell>Active / queued / slots</TableCell>
          <TableCell>Success, 7 days</TableCell>
          <TableCell>Quota use</TableCell>
          <TableCell>Usage this month</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.tenants.map(tenant => (
          <TableRow key={tenant.id} data-tenant-id={tenant.id}>
            <TableCell component="th" scope="row" style={NO_WRAP}>
              {tenant.title ?? tenant.id}
              {tenant.title && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  display="block"
                >
                  {tenant.id}
                </Typography>
              )}
            </TableCell>
            <TableCell style={NO_WRAP}>{tenant.plan}</TableCell>
            <TableCell style={NO_WRAP}>
              {tenant.cluster}
              <Typography
                variant="caption"
                color="textSecondary"
                display="block"
              >
                {tenant.namespace}
              </Typography>
            </TableCell>
            <TableCell style={NO_WRAP}>{slotsText(tenant)}</TableCell>
            <TableCell>{successText(tenant.successRate7d)}</TableCell>
            <TableCell>{quotaUseText(tenant.quota)}</TableCell>
            <TableCell style={NO_WRAP}>
              {formatUsage(tenant.usageThisMonth)
                .split(', ')
                .map(part => (
                  <span key={part} style={{ display: 'block' }}>
                    {part}
                  </span>
                ))}
              <Typography
                variant="caption"
                color="textSecondary"
                display="block"
              >
                {tenant.usageThisMonth.runs === 1
                  ? '1 run'
                  : `${tenant.usageThisMonth.runs} runs`}
              </Typography>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
