import { useApi } from '@backstage/frontend-plugin-api';
import { useCallback, useEffect, useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { TenantJobsFilter, tenantJobsApiRef } from '../api';

/**
 * Server-side pages of runs, newest first: the cursor of every page
 * visited is kept, so Previous goes back without the server knowing
 * offsets. A new filter starts again at the first page.
 */
export function useRunsPage(filter: TenantJobsFilter, pageSize: number) {
  const api = useApi(tenantJobsApiRef);
  const filterKey = JSON.stringify(filter);
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  useEffect(() => setCursors([undefined]), [filterKey, pageSize]);
  const cursor = cursors[cursors.length - 1];

  const state = useAsyncRetry(
    () => api.listRuns({ ...filter, limit: pageSize, cursor }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, filterKey, pageSize, cursor],
  );
  const nextCursor = state.value?.nextCursor;
  const next = useCallback(() => {
    if (nextCursor) setCursors(list => [...list, nextCursor]);
  }, [nextCursor]);
  const previous = useCallback(
    () => setCursors(list => (list.length > 1 ? list.slice(0, -1) : list)),
    [],
  );
  return useMemo(
    () => ({
      items: state.value?.items,
      loading: state.loading,
      error: state.error,
      refresh: state.retry,
      pageIndex: cursors.length - 1,
      hasNext: Boolean(nextCursor),
      hasPrevious: cursors.length > 1,
      next,
      previous,
    }),
    [state, cursors.length, nextCursor, next, previous],
  );
}
