import { InfoCard, LogViewer, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type { TenantJobRunDetail } from '@tenant-jobs/plugin-tenant-jobs-common';
import { useEffect, useState } from 'react';
import { tenantJobsApiRef } from '../../api';
import { ErrorNotice } from '../common/ErrorNotice';

type LogState = {
  text: string;
  source?: 'live' | 'archive';
  loading: boolean;
  error?: unknown;
};

/**
 * The log of one attempt in Backstage's LogViewer: followed as it is
 * written while the run's newest pod runs, read once otherwise, and from
 * the archive once the pods are gone.
 */
export function RunLogsCard(props: { run: TenantJobRunDetail }) {
  const { run } = props;
  const api = useApi(tenantJobsApiRef);
  const newest = run.pods[run.pods.length - 1]?.name;
  const [chosen, setChosen] = useState<string>();
  const pod = chosen ?? newest;
  const follow = run.status === 'Running' && pod === newest;
  const [log, setLog] = useState<LogState>({ text: '', loading: true });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!pod) return undefined;
    const controller = new AbortController();
    setLog({ text: '', loading: true });
    const read = follow
      ? api.followRunLog(run.id, {
          pod,
          signal: controller.signal,
          onSource: source => setLog(l => ({ ...l, source, loading: false })),
          onText: text => setLog(l => ({ ...l, text: l.text + text })),
        })
      : api
          .getRunLog(run.id, { pod })
          .then(result => setLog({ ...result, loading: false }));
    read.then(
      () => setLog(l => ({ ...l, loading: false })),
      error => {
        if (!controller.signal.aborted) {
          setLog(l => ({ ...l, loading: false, error }));
        }
      },
    );
    return () => controller.abort();
  }, [api, run.id, pod, follow, run.logsArchived, attempt]);

  let content;
  if (!pod) {
    content = (
      <Typography variant="body2">
        No log yet: the run has no pod. It gets one when it has a slot and a
        node; see why it waits above.
      </Typography>
    );
  } else if (log.error) {
    content = (
      <ErrorNotice
        error={log.error}
        what="read the log"
        onRetry={() => setAttempt(a => a + 1)}
      />
    );
  } else if (log.loading && !log.text) {
    content = <Progress />;
  } else {
    content = (
      <div style={{ height: 360 }} data-testid="run-log">
        <LogViewer text={log.text || '(the log is empty)'} />
      </div>
    );
  }

  let subheader = 'Read once';
  if (follow) subheader = 'Following the running pod';
  if (log.source === 'archive') subheader = 'Archived when the run finished';
  return (
    <InfoCard
      title="Logs"
      subheader={subheader}
      action={
        run.pods.length > 1 ? (
          <TextField
            select
            size="small"
            id="log-attempt"
            label="Attempt"
            value={pod}
            onChange={event => setChosen(event.target.value)}
          >
            {run.pods.map((p, index) => (
              <MenuItem key={p.name} value={p.name}>
                {index + 1}: {p.name}
              </MenuItem>
            ))}
          </TextField>
        ) : undefined
      }
    >
      {content}
    </InfoCard>
  );
}
