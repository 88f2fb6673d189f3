import Alert from '@material-ui/lab/Alert';
import type { TenantJobScheduleWithLastRun } from '../../api';
import { shortId } from '../../lib/format';
import { cronInWords } from './cronInWords';

/** Says which schedule was just created and when it starts runs. */
export function ScheduledNotice(props: {
  schedule: TenantJobScheduleWithLastRun;
  title?: string;
  onClose(): void;
}) {
  const { schedule } = props;
  return (
    <Alert severity="success" onClose={props.onClose} role="status">
      Scheduled {props.title ?? schedule.jobType} #{shortId(schedule.id)}:{' '}
      {cronInWords(schedule.cron)} ({schedule.timeZone}). It is listed under
      Schedules with its next starts.
    </Alert>
  );
}
