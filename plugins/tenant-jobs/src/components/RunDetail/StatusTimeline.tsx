import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import type { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import { formatDateTime, formatDuration, refName } from '../../lib/format';
import { describeReason } from '../../lib/status';

interface TimelineStep {
  label: string;
  detail: string;
  error?: boolean;
}

function stepsOf(run: TenantJobRun): { steps: TimelineStep[]; active: number } {
  const finished = ['Succeeded', 'Failed', 'Cancelled'].includes(run.status);
  const steps: TimelineStep[] = [
    {
      label: 'Submitted',
      detail: `${formatDateTime(run.createdAt)} by ${refName(run.submittedBy)}`,
    },
    {
      label: 'Waited',
      detail:
        run.queueWaitSeconds !== undefined
          ? `${formatDuration(run.queueWaitSeconds)} for a slot and a node`
          : describeReason(run.reason) ?? 'for a slot and a node',
    },
    {
      label: 'Ran',
      detail: run.startedAt
        ? `from ${formatDateTime(run.startedAt)}, ${formatDuration(
            run.durationSeconds,
          )}${run.attempts > 1 ? `, ${run.attempts} attempts` : ''}`
        : 'not started',
    },
    {
      label: finished ? run.status : 'Finishes',
      detail: finished
        ? `${formatDateTime(run.finishedAt)}${
            run.reason ? `: ${describeReason(run.reason)}` : ''
          }`
        : 'not yet',
      error: run.status === 'Failed',
    },
  ];
  let active = 1;
  if (run.status === 'Running') active = 2;
  if (finished) active = 4;
  return { steps, active };
}

/** Submitted → waited → ran → finished, with times and reasons. */
export function StatusTimeline(props: { run: TenantJobRun }) {
  const { steps, active } = stepsOf(props.run);
  return (
    <Stepper activeStep={active} alternativeLabel aria-label="Status timeline">
      {steps.map(step => (
        <Step key={step.label}>
          <StepLabel
            error={step.error}
            optional={
              <Typography variant="caption" component="span">
                {step.detail}
              </Typography>
            }
          >
            {step.label}
          </StepLabel>
        </Step>
      ))}
    </Stepper>
  );
}
