import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import ArrowBackIcon from '@material-ui/icons/ArrowBack';
import type { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import { useCallback, useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { tenantJobsApiRef } from '../../api';
import { useLiveUpdates } from '../../hooks/useLiveUpdates';
import { useJobTypeTitles } from '../../hooks/useTenantJobsCatalog';
import { shortId } from '../../lib/format';
import { describeReason, isActive } from '../../lib/status';
import { ErrorNotice } from '../common/ErrorNotice';
import { RunStatusLabel } from '../common/RunStatusLabel';
import { RunActions } from '../RunActions/RunActions';
import { AttemptsCard } from './AttemptsCard';
import { EventsCard } from './EventsCard';
import { ParametersCard } from './ParametersCard';
import { PendingExplanationCard } from './PendingExplanationCard';
import { ResultCard } from './ResultCard';
import { RunLogsCard } from './RunLogsCard';
import { StatusTimeline } from './StatusTimeline';

/**
 * One run: status timeline, why it waits, its result, parameters,
 * attempts and pods, logs and Kubernetes events, with cancel, retry and
 * clone. Updates live while the run changes.
 */
export function RunDetailView(props: {
  runId: string;
  onBack(): void;
  onOpenRun(runId: string): void;
  backLabel?: string;
}) {
  const api = useApi(tenantJobsApiRef);
  const titles = useJobTypeTitles();
  const state = useAsyncRetry(
    () => api.getRun(props.runId),
    [api, props.runId],
  );
  const run = state.value;
  const { retry } = state;
  const onChange = useCallback(
    (signal?: { runId?: string }) => {
      if (!signal || signal.runId === props.runId) retry();
    },
    [retry, props.runId],
  );
  useLiveUpdates({
    tenantIds: run ? [run.tenantId] : [],
    active: Boolean(run && isActive(run.status)),
    onChange,
  });
  // Archiving follows a run's end without a signal of its own: look again
  // for a minute, so the archived log and events replace the live ones.
  const awaitingArchive = Boolean(
    run &&
      !isActive(run.status) &&
      !run.logsArchived &&
      run.finishedAt &&
      Date.now() - Date.parse(run.finishedAt) < 60_000,
  );
  useEffect(() => {
    if (!awaitingArchive) return undefined;
    const timer = setTimeout(retry, 3_000);
    return () => clearTimeout(timer);
  }, [awaitingArchive, retry, run]);

  const back = (
    <Button startIcon={<ArrowBackIcon />} onClick={props.onBack}>
      {props.backLabel ?? 'All jobs'}
    </Button>
  );
  if (state.error && !run) {
    return (
      <Box>
        {back}
        <ErrorNotice error={state.error} what="load the run" onRetry={retry} />
      </Box>
    );
  }
  if (!run) return <Progress />;

  const title = titles[run.jobType] ?? run.jobType;
  const version = `${run.status}/${run.reason}/${run.attempts}/${run.logsArchived}`;
  return (
    <Box data-testid="run-detail" data-run-status={run.status}>
      {back}
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        gridGap={16}
        marginY={1}
      >
        <Typography variant="h5" component="h2">
          {title} #{shortId(run.id)}
        </Typography>
        <Typography component="span" data-testid="run-detail-status">
          <RunStatusLabel status={run.status} />
        </Typography>
        {run.reason && (
          <Typography variant="body2">{describeReason(run.reason)}</Typography>
        )}
        <Box flexGrow={1} />
        <RunActions
          run={run}
          jobTypeTitle={title}
          onChanged={retry}
          onNewRun={(created: TenantJobRun) => props.onOpenRun(created.id)}
        />
      </Box>
      {state.error && (
        <ErrorNotice
          error={state.error}
          what="refresh the run"
          onRetry={retry}
        />
      )}
      <Grid container spacing={2}>
        <Grid item xs={12}>
          <InfoCard title="Status">
            <StatusTimeline run={run} />
            {run.message &&
              run.status !== 'Pending' &&
              run.status !== 'Queued' && (
                <Typography variant="body2" color="textSecondary">
                  {run.message}
                </Typography>
              )}
          </InfoCard>
        </Grid>
        {(run.status === 'Queued' || run.status === 'Pending') && (
          <Grid item xs={12}>
            <PendingExplanationCard run={run} version={version} />
          </Grid>
        )}
        {run.result && (
          <Grid item xs={12}>
            <ResultCard jobType={run.jobType} result={run.result} />
          </Grid>
        )}
        <Grid item xs={12} md={5}>
          <ParametersCard
            run={run}
            workers={run.pods.flatMap(pod =>
              pod.cluster ? [pod.cluster] : [],
            )}
          />
        </Grid>
        <Grid item xs={12} md={7}>
          <AttemptsCard pods={run.pods} />
        </Grid>
        <Grid item xs={12}>
          <RunLogsCard run={run} />
        </Grid>
        <Grid item xs={12}>
          <EventsCard runId={run.id} version={version} />
        </Grid>
      </Grid>
    </Box>
  );
}
