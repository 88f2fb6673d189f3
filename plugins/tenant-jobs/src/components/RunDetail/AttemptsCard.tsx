import { InfoCard } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { TenantJobPod } from '@tenant-jobs/plugin-tenant-jobs-common';
import { formatDateTime } from '../../lib/format';

function time(iso?: string) {
  if (!iso) return '–';
  return (
    <span title={formatDateTime(iso)}>
      {new Date(iso).toLocaleTimeString(undefined, { hour12: false })}
    </span>
  );
}

function outcome(pod: TenantJobPod): string {
  if (pod.exitCode === undefined) return pod.phase;
  return `${pod.phase}, exit code ${pod.exitCode}`;
}

/** Every attempt (pod) of the run: node, when it ran, how it ended and why. */
export function AttemptsCard(props: { pods: TenantJobPod[] }) {
  return (
    <InfoCard title="Attempts and pods">
      {props.pods.length === 0 ? (
        <Typography variant="body2">
          No pod yet: Kubernetes creates one when the run gets a slot.
        </Typography>
      ) : (
        <Table size="small" aria-label="Attempts and pods">
          <TableHead>
            <TableRow>
              <TableCell>Pod</TableCell>
              <TableCell style={{ whiteSpace: 'nowrap' }}>Node</TableCell>
              <TableCell>Ran</TableCell>
              <TableCell>Outcome</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {props.pods.map((pod, index) => (
              <TableRow key={pod.name}>
                <TableCell style={{ wordBreak: 'break-all' }}>
                  <Typography variant="caption" display="block">
                    Attempt {index + 1}
                  </Typography>
                  {pod.name}
                </TableCell>
                <TableCell>
                  {pod.nodeName ?? '–'}
                  {pod.cluster && (
                    <Typography variant="caption" display="block">
                      on cluster {pod.cluster}
                    </Typography>
                  )}
                </TableCell>
                <TableCell style={{ whiteSpace: 'nowrap' }}>
                  {pod.startedAt ? (
                    <>
                      {time(pod.startedAt)} – {time(pod.finishedAt)}
                    </>
                  ) : (
                    'not started'
                  )}
                </TableCell>
                <TableCell>
                  {outcome(pod)}
                  {pod.reason && (
                    <Typography variant="caption" display="block">
                      {pod.reason}
                      {pod.message ? `: ${pod.message}` : ''}
                    </Typography>
                  )}
                  {pod.restarts > 0 && (
                    <Typography variant="caption" display="block">
                      {pod.restarts} restarts
                    </Typography>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
