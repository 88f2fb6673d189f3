import { lazy, Suspense } from 'react';
import type { LaunchDialogProps } from './LaunchDialog';

const LaunchDialog = lazy(() =>
  import('./LaunchDialog').then(m => ({ default: m.LaunchDialog })),
);

/**
 * The launch dialog, loaded when first opened: its form library is not
 * part of the first page of runs.
 */
export function LazyLaunchDialog(props: LaunchDialogProps) {
  if (!props.open) return null;
  return (
    <Suspense fallback={null}>
      <LaunchDialog {...props} />
    </Suspense>
  );
}
