import { useApiHolder } from '@backstage/frontend-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  TenantJobRunSignal,
  tenantJobsSignalChannel,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { useEffect, useRef } from 'react';

/** How often to poll when signals are not installed, and as a safety net. */
export const POLL_WITHOUT_SIGNALS_MS = 5_000;
export const POLL_WITH_SIGNALS_MS = 30_000;
/** Signals arriving within this window cause one refresh. */
const DEBOUNCE_MS = 250;

/**
 * Keeps a view current: subscribes to the signals channel of each tenant
 * (`tenant-jobs:<id>`, one message per run change) and calls `onChange`
 * once per burst of changes. Without the signals plugin it polls every
 * 5 s while `active` (something shown may still change); with it, every
 * 30 s as a safety net against a dropped connection.
 */
export function useLiveUpdates(options: {
  tenantIds: readonly string[];
  /** Whether the view shows something that may still change. */
  active: boolean;
  onChange(signal?: TenantJobRunSignal): void;
}): { live: boolean } {
  const signals = useApiHolder().get(signalApiRef);
  const onChange = useRef(options.onChange);
  onChange.current = options.onChange;
  const tenantKey = [...options.tenantIds].sort().join(',');

  useEffect(() => {
    if (!signals || !tenantKey) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last: TenantJobRunSignal | undefined;
    const subscriptions = tenantKey.split(',').map(tenantId =>
      signals.subscribe<TenantJobRunSignal & Record<string, any>>(
        tenantJobsSignalChannel(tenantId),
        message => {
          last = message;
          if (timer) return;
          timer = setTimeout(() => {
            timer = undefined;
            onChange.current(last);
          }, DEBOUNCE_MS);
        },
      ),
    );
    return () => {
      if (timer) clearTimeout(timer);
      subscriptions.forEach(subscription => subscription.unsubscribe());
    };
  }, [signals, tenantKey]);

  useEffect(() => {
    if (!options.active) return undefined;
    const interval = setInterval(
      () => onChange.current(),
      signals ? POLL_WITH_SIGNALS_MS : POLL_WITHOUT_SIGNALS_MS,
    );
    return () => clearInterval(interval);
  }, [options.active, signals]);

  return { live: Boolean(signals) };
}
