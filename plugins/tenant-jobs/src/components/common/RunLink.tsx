import { RouterLink, useAppSearchParams } from '@backstage/frontend-plugin-api';
import MuiLink from '@material-ui/core/Link';
import { ReactNode, useCallback } from 'react';

/** The query parameter that opens a run's detail view in place. */
export const RUN_PARAM = 'run';

/**
 * A link that opens a run's detail view on the current page, keeping the
 * page's other query parameters (its tab, `?view=`), so going back lands
 * where the run was opened.
 */
export function RunLink(props: {
  runId: string;
  children: ReactNode;
  /** Underline it always, as links within text must be. */
  inText?: boolean;
}) {
  const [params] = useAppSearchParams();
  const next = new URLSearchParams(params);
  next.set(RUN_PARAM, props.runId);
  return (
    <MuiLink
      component={RouterLink}
      underline={props.inText ? 'always' : 'hover'}
      href={`?${next.toString()}`}
    >
      {props.children}
    </MuiLink>
  );
}

/** The run whose detail view is open, and how to open or close one. */
export function useSelectedRun(): {
  runId?: string;
  open(runId: string): void;
  close(): void;
} {
  const [params, setParams] = useAppSearchParams();
  const runId = params.get(RUN_PARAM) ?? undefined;
  const open = useCallback(
    (id: string) =>
      setParams(previous => {
        const next = new URLSearchParams(previous);
        next.set(RUN_PARAM, id);
        return next;
      }),
    [setParams],
  );
  const close = useCallback(
    () =>
      setParams(previous => {
        const next = new URLSearchParams(previous);
        next.delete(RUN_PARAM);
        return next;
      }),
    [setParams],
  );
  return { runId, open, close };
}
