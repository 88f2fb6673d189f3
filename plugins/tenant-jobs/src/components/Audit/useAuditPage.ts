import { useApi } from '@backstage/frontend-plugin-api';
import { useCallback, useEffect, useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { AuditFilter, tenantJobsApiRef } from '../../api';

/** How many events a page holds. */
export const AUDIT_PAGE_SIZE = 50;

/**
 * Server-side pages of audit events, newest first: Next follows the
 * page's cursor, First goes back to the start; a new filter starts again
 * at the first page.
 */
export function useAuditPage(filter: AuditFilter) {
  const api = useApi(tenantJobsApiRef);
  const filterKey = JSON.stringify(filter);
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  useEffect(() => setCursors([undefined]), [filterKey]);
  const cursor = cursors[cursors.length - 1];
  const state = useAsyncRetry(
    () => api.listAuditEvents({ ...filter, limit: AUDIT_PAGE_SIZE, cursor }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, filterKey, cursor],
  );
  const nextCursor = state.value?.nextCursor;
  const next = useCallback(() => {
    if (nextCursor) setCursors(list => [...list, nextCursor]);
  }, [nextCursor]);
  const first = useCallback(() => setCursors([undefined]), []);
  return useMemo(
    () => ({
      items: state.value?.items,
      loading: state.loading,
      error: state.error,
      refresh: state.retry,
      pageIndex: cursors.length - 1,
      hasNext: Boolean(nextCursor),
      next,
      first,
    }),
    [state, cursors.length, nextCursor, next, first],
  );
}
