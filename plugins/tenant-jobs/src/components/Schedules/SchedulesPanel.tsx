import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import type { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import { useState } from 'react';
import { tenantJobsApiRef, TenantJobScheduleWithLastRun } from '../../api';
import { useLiveUpdates } from '../../hooks/useLiveUpdates';
import { useJobTypeTitles } from '../../hooks/useTenantJobsCatalog';
import { shortId } from '../../lib/format';
import { ErrorNotice } from '../common/ErrorNotice';
import { RunLink } from '../common/RunLink';
import { ConfirmDialog } from '../RunActions/ConfirmDialog';
import {
  ScheduleAction,
  scheduleLabel,
  SchedulesTable,
} from './SchedulesTable';
import { useSchedules } from './useSchedules';

/** Props of {@link SchedulesPanel}. */
export interface SchedulesPanelProps {
  /** The tenants whose schedules to show; every readable one when absent. */
  tenantIds?: string[];
  /** Only the schedules launched from this catalog entity. */
  entityRef?: string;
  /** Show the runs a schedule created (e.g. filter the runs table). */
  onShowRuns(scheduleId: string): void;
}

const WHAT: Record<Exclude<ScheduleAction, 'runs'>, string> = {
  pause: 'pause the schedule',
  resume: 'resume the schedule',
  run: 'start a run of the schedule',
  delete: 'delete the schedule',
};

/**
 * Schedules of a tenant, an entity or all the user's tenants: when each
 * starts runs (in words), the next three starts and the last run; pause,
 * resume, run now, delete after a confirmation, and the runs of one.
 * Kept current by the tenants' run signals and after each action.
 */
export function SchedulesPanel(props: SchedulesPanelProps) {
  const api = useApi(tenantJobsApiRef);
  const titles = useJobTypeTitles();
  const schedules = useSchedules({
    tenantIds: props.tenantIds,
    entityRef: props.entityRef,
  });
  const [busyId, setBusyId] = useState<string>();
  const [error, setError] = useState<{ error: unknown; what: string }>();
  const [started, setStarted] = useState<{
    run: TenantJobRun;
    label: string;
  }>();
  const [deleting, setDeleting] = useState<TenantJobScheduleWithLastRun>();
  const [deleteError, setDeleteError] = useState<unknown>();

  const shownTenants =
    props.tenantIds ??
    Array.from(new Set((schedules.value ?? []).map(s => s.tenantId)));
  // A schedule's last run changes as its runs do.
  useLiveUpdates({
    tenantIds: shownTenants,
    active: false,
    onChange: schedules.retry,
  });

  const act = async (
    action: ScheduleAction,
    schedule: TenantJobScheduleWithLastRun,
  ) => {
    if (action === 'runs') {
      props.onShowRuns(schedule.id);
      return;
    }
    if (action === 'delete') {
      setDeleteError(undefined);
      setDeleting(schedule);
      return;
    }
    setBusyId(schedule.id);
    setError(undefined);
    try {
      if (action === 'pause') await api.pauseSchedule(schedule.id);
      else if (action === 'resume') await api.resumeSchedule(schedule.id);
      else {
        const run = await api.runSchedule(schedule.id);
        setStarted({ run, label: scheduleLabel(schedule, titles) });
      }
      schedules.retry();
    } catch (e) {
      setError({ error: e, what: WHAT[action] });
    } finally {
      setBusyId(undefined);
    }
  };

  const confirmDelete = async () => {
    if (!deleting) return;
    setBusyId(deleting.id);
    setDeleteError(undefined);
    try {
      await api.deleteSchedule(deleting.id);
      setDeleting(undefined);
      schedules.retry();
    } catch (e) {
      setDeleteError(e);
    } finally {
      setBusyId(undefined);
    }
  };

  let body;
  if (schedules.error && !schedules.value) {
    body = (
      <ErrorNotice
        error={schedules.error}
        what="load the schedules"
        onRetry={schedules.retry}
      />
    );
  } else if (!schedules.value) {
    body = <Progress />;
  } else if (schedules.value.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title="No schedules yet"
        description="Use Launch a job → Run on a schedule to start a job on a cron, e.g. every night at 03:00. Its schedule then shows here with its next starts and last run."
      />
    );
  } else {
    body = (
      <SchedulesTable
        schedules={schedules.value}
        jobTypeTitles={titles}
        caption="Schedules"
        showTenant={!props.tenantIds || props.tenantIds.length > 1}
        busyId={busyId}
        onAction={act}
      />
    );
  }

  return (
    <InfoCard
      title="Schedules"
      subheader="Runs started on a cron, by the tenant's CronJobs"
    >
      {started && (
        <Box marginBottom={2}>
          <Alert
            severity="success"
            role="status"
            onClose={() => setStarted(undefined)}
          >
            Started {started.label} now:{' '}
            <RunLink runId={started.run.id} inText>
              run #{shortId(started.run.id)}
            </RunLink>
            .
          </Alert>
        </Box>
      )}
      {error && (
        <Box marginBottom={2}>
          <ErrorNotice error={error.error} what={error.what} />
        </Box>
      )}
      {schedules.error && schedules.value && (
        <Box marginBottom={2}>
          <ErrorNotice
            error={schedules.error}
            what="refresh the schedules"
            onRetry={schedules.retry}
          />
        </Box>
      )}
      {body}
      <ConfirmDialog
        open={Boolean(deleting)}
        title={`Delete schedule ${
          deleting ? scheduleLabel(deleting, titles) : ''
        }?`}
        confirmLabel="Delete schedule"
        danger
        busy={Boolean(deleting) && busyId === deleting?.id}
        onConfirm={confirmDelete}
        onClose={() => {
          setDeleting(undefined);
          setDeleteError(undefined);
        }}
      >
        Its CronJob is deleted and it starts no more runs. The runs it already
        started are kept. This cannot be undone.
        {deleteError !== undefined && (
          <ErrorNotice error={deleteError} what="delete the schedule" />
        )}
      </ConfirmDialog>
    </InfoCard>
  );
}
