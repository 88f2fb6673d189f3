import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type { TenantJobRunDetail } from '@tenant-jobs/plugin-tenant-jobs-common';
import { useEffect, useState } from 'react';
import { tenantJobsApiRef } from '../../api';
import { ErrorNotice } from '../common/ErrorNotice';
import { AccessibleLogViewer } from './AccessibleLogViewer';

const lineCount = (text: string) => text.split('\n').length;

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
  const selected = run.pods.find(p => p.name === (chosen ?? newest));
  // A pod whose container never started has no log to read yet.
  const started = Boolean(
    selected && (selected.startedAt || selected.phase !== 'Pending'),
  );
  const pod = started ? selected?.name : undefined;
  const follow = run.status === 'Running' && pod === newest;
  const [log, setLog] = useState<LogState>({ text: '', loading: true });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!pod) return undefined;
    const controller = new AbortController();
    setLog({ text: '', loading: true });
    // Streamed either way: the text shows as it arrives, even when a
    // cluster keeps the connection of a finished pod's log open.
    const read = api.streamRunLog(run.id, {
      pod,
      follow,
      signal: controller.signal,
      onSource: source => setLog(l => ({ ...l, source, loading: false })),
      onText: text => setLog(l => ({ ...l, text: l.text + text })),
    });
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
        {selected
          ? 'No log yet: its pod has not started. See why it waits above.'
          : 'No log yet: the run has no pod. It gets one when it has a slot and a node; see why it waits above.'}
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
      <div
        style={{
          height: Math.min(420, Math.max(140, lineCount(log.text) * 20 + 64)),
        }}
        data-testid="run-log"
      >
        <AccessibleLogViewer text={log.text || '(the log is empty)'} />
      </div>
    );
  }

  let subheader = 'From the pod';
  if (follow) subheader = 'Following the running pod';
  // The backend serves the archive once a finished run's logs are archived;
  // its header says so too where the browser may read it.
  const archived =
    log.source === 'archive' ||
    (run.logsArchived &&
      ['Succeeded', 'Failed', 'Cancelled'].includes(run.status));
  if (archived) subheader = 'Archived when the run finished';
  if (!pod) subheader = 'Not started';
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
            value={selected?.name ?? ''}
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
