import { useApi } from '@backstage/frontend-plugin-api';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import useAsync from 'react-use/esm/useAsync';
import { tenantJobsApiRef } from '../../api';
import { explainPending } from '../../lib/pending';

/**
 * "Why is this pending, and when will it run?": the reason in words with
 * the cluster's message, what to do, how many earlier runs of the tenant
 * wait too, and an estimate from the tenant's recent queue waits.
 */
export function PendingExplanationCard(props: {
  run: TenantJobRun;
  version: string;
}) {
  const api = useApi(tenantJobsApiRef);
  const { run } = props;
  const waiting = run.status === 'Queued' || run.status === 'Pending';
  const { value: context } = useAsync(async () => {
    if (!waiting) return undefined;
    const [stats, ahead] = await Promise.all([
      api
        .getStats({
          tenant: [run.tenantId],
          from: new Date(Date.now() - 30 * 86_400_000).toISOString(),
        })
        .catch(() => undefined),
      api
        .listRuns({
          tenant: [run.tenantId],
          status: ['Queued', 'Pending'],
          to: run.createdAt,
          limit: 100,
        })
        .catch(() => undefined),
    ]);
    // The tenant's waits for this job type; without any, over all its
    // types (their percentiles weighted by runs, close enough for an
    // estimate).
    const all = stats?.items ?? [];
    const sameType = all.filter(
      item =>
        item.jobType === run.jobType && item.queueWaitP50Seconds !== undefined,
    );
    const items = sameType.length > 0 ? sameType : all;
    const weighted = (pick: 'queueWaitP50Seconds' | 'queueWaitP95Seconds') => {
      let total = 0;
      let sum = 0;
      for (const item of items) {
        const value = item[pick];
        if (value === undefined) continue;
        const runs = item.total - item.active;
        total += runs;
        sum += value * runs;
      }
      return total > 0 ? sum / total : undefined;
    };
    return {
      waitP50Seconds: weighted('queueWaitP50Seconds'),
      waitP95Seconds: weighted('queueWaitP95Seconds'),
      waitingAhead: ahead?.items.filter(r => r.id !== run.id).length,
    };
  }, [
    api,
    run.id,
    run.tenantId,
    run.jobType,
    run.createdAt,
    waiting,
    props.version,
  ]);

  const explanation = explainPending(run, context ?? {});
  if (!explanation) return null;
  return (
    <Alert
      severity="info"
      data-testid="pending-explanation"
      aria-label="Why this run is waiting"
    >
      <AlertTitle>{explanation.headline}</AlertTitle>
      {explanation.detail && (
        <Typography
          variant="body2"
          component="p"
          style={{ fontFamily: 'monospace' }}
        >
          {explanation.detail}
        </Typography>
      )}
      <Typography variant="body2" component="p">
        {explanation.advice}
      </Typography>
      {explanation.ahead && (
        <Typography variant="body2" component="p">
          {explanation.ahead}
        </Typography>
      )}
      {explanation.estimate && (
        <Typography variant="body2" component="p">
          <strong>When will it run? </strong>
          {explanation.estimate}
        </Typography>
      )}
    </Alert>
  );
}
