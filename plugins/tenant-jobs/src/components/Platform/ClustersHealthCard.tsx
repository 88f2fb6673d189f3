import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { AdminCluster, tenantJobsApiRef } from '../../api';
import {
  formatDateTime,
  formatDuration,
  formatRelative,
} from '../../lib/format';
import { ErrorNotice } from '../common/ErrorNotice';

/** How often the clusters' health is read again. */
export const CLUSTER_HEALTH_REFRESH_MS = 30_000;

function LastError(props: { cluster: AdminCluster }) {
  const stalled = props.cluster.watches.filter(watch => watch.stalled);
  if (!props.cluster.lastError && stalled.length === 0) return <>–</>;
  return (
    <>
      {props.cluster.lastError}
      {stalled.length > 0 && (
        <Typography variant="caption" color="textSecondary" display="block">
          Stalled watches: {stalled.map(watch => watch.resource).join(', ')}
        </Typography>
      )}
    </>
  );
}

/**
 * Whether each cluster answers, how far behind the plugin's watches of it
 * are, and its last error in words; read again every 30 seconds.
 */
export function ClustersHealthCard() {
  const api = useApi(tenantJobsApiRef);
  const state = useAsyncRetry(() => api.getAdminClusters(), [api]);
  const { retry } = state;
  useEffect(() => {
    const interval = setInterval(retry, CLUSTER_HEALTH_REFRESH_MS);
    return () => clearInterval(interval);
  }, [retry]);

  let content;
  if (state.error && !state.value) {
    content = (
      <ErrorNotice
        error={state.error}
        what="read the clusters' health"
        onRetry={retry}
      />
    );
  } else if (!state.value) {
    content = <Progress />;
  } else if (state.value.length === 0) {
    content = (
      <EmptyState
        missing="info"
        title="No clusters configured"
        description="Runs need a Kubernetes cluster: add one under tenantJobs.clusters in the app configuration."
      />
    );
  } else {
    content = (
      <Table size="small" aria-label="Health of the clusters">
        <TableHead>
          <TableRow>
            <TableCell>Cluster</TableCell>
            <TableCell>State</TableCell>
            <TableCell>Watch lag</TableCell>
            <TableCell>Last answer</TableCell>
            <TableCell>Last error</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {state.value.map(cluster => (
            <TableRow key={cluster.name} data-cluster={cluster.name}>
              <TableCell component="th" scope="row">
                {cluster.name}
              </TableCell>
              <TableCell>
                <Chip
                  size="small"
                  variant="outlined"
                  icon={
                    cluster.reachable ? (
                      <CheckCircleIcon aria-hidden="true" />
                    ) : (
                      <ErrorIcon aria-hidden="true" />
                    )
                  }
                  label={cluster.reachable ? 'Reachable' : 'Unreachable'}
                />
              </TableCell>
              <TableCell>{formatDuration(cluster.watchLagSeconds)}</TableCell>
              <TableCell>
                <span title={formatDateTime(cluster.lastAnsweredAt)}>
                  {cluster.lastAnsweredAt
                    ? formatRelative(cluster.lastAnsweredAt)
                    : 'Never'}
                </span>
              </TableCell>
              <TableCell>
                <LastError cluster={cluster} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return (
    <InfoCard title="Clusters" subheader="Read again every 30 seconds">
      {state.error && state.value && (
        <ErrorNotice
          error={state.error}
          what="read the clusters' health again"
          onRetry={retry}
        />
      )}
      {content}
    </InfoCard>
  );
}
