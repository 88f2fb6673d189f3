import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import {
  cronProblem,
  isTimeZone,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type { TenantJobScheduleConcurrencyPolicy } from '../../api';
import { cronInWords } from '../Schedules/cronInWords';

/** When a schedule starts runs, as the launch form asks it. */
export interface ScheduleChoice {
  cron: string;
  timeZone: string;
  concurrencyPolicy: TenantJobScheduleConcurrencyPolicy;
}

const POLICIES: Array<{
  id: TenantJobScheduleConcurrencyPolicy;
  label: string;
}> = [
  { id: 'Forbid', label: 'Forbid: skip a start while the last run still runs' },
  { id: 'Allow', label: 'Allow: start anyway, runs may overlap' },
  { id: 'Replace', label: 'Replace: cancel the last run and start anew' },
];

/** The user's time zone as the browser knows it, else UTC. */
export function localTimeZone(): string {
  try {
    return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** A schedule's starting values: every night at 03:00, the user's time. */
export function defaultScheduleChoice(): ScheduleChoice {
  return {
    cron: '0 3 * * *',
    timeZone: localTimeZone(),
    concurrencyPolicy: 'Forbid',
  };
}

/** What is wrong with the cron and the time zone, field by field. */
export function scheduleProblems(choice: ScheduleChoice): {
  cron?: string;
  timeZone?: string;
} {
  const cron = choice.cron.trim()
    ? cronProblem(choice.cron)
    : 'is required, e.g. 0 3 * * * (every day at 03:00)';
  const timeZone = isTimeZone(choice.timeZone.trim())
    ? undefined
    : 'must be an IANA time zone, e.g. Europe/Berlin or UTC';
  return { cron, timeZone };
}

/**
 * The fields of "Run on a schedule": the cron with its words shown as it
 * is typed, the time zone it is read in, and what happens when a start
 * comes while the last run still runs.
 */
export function ScheduleFields(props: {
  value: ScheduleChoice;
  onChange(value: ScheduleChoice): void;
  /** The tenant's plan and how many schedules it may keep. */
  planId: string;
  maxSchedules: number;
  disabled?: boolean;
}) {
  const { value } = props;
  const problems = scheduleProblems(value);
  const set = (next: Partial<ScheduleChoice>) =>
    props.onChange({ ...value, ...next });
  return (
    <>
      <Grid item xs={12} sm={6}>
        <TextField
          fullWidth
          required
          id="launch-cron"
          label="Cron"
          value={value.cron}
          disabled={props.disabled}
          error={Boolean(problems.cron)}
          onChange={event => set({ cron: event.target.value })}
          helperText={
            problems.cron
              ? `Cron ${problems.cron}`
              : `${cronInWords(value.cron)}. Plan ${props.planId} keeps up to ${
                  props.maxSchedules
                } schedules.`
          }
          FormHelperTextProps={{ 'aria-live': 'polite' } as object}
        />
      </Grid>
      <Grid item xs={12} sm={6}>
        <TextField
          fullWidth
          required
          id="launch-time-zone"
          label="Time zone"
          value={value.timeZone}
          disabled={props.disabled}
          error={Boolean(problems.timeZone)}
          onChange={event => set({ timeZone: event.target.value })}
          helperText={
            problems.timeZone
              ? `Time zone ${problems.timeZone}`
              : 'The cron is read in this IANA time zone'
          }
        />
      </Grid>
      <Grid item xs={12}>
        <TextField
          select
          fullWidth
          id="launch-concurrency-policy"
          label="Concurrency policy"
          value={value.concurrencyPolicy}
          disabled={props.disabled}
          onChange={event =>
            set({
              concurrencyPolicy: event.target
                .value as TenantJobScheduleConcurrencyPolicy,
            })
          }
        >
          {POLICIES.map(policy => (
            <MenuItem key={policy.id} value={policy.id}>
              {policy.label}
            </MenuItem>
          ))}
        </TextField>
      </Grid>
    </>
  );
}
