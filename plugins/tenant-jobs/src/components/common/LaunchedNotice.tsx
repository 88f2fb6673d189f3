import Alert from '@material-ui/lab/Alert';
import type { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import { shortId } from '../../lib/format';
import { RunLink } from './RunLink';

/** Says which run was just launched, with a link to it. */
export function LaunchedNotice(props: {
  run?: TenantJobRun;
  title?: string;
  onClose(): void;
}) {
  if (!props.run) return null;
  return (
    <Alert severity="success" onClose={props.onClose} role="status">
      Launched {props.title ?? props.run.jobType}{' '}
      <RunLink runId={props.run.id} inText>
        #{shortId(props.run.id)}
      </RunLink>
      . Its status below follows it as it runs.
    </Alert>
  );
}
