import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { tenantJobsApiRef } from '../../api';
import { formatRelative } from '../../lib/format';
import { ErrorNotice } from '../common/ErrorNotice';

/**
 * Kubernetes events of the run's Job and pods: live while it runs, the
 * archive after. `version` changes when the run does, to read them again.
 */
export function EventsCard(props: { runId: string; version: string }) {
  const api = useApi(tenantJobsApiRef);
  const { value, error, retry } = useAsyncRetry(
    () => api.getRunEvents(props.runId),
    [api, props.runId, props.version],
  );
  let content;
  if (error) {
    content = (
      <ErrorNotice error={error} what="read the events" onRetry={retry} />
    );
  } else if (!value) {
    content = <Progress />;
  } else if (value.items.length === 0) {
    content = (
      <Typography variant="body2">
        No events: Kubernetes keeps events for about an hour, and a run that
        never reached the cluster has none.
      </Typography>
    );
  } else {
    content = (
      <Table size="small" aria-label="Kubernetes events">
        <TableHead>
          <TableRow>
            <TableCell>Type</TableCell>
            <TableCell>Reason</TableCell>
            <TableCell>Object</TableCell>
            <TableCell>Message</TableCell>
            <TableCell style={{ whiteSpace: 'nowrap' }}>Count</TableCell>
            <TableCell style={{ whiteSpace: 'nowrap' }}>Last seen</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.items.map((event, index) => (
            <TableRow key={`${event.objectName}-${event.reason}-${index}`}>
              <TableCell style={{ whiteSpace: 'nowrap' }}>
                {event.type}
              </TableCell>
              <TableCell style={{ whiteSpace: 'nowrap' }}>
                {event.reason}
              </TableCell>
              <TableCell style={{ wordBreak: 'break-all' }}>
                {event.objectKind}/{event.objectName}
              </TableCell>
              <TableCell>{event.message}</TableCell>
              <TableCell>{event.count}</TableCell>
              <TableCell style={{ whiteSpace: 'nowrap' }}>
                {formatRelative(event.lastSeen)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return (
    <InfoCard
      title="Kubernetes events"
      subheader={
        value?.source === 'archive'
          ? 'Archived when the run finished'
          : 'Live from the cluster'
      }
    >
      {content}
    </InfoCard>
  );
}
