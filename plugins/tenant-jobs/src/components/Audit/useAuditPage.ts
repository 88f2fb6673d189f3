import { useApi } from '@backstage/frontend-plugin-api';
import { useCallback, useMemo, useState } from 'react';
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
  // The cursors belong to the filter they were read with: a new filter
  // starts at the first page at once, without asking for an old page.
  const [paging, setPaging] = useState<{
    filterKey: string;
    cursors: Array<string | undefined>;
  }>({ filterKey, cursors: [undefined] });
  const cursors = paging.filterKey === filterKey ? paging.cursors : [undefined];
  const setCursors = useCallback(
    (update: (list: Array<string | undefined>) => Array<string | undefined>) =>
      setPaging(previous => ({
        filterKey,
        cursors: update(
          previous.filterKey === filterKey ? previous.cursors : [undefined],
        ),
      })),
    [filterKey],
  );
  const cursor = cursors[cursors.length - 1];
  const state = useAsyncRetry(
    () => api.listAuditEvents({ ...filter, limit: AUDIT_PAGE_SIZE, cursor }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, filterKey, cursor],
  );
  const nextCursor = state.value?.nextCursor;
  const next = useCallback(() => {
    if (nextCursor) setCursors(list => [...list, nextCursor]);
  }, [nextCursor, setCursors]);
  const first = useCallback(() => setCursors(() => [undefined]), [setCursors]);
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
