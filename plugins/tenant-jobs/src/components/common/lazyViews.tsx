import { Progress } from '@backstage/core-components';
import { ComponentProps, lazy, Suspense } from 'react';

const RunDetailView = lazy(() =>
  import('../RunDetail/RunDetailView').then(m => ({
    default: m.RunDetailView,
  })),
);
const StatsCharts = lazy(() =>
  import('../StatsCharts/StatsCharts').then(m => ({ default: m.StatsCharts })),
);

/**
 * The run detail view, loaded when a run is opened: the list of runs, the
 * first thing a tab shows, does not wait for it.
 */
export function LazyRunDetailView(props: ComponentProps<typeof RunDetailView>) {
  return (
    <Suspense fallback={<Progress />}>
      <RunDetailView {...props} />
    </Suspense>
  );
}

/** The trend charts, loaded after the list of runs. */
export function LazyStatsCharts(props: ComponentProps<typeof StatsCharts>) {
  return (
    <Suspense fallback={<Progress />}>
      <StatsCharts {...props} />
    </Suspense>
  );
}
