import { Progress } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { ReactNode, useState } from 'react';
import type { TenantJobsFilter } from '../../api';
import { useLiveUpdates } from '../../hooks/useLiveUpdates';
import { useRunsPage } from '../../hooks/useRunsPage';
import { isActive } from '../../lib/status';
import { ErrorNotice } from '../common/ErrorNotice';
import { RunsPagination } from './RunsPagination';
import { RunsTable } from './RunsTable';

/**
 * The runs that match a filter, one server-side page at a time, kept
 * current by the tenants' signals (or polling without them).
 */
export function LiveRunsTable(props: {
  filter: TenantJobsFilter;
  tenantIds: readonly string[];
  jobTypeTitles: Record<string, string>;
  caption: string;
  showTenant?: boolean;
  /** Shown instead of the table when there are no runs at all. */
  empty: ReactNode;
  defaultPageSize?: number;
}) {
  const [pageSize, setPageSize] = useState(props.defaultPageSize ?? 20);
  const page = useRunsPage(props.filter, pageSize);
  const { live } = useLiveUpdates({
    tenantIds: props.tenantIds,
    active: Boolean(page.items?.some(run => isActive(run.status))),
    onChange: page.refresh,
  });

  if (page.error && !page.items) {
    return <ErrorNotice error={page.error} onRetry={page.refresh} />;
  }
  if (!page.items) return <Progress />;
  if (page.items.length === 0 && page.pageIndex === 0)
    return <>{props.empty}</>;
  return (
    <>
      {page.error && (
        <ErrorNotice
          error={page.error}
          what="refresh the jobs"
          onRetry={page.refresh}
        />
      )}
      <RunsTable
        runs={page.items}
        jobTypeTitles={props.jobTypeTitles}
        caption={props.caption}
        showTenant={props.showTenant}
        loading={page.loading}
        footer={
          <RunsPagination
            pageIndex={page.pageIndex}
            pageSize={pageSize}
            shown={page.items.length}
            hasPrevious={page.hasPrevious}
            hasNext={page.hasNext}
            onPrevious={page.previous}
            onNext={page.next}
            onPageSize={setPageSize}
          />
        }
      />
      <Typography variant="caption" color="textSecondary">
        {live
          ? 'Updates live.'
          : 'Live updates are off (no signals plugin): refreshing every 5 seconds while jobs run.'}
      </Typography>
    </>
  );
}
