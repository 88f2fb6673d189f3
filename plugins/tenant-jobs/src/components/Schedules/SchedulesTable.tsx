import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { TenantJobScheduleWithLastRun } from '../../api';
import { formatRelative, shortId } from '../../lib/format';
import { RunLink } from '../common/RunLink';
import { RunStatusLabel } from '../common/RunStatusLabel';
import { cronInWords } from './cronInWords';

const useStyles = makeStyles(theme => ({
  secondary: { color: theme.palette.text.secondary, display: 'block' },
  times: { margin: 0, paddingLeft: theme.spacing(2) },
  nowrap: { whiteSpace: 'nowrap' },
}));

/** What a row's buttons may do. */
export type ScheduleAction = 'pause' | 'resume' | 'run' | 'delete' | 'runs';

/** A start time in the user's locale and time zone, with the weekday. */
export function formatStartTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** How a schedule is named to a user: its job type and short id. */
export function scheduleLabel(
  schedule: TenantJobScheduleWithLastRun,
  jobTypeTitles: Record<string, string>,
): string {
  return `${jobTypeTitles[schedule.jobType] ?? schedule.jobType} #${shortId(
    schedule.id,
  )}`;
}

/**
 * Schedules as a table: job type, when in words and as cron, time zone,
 * the next three starts, the last run and its status, and per row pause
 * or resume, run now, its runs, and delete.
 */
export function SchedulesTable(props: {
  schedules: TenantJobScheduleWithLastRun[];
  jobTypeTitles: Record<string, string>;
  caption: string;
  showTenant?: boolean;
  /** The id of the schedule an action is under way on. */
  busyId?: string;
  onAction(
    action: ScheduleAction,
    schedule: TenantJobScheduleWithLastRun,
  ): void;
  now?: number;
}) {
  const classes = useStyles();
  const { jobTypeTitles } = props;
  return (
    <Table size="small" aria-label={props.caption}>
      <TableHead>
        <TableRow>
          <TableCell>Schedule</TableCell>
          {props.showTenant && <TableCell>Tenant</TableCell>}
          <TableCell>When</TableCell>
          <TableCell>Time zone</TableCell>
          <TableCell>Next starts (your time)</TableCell>
          <TableCell>Last run</TableCell>
          <TableCell>Actions</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.schedules.map(schedule => {
          const label = scheduleLabel(schedule, jobTypeTitles);
          const busy = props.busyId === schedule.id;
          const act = (action: ScheduleAction) => () =>
            props.onAction(action, schedule);
          return (
            <TableRow key={schedule.id} data-schedule-id={schedule.id}>
              <TableCell>
                <Typography variant="body2" component="span">
                  {label}
                </Typography>
                {schedule.paused && (
                  <Box component="span" marginLeft={1}>
                    <Chip size="small" label="Paused" />
                  </Box>
                )}
                <Typography variant="caption" className={classes.secondary}>
                  {schedule.tier ? `${schedule.tier} · ` : ''}
                  {schedule.priority}
                </Typography>
              </TableCell>
              {props.showTenant && <TableCell>{schedule.tenantId}</TableCell>}
              <TableCell>
                {cronInWords(schedule.cron)}
                <Typography variant="caption" className={classes.secondary}>
                  <code>{schedule.cron}</code>
                </Typography>
              </TableCell>
              <TableCell style={{ whiteSpace: 'nowrap' }}>
                {schedule.timeZone}
              </TableCell>
              <TableCell className={classes.nowrap}>
                {schedule.paused || schedule.nextRunTimes.length === 0 ? (
                  <Typography variant="body2" color="textSecondary">
                    {schedule.paused ? 'None while paused' : 'None'}
                  </Typography>
                ) : (
                  <ul
                    className={classes.times}
                    aria-label={`Next starts of ${label}`}
                  >
                    {schedule.nextRunTimes.slice(0, 3).map(time => (
                      <li key={time}>
                        <time dateTime={time}>{formatStartTime(time)}</time>
                      </li>
                    ))}
                  </ul>
                )}
              </TableCell>
              <TableCell>
                {schedule.lastRun ? (
                  <>
                    <RunLink runId={schedule.lastRun.id}>
                      #{shortId(schedule.lastRun.id)}
                    </RunLink>{' '}
                    <RunStatusLabel status={schedule.lastRun.status} />
                    <Typography variant="caption" className={classes.secondary}>
                      {formatRelative(schedule.lastRun.createdAt, props.now)}
                    </Typography>
                  </>
                ) : (
                  <Typography variant="body2" color="textSecondary">
                    None yet
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <Box display="flex" gridGap={4} flexWrap="wrap">
                  {schedule.paused ? (
                    <Button
                      size="small"
                      color="primary"
                      disabled={busy}
                      aria-label={`Resume schedule ${label}`}
                      onClick={act('resume')}
                    >
                      Resume
                    </Button>
                  ) : (
                    <Button
                      size="small"
                      color="primary"
                      disabled={busy}
                      aria-label={`Pause schedule ${label}`}
                      onClick={act('pause')}
                    >
                      Pause
                    </Button>
                  )}
                  <Button
                    size="small"
                    color="primary"
                    disabled={busy}
                    aria-label={`Run now: schedule ${label}`}
                    onClick={act('run')}
                  >
                    Run now
                  </Button>
                  <Button
                    size="small"
                    color="primary"
                    aria-label={`Show runs of schedule ${label}`}
                    onClick={act('runs')}
                  >
                    Show runs
                  </Button>
                  <Button
                    size="small"
                    color="secondary"
                    disabled={busy}
                    aria-label={`Delete schedule ${label}`}
                    onClick={act('delete')}
                  >
                    Delete
                  </Button>
                </Box>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
