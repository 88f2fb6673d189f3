import { makeStyles } from '@material-ui/core/styles';
import CancelIcon from '@material-ui/icons/Cancel';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import HourglassEmptyIcon from '@material-ui/icons/HourglassEmpty';
import PlayCircleFilledIcon from '@material-ui/icons/PlayCircleFilled';
import ScheduleIcon from '@material-ui/icons/Schedule';
import type { RunStatus } from '@tenant-jobs/plugin-tenant-jobs-common';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    whiteSpace: 'nowrap',
  },
  icon: { fontSize: '1.1em' },
  Succeeded: { color: theme.palette.success?.main ?? '#2e7d32' },
  Failed: { color: theme.palette.error.main },
  Cancelled: { color: theme.palette.text.secondary },
  Running: { color: theme.palette.info?.main ?? '#0277bd' },
  Pending: { color: theme.palette.warning?.main ?? '#ed6c02' },
  Queued: { color: theme.palette.text.secondary },
}));

const ICONS: Record<RunStatus, typeof CheckCircleIcon> = {
  Succeeded: CheckCircleIcon,
  Failed: ErrorIcon,
  Cancelled: CancelIcon,
  Running: PlayCircleFilledIcon,
  Pending: HourglassEmptyIcon,
  Queued: ScheduleIcon,
};

/** A run's status: an icon in the status's color, and the word. */
export function RunStatusLabel(props: { status: RunStatus }) {
  const classes = useStyles();
  const Icon = ICONS[props.status];
  return (
    <span className={classes.root} data-status={props.status}>
      <Icon
        aria-hidden="true"
        className={`${classes.icon} ${classes[props.status]}`}
      />
      {props.status}
    </span>
  );
}
