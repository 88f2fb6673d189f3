import { InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import { refName } from '../../lib/format';
import { KeyValueTable } from './KeyValueTable';

const show = (value: unknown) =>
  typeof value === 'string' ? value : JSON.stringify(value);

/**
 * What the run was asked to do, and where it runs: its cluster, and the
 * MultiKueue workers its pods ran on when its cluster dispatched it.
 */
export function ParametersCard(props: {
  run: TenantJobRun;
  /** Clusters other than the run's that its pods ran on. */
  workers?: string[];
}) {
  const { run } = props;
  const workers = [...new Set(props.workers ?? [])];
  const parameters = Object.entries(run.parameters);
  return (
    <InfoCard title="Parameters">
      {parameters.length === 0 ? (
        <Typography variant="body2">
          No parameters: the job type's defaults apply.
        </Typography>
      ) : (
        <KeyValueTable
          label="Parameters"
          rows={parameters.map(([key, value]) => ({ key, value: show(value) }))}
        />
      )}
      <KeyValueTable
        label="Placement"
        rows={[
          { key: 'Tenant', value: run.tenantId },
          { key: 'Tier', value: run.tier },
          { key: 'Priority', value: run.priority },
          { key: 'Namespace', value: `${run.cluster} / ${run.namespace}` },
          ...(workers.length > 0
            ? [
                {
                  key: 'Runs on',
                  value: `${workers.join(', ')} (MultiKueue worker of ${
                    run.cluster
                  })`,
                },
              ]
            : []),
          { key: 'Kubernetes Job', value: run.jobName },
          { key: 'Entity', value: run.entityRef ?? '–' },
          { key: 'Submitted by', value: refName(run.submittedBy) },
          { key: 'Run id', value: run.id },
        ]}
      />
    </InfoCard>
  );
}
