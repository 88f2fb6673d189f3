import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import type { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import { useState } from 'react';
import { tenantJobsApiRef } from '../../api';
import { shortId } from '../../lib/format';
import { canCancel, canRetry } from '../../lib/status';
import { ErrorNotice } from '../common/ErrorNotice';
import { LazyLaunchDialog } from '../LaunchDialog/LazyLaunchDialog';
import { ConfirmDialog } from './ConfirmDialog';

type Pending = 'cancel' | 'retry' | undefined;

/**
 * Cancel (while active), retry (once finished) and clone with new
 * parameters, each after a confirmation; clone opens the launch dialog
 * pre-filled with the run's values.
 */
export function RunActions(props: {
  run: TenantJobRun;
  jobTypeTitle: string;
  onChanged(): void;
  /** A new run was created from this one (retry or clone). */
  onNewRun(run: TenantJobRun): void;
}) {
  const { run } = props;
  const api = useApi(tenantJobsApiRef);
  const [confirm, setConfirm] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [cloning, setCloning] = useState(false);
  const label = `${props.jobTypeTitle} #${shortId(run.id)}`;

  const act = async () => {
    setBusy(true);
    setError(undefined);
    try {
      if (confirm === 'cancel') {
        await api.cancel(run.id);
        props.onChanged();
      } else if (confirm === 'retry') {
        props.onNewRun(await api.retry(run.id));
      }
      setConfirm(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Box display="flex" gridGap={8} flexWrap="wrap">
        {canCancel(run.status) && (
          <Button
            variant="outlined"
            color="secondary"
            onClick={() => setConfirm('cancel')}
          >
            Cancel run
          </Button>
        )}
        {canRetry(run.status) && (
          <Button
            variant="outlined"
            color="primary"
            onClick={() => setConfirm('retry')}
          >
            Retry
          </Button>
        )}
        <Button
          variant="outlined"
          color="primary"
          onClick={() => setCloning(true)}
        >
          Clone with new parameters
        </Button>
      </Box>
      <ConfirmDialog
        open={confirm === 'cancel'}
        title={`Cancel ${label}?`}
        confirmLabel="Cancel run"
        danger
        busy={busy}
        onConfirm={act}
        onClose={() => {
          setConfirm(undefined);
          setError(undefined);
        }}
      >
        Its Kubernetes Job and pods are deleted and the run becomes Cancelled.
        This cannot be undone; you can retry it afterwards.
        {error !== undefined && (
          <ErrorNotice error={error} what="cancel the run" />
        )}
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'retry'}
        title={`Retry ${label}?`}
        confirmLabel="Retry"
        busy={busy}
        onConfirm={act}
        onClose={() => {
          setConfirm(undefined);
          setError(undefined);
        }}
      >
        A new run starts with the same job type, tier, priority and parameters.
        {error !== undefined && (
          <ErrorNotice error={error} what="retry the run" />
        )}
      </ConfirmDialog>
      <LazyLaunchDialog
        open={cloning}
        title={`Clone ${label} with new parameters`}
        tenantId={run.tenantId}
        entityRef={run.entityRef}
        initial={{
          tenantId: run.tenantId,
          jobType: run.jobType,
          tier: run.tier,
          priority: run.priority,
          parameters: run.parameters,
        }}
        onClose={() => setCloning(false)}
        onLaunched={props.onNewRun}
      />
    </>
  );
}
