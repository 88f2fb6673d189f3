import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import { useState } from 'react';
import { tenantJobsApiRef } from '../../api';
import type { TenantJobScheduleWithLastRun } from '../../api';
import { useJobCatalog, useTenants } from '../../hooks/useTenantJobsCatalog';
import { ErrorNotice } from '../common/ErrorNotice';
import { LaunchForm, LaunchInitialValues } from './LaunchForm';

export type { LaunchInitialValues } from './LaunchForm';

/** Props of {@link LaunchDialog}. */
export interface LaunchDialogProps {
  open: boolean;
  onClose(): void;
  /** The run the dialog created. */
  onLaunched(run: TenantJobRun): void;
  /**
   * Offers "Run on a schedule" beside "Run now"; called with the schedule
   * the dialog created.
   */
  onScheduled?(schedule: TenantJobScheduleWithLastRun): void;
  /** Launch for this tenant only (an entity's); else any of the user's. */
  tenantId?: string;
  /** The catalog entity the run is launched from. */
  entityRef?: string;
  /** Values to start with, e.g. those of a run to clone. */
  initial?: LaunchInitialValues;
  title?: string;
}

/**
 * Launches a job: the job type's parameter schema as a form, tier and
 * priority limited to the tenant's plan, a dry run that shows the
 * cluster's verdict first, and the launch, now or (with `onScheduled`) on
 * a schedule. Members only: anyone else is
 * told why not and whom to ask.
 */
export function LaunchDialog(props: LaunchDialogProps) {
  const tenants = useTenants();
  const catalog = useJobCatalog();
  const api = useApi(tenantJobsApiRef);
  const [busy, setBusy] = useState(false);
  const titleId = 'tenant-jobs-launch-title';

  const mine = (tenants.value ?? []).filter(
    t => !props.tenantId || t.id === props.tenantId,
  );

  let body;
  if (tenants.error || catalog.error) {
    body = (
      <DialogContent>
        <ErrorNotice
          error={tenants.error ?? catalog.error}
          what="prepare the launch"
          onRetry={() => {
            tenants.retry();
            catalog.retry();
          }}
        />
      </DialogContent>
    );
  } else if (!tenants.value || !catalog.value) {
    body = (
      <DialogContent>
        <Progress />
      </DialogContent>
    );
  } else if (mine.length === 0) {
    body = (
      <DialogContent>
        <Alert severity="warning" data-testid="launch-denied">
          <AlertTitle>You may not launch jobs here</AlertTitle>
          {props.tenantId
            ? `You are not a member of tenant ${props.tenantId}. Only members of its group may launch its jobs: ask the group's owners to add you.`
            : 'You are not a member of any tenant. Ask the owners of a tenant group to add you.'}
        </Alert>
      </DialogContent>
    );
  } else {
    body = (
      <LaunchForm
        api={api}
        tenants={mine}
        catalog={catalog.value}
        entityRef={props.entityRef}
        initial={props.initial}
        busy={busy}
        setBusy={setBusy}
        onLaunched={run => {
          props.onLaunched(run);
          props.onClose();
        }}
        onScheduled={
          props.onScheduled &&
          (schedule => {
            props.onScheduled?.(schedule);
            props.onClose();
          })
        }
        onCancel={props.onClose}
      />
    );
  }

  return (
    <Dialog
      open={props.open}
      onClose={busy ? undefined : props.onClose}
      aria-labelledby={titleId}
      maxWidth="md"
      fullWidth
    >
      <DialogTitle id={titleId}>{props.title ?? 'Launch a job'}</DialogTitle>
      {body}
      {(mine.length === 0 || tenants.error || catalog.error) && (
        <DialogActions>
          <Button onClick={props.onClose}>Close</Button>
        </DialogActions>
      )}
    </Dialog>
  );
}
