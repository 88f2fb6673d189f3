import Chip from '@material-ui/core/Chip';
import { shortId } from '../../lib/format';

/**
 * Shows that the runs are those of one schedule; removing it (click,
 * Delete or Backspace) shows every run again.
 */
export function ScheduleFilterChip(props: {
  scheduleId: string;
  onRemove(): void;
}) {
  const label = `Schedule ${shortId(props.scheduleId)}`;
  return (
    <Chip
      label={label}
      aria-label={`${label}: remove this filter`}
      onClick={props.onRemove}
      onDelete={props.onRemove}
      data-testid="schedule-filter"
    />
  );
}
