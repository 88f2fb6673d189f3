import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import { ReactNode } from 'react';
import {
  formatDateTime,
  formatDuration,
  formatRelative,
  refName,
  shortId,
} from '../../lib/format';
import { describeReason } from '../../lib/status';
import { RunLink } from '../common/RunLink';
import { RunStatusLabel } from '../common/RunStatusLabel';

const useStyles = makeStyles(theme => ({
  progress: { height: 2 },
  reason: { color: theme.palette.text.secondary, display: 'block' },
  nowrap: { whiteSpace: 'nowrap' },
}));

/**
 * Runs as a table: the run (opens its detail view), status and reason,
 * tenant and entity when asked, tier and priority, who submitted it when,
 * and how long it ran.
 */
export function RunsTable(props: {
  runs: TenantJobRun[];
  /** Titles of job types by id. */
  jobTypeTitles: Record<string, string>;
  caption: string;
  showTenant?: boolean;
  loading?: boolean;
  footer?: ReactNode;
  now?: number;
}) {
  const classes = useStyles();
  const { runs, jobTypeTitles, showTenant } = props;
  return (
    <>
      {props.loading ? (
        <LinearProgress className={classes.progress} aria-label="Updating" />
      ) : (
        <div className={classes.progress} />
      )}
      <Table size="small" aria-label={props.caption}>
        <TableHead>
          <TableRow>
            <TableCell>Run</TableCell>
            <TableCell>Status</TableCell>
            {showTenant && <TableCell>Tenant</TableCell>}
            <TableCell>Tier · priority</TableCell>
            <TableCell>Submitted</TableCell>
            <TableCell>Duration</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {runs.map(run => (
            <TableRow key={run.id} data-run-id={run.id}>
              <TableCell>
                <RunLink runId={run.id}>
                  {jobTypeTitles[run.jobType] ?? run.jobType}{' '}
                  <span className={classes.nowrap}>#{shortId(run.id)}</span>
                </RunLink>
              </TableCell>
              <TableCell data-testid="run-status">
                <RunStatusLabel status={run.status} />
                {run.reason &&
                  run.reason !== 'Completed' &&
                  run.reason !== run.status && (
                    <Typography variant="caption" className={classes.reason}>
                      {describeReason(run.reason)}
                    </Typography>
                  )}
              </TableCell>
              {showTenant && <TableCell>{run.tenantId}</TableCell>}
              <TableCell className={classes.nowrap}>
                {run.tier} · {run.priority}
              </TableCell>
              <TableCell>
                <span title={formatDateTime(run.createdAt)}>
                  {formatRelative(run.createdAt, props.now)}
                </span>
                <Typography variant="caption" className={classes.reason}>
                  by {refName(run.submittedBy)}
                </Typography>
              </TableCell>
              <TableCell className={classes.nowrap}>
                {formatDuration(run.durationSeconds)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {props.footer}
    </>
  );
}
