import { InfoCard } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { TenantJobPod } from '@tenant-jobs/plugin-tenant-jobs-common';
import { formatDateTime } from '../../lib/format';

/** Every attempt (pod) of the run: phase, node, times, exit code, reason. */
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
              <TableCell>#</TableCell>
              <TableCell>Pod</TableCell>
              <TableCell>Phase</TableCell>
              <TableCell>Node</TableCell>
              <TableCell>Started</TableCell>
              <TableCell>Finished</TableCell>
              <TableCell>Exit code</TableCell>
              <TableCell>Reason</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {props.pods.map((pod, index) => (
              <TableRow key={pod.name}>
                <TableCell>{index + 1}</TableCell>
                <TableCell style={{ wordBreak: 'break-all' }}>
                  {pod.name}
                </TableCell>
                <TableCell>{pod.phase}</TableCell>
                <TableCell>{pod.nodeName ?? '–'}</TableCell>
                <TableCell>{formatDateTime(pod.startedAt)}</TableCell>
                <TableCell>{formatDateTime(pod.finishedAt)}</TableCell>
                <TableCell>{pod.exitCode ?? '–'}</TableCell>
                <TableCell>
                  {pod.reason ?? '–'}
                  {pod.message && (
                    <Typography variant="caption" display="block">
                      {pod.message}
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
