import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { ReactNode, useCallback } from 'react';
import { RUN_PARAM } from '../common/RunLink';

/** The views of the Tenant Jobs page, as the URL's `?view=` names them. */
export type PageView = 'runs' | 'schedules' | 'usage' | 'audit' | 'platform';

/** The query parameter that holds the chosen view. */
export const VIEW_PARAM = 'view';

/** One tab of the page: adding a tab is adding one of these. */
export interface PageTab {
  id: PageView;
  label: string;
  render(): ReactNode;
}

/**
 * The view the URL names (`?view=`), and how to show another: a link or a
 * reload keeps the view, and showing one closes an open run.
 */
export function usePageView(): {
  view?: string;
  show(view: PageView): void;
} {
  const [params, setParams] = useAppSearchParams();
  const show = useCallback(
    (view: PageView) =>
      setParams(previous => {
        const next = new URLSearchParams(previous);
        next.set(VIEW_PARAM, view);
        next.delete(RUN_PARAM);
        return next;
      }),
    [setParams],
  );
  return { view: params.get(VIEW_PARAM) ?? undefined, show };
}

/**
 * The page's tabs and the chosen tab's content; `current` falls back to
 * the first tab when the URL names none or one the user may not see.
 */
export function PageTabs(props: {
  tabs: PageTab[];
  current?: string;
  onChange(view: PageView): void;
}) {
  const current =
    props.tabs.find(tab => tab.id === props.current) ?? props.tabs[0];
  return (
    <>
      <Box marginBottom={2} borderBottom={1} borderColor="divider">
        <Tabs
          value={current.id}
          onChange={(_event, view: PageView) => props.onChange(view)}
          aria-label="Views of Tenant Jobs"
          indicatorColor="primary"
          textColor="primary"
          variant="scrollable"
          scrollButtons="auto"
        >
          {props.tabs.map(tab => (
            <Tab
              key={tab.id}
              value={tab.id}
              label={tab.label}
              id={`tenant-jobs-tab-${tab.id}`}
              aria-controls={`tenant-jobs-view-${tab.id}`}
            />
          ))}
        </Tabs>
      </Box>
      <div
        role="tabpanel"
        id={`tenant-jobs-view-${current.id}`}
        aria-labelledby={`tenant-jobs-tab-${current.id}`}
      >
        {current.render()}
      </div>
    </>
  );
}
