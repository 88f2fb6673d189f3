import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import BlockIcon from '@material-ui/icons/Block';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import type { AuditEvent, AuditOutcome } from '../../api';
import { formatDateTime, refName, shortId } from '../../lib/format';
import { RunLink } from '../common/RunLink';
import {
  AUDIT_ACTION_LABELS,
  AUDIT_OUTCOME_LABELS,
  detailText,
} from './auditWords';

const useStyles = makeStyles(theme => ({
  progress: { height: 2 },
  secondary: { color: theme.palette.text.secondary, display: 'block' },
  nowrap: { whiteSpace: 'nowrap' },
  detail: { maxWidth: 420, overflowWrap: 'anywhere' },
  succeeded: { color: theme.palette.success?.main ?? '#2e7d32' },
  refused: { color: theme.palette.warning?.main ?? '#ed6c02' },
  failed: { color: theme.palette.error.main },
}));

const OUTCOME_ICONS: Record<AuditOutcome, typeof CheckCircleIcon> = {
  succeeded: CheckCircleIcon,
  refused: BlockIcon,
  failed: ErrorIcon,
};

/**
 * Audit events as a table: when, who (marked when acting as the platform
 * team), what, on which tenant and run, how it ended, and its detail.
 */
export function AuditTable(props: { events: AuditEvent[]; loading: boolean }) {
  const classes = useStyles();
  return (
    <>
      {props.loading ? (
        <LinearProgress className={classes.progress} aria-label="Updating" />
      ) : (
        <div className={classes.progress} />
      )}
      <Table size="small" aria-label="Audit events">
        <TableHead>
          <TableRow>
            <TableCell>Time</TableCell>
            <TableCell>Actor</TableCell>
            <TableCell>Action</TableCell>
            <TableCell>Tenant</TableCell>
            <TableCell>Run</TableCell>
            <TableCell>Outcome</TableCell>
            <TableCell>Detail</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.events.map(event => {
            const Icon = OUTCOME_ICONS[event.outcome];
            return (
              <TableRow key={event.id} data-audit-id={event.id}>
                <TableCell className={classes.nowrap}>
                  {formatDateTime(event.at)}
                </TableCell>
                <TableCell>
                  <span title={event.actor}>{refName(event.actor)}</span>
                  {event.asAdmin && (
                    <Chip
                      size="small"
                      variant="outlined"
                      label="as admin"
                      title="Acted as the platform team on another tenant's run, schedule or rule"
                      style={{ marginLeft: 4 }}
                    />
                  )}
                </TableCell>
                <TableCell>
                  {AUDIT_ACTION_LABELS[event.action] ?? event.action}
                  <Typography variant="caption" className={classes.secondary}>
                    {event.action}
                  </Typography>
                </TableCell>
                <TableCell>{event.tenantId ?? '–'}</TableCell>
                <TableCell className={classes.nowrap}>
                  {event.runId ? (
                    <RunLink runId={event.runId}>
                      #{shortId(event.runId)}
                    </RunLink>
                  ) : (
                    '–'
                  )}
                </TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    variant="outlined"
                    icon={
                      <Icon
                        aria-hidden="true"
                        className={classes[event.outcome]}
                      />
                    }
                    label={AUDIT_OUTCOME_LABELS[event.outcome] ?? event.outcome}
                  />
                </TableCell>
                <TableCell className={classes.detail}>
                  {detailText(event.detail) || '–'}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </>
  );
}
