/**
 * The time, injected: the tracker, queue, reconcile, archive and
 * retention read it here, so tests can run them on fake time.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The system's clock. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** `clock.now()` as an ISO 8601 string. */
export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
