import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import type { TenantJobResult } from '@tenant-jobs/plugin-tenant-jobs-common';
import { SEVERITIES, viewResult } from '../../lib/result';
import { KeyValueTable } from './KeyValueTable';

const SEVERITY_COLORS: Record<string, string> = {
  critical: '#8b0000',
  high: '#c62828',
  medium: '#a35200',
  low: '#455a64',
};

/**
 * What the run reported as its result (a `TENANT_JOBS_RESULT {...}` line
 * of its log): findings by severity for scans, size and location for
 * backups, metrics for training, rows for ETL, a report link, any other
 * key as a fact.
 */
export function ResultCard(props: {
  jobType: string;
  result: TenantJobResult;
}) {
  const view = viewResult(props.jobType, props.result);
  return (
    <InfoCard title="Result">
      {view.summary && (
        <Typography variant="body1" gutterBottom>
          {view.summary}
        </Typography>
      )}
      {view.findings && (
        <Box
          display="flex"
          gridGap={8}
          flexWrap="wrap"
          marginBottom={1}
          aria-label="Findings by severity"
          role="list"
        >
          {SEVERITIES.map(severity => (
            <Chip
              key={severity}
              role="listitem"
              label={`${view.findings![severity]} ${severity}`}
              style={{
                backgroundColor: view.findings![severity]
                  ? SEVERITY_COLORS[severity]
                  : undefined,
                color: view.findings![severity] ? '#fff' : undefined,
              }}
            />
          ))}
        </Box>
      )}
      {view.metrics && view.metrics.length > 0 && (
        <KeyValueTable
          label="Metrics"
          rows={view.metrics.map(m => ({ key: m.name, value: m.value }))}
        />
      )}
      {view.facts.length > 0 && (
        <KeyValueTable
          label="Reported values"
          rows={view.facts.map(f => ({ key: f.label, value: f.value }))}
        />
      )}
      {view.link && (
        <Box marginTop={1}>
          <Link href={view.link.href} target="_blank" rel="noopener noreferrer">
            {view.link.label}
          </Link>
        </Box>
      )}
    </InfoCard>
  );
}
