import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { TenantJobDryRunVerdict } from '../../api';
import { describeError } from '../../lib/errors';

/** What a dry run said: accepted (and by whom), or refused and why. */
export type DryRunOutcome =
  | { ok: true; verdict: TenantJobDryRunVerdict }
  | { ok: false; error: unknown };

export function DryRunVerdictAlert(props: { outcome: DryRunOutcome }) {
  const { outcome } = props;
  if (outcome.ok) {
    const { verdict } = outcome;
    return (
      <Alert severity="success" data-testid="dry-run-verdict">
        <AlertTitle>
          {verdict.checkedBy === 'apiserver'
            ? 'The Kubernetes API server would accept this job'
            : "The plugin's checks pass; the cluster judges the first job"}
        </AlertTitle>
        {verdict.message.replace(/\.?$/, '.')} Nothing was created.
      </Alert>
    );
  }
  const { title, message, advice } = describeError(
    outcome.error,
    'dry-run the job',
  );
  return (
    <Alert severity="error" data-testid="dry-run-verdict">
      <AlertTitle>Refused: {title}</AlertTitle>
      <div>{message}</div>
      <div>{advice}</div>
    </Alert>
  );
}
