import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import type { RunStatus } from '@tenant-jobs/plugin-tenant-jobs-common';

function StatusIcon(props: { status: RunStatus }) {
  switch (props.status) {
    case 'Succeeded':
      return <StatusOK />;
    case 'Failed':
      return <StatusError />;
    case 'Cancelled':
      return <StatusAborted />;
    case 'Running':
      return <StatusRunning />;
    default:
      return <StatusPending />;
  }
}

/**
 * A run's status with the icon Backstage uses for it. Backstage's status
 * components hide themselves from screen readers, so the word is ours.
 */
export function RunStatusLabel(props: { status: RunStatus }) {
  return (
    <span style={{ whiteSpace: 'nowrap' }} data-status={props.status}>
      <StatusIcon status={props.status} />
      {props.status}
    </span>
  );
}
