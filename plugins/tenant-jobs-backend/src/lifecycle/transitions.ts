import { FINAL_STATUSES, RunStatus } from '../database';

/**
 * Every way a run's recorded state may change. A run is one execution of
 * a job type for a tenant; these are the only writes to it.
 */
export type RunTransition =
  /** A submission (or a schedule's Job) takes its place in the queue. */
  | 'admit'
  /** A Job found in the cluster without a record is recorded. */
  | 'adopt'
  /** Recorded as refused before it ran (a schedule's run over a full queue). */
  | 'refuse'
  /** Its Job was created in the cluster. */
  | 'send'
  /** A slot of its tenant is free: it may start. */
  | 'release'
  /** The tracker saw its Job or pods change. */
  | 'observe'
  /** A user cancelled it. */
  | 'cancel'
  /** Its Job vanished before it was seen to finish. */
  | 'lose'
  /** It cannot be sent: the cluster refused its Job, or its job type is gone. */
  | 'fail'
  /** The cluster refused its Job at submit: nothing was created, nothing is kept. */
  | 'forget';

/** Where a transition may start (`new`: no record yet) and where it may end. */
export type TransitionRule = {
  from: 'new' | readonly RunStatus[];
  to: readonly RunStatus[];
};

const ACTIVE: readonly RunStatus[] = ['Queued', 'Pending', 'Running'];

/** The allowed transitions, in one table. */
export const TRANSITIONS: Readonly<Record<RunTransition, TransitionRule>> =
  Object.freeze({
    admit: { from: 'new', to: ['Queued'] },
    adopt: { from: 'new', to: ['Queued', 'Pending'] },
    refuse: { from: 'new', to: ['Failed'] },
    send: { from: ['Queued'], to: ['Queued', 'Pending'] },
    release: { from: ['Queued'], to: ['Queued'] },
    observe: {
      from: ACTIVE,
      to: ['Queued', 'Pending', 'Running', 'Succeeded', 'Failed'],
    },
    cancel: { from: ACTIVE, to: ['Cancelled'] },
    lose: { from: ['Pending', 'Running'], to: ['Failed'] },
    fail: { from: ['Queued', 'Pending'], to: ['Failed'] },
    forget: { from: ['Queued'], to: [] },
  });

/** Whether `transition` may take a run from `from` to `to`. */
export function isAllowed(
  transition: RunTransition,
  from: RunStatus | 'new',
  to: RunStatus,
): boolean {
  const rule = TRANSITIONS[transition];
  const starts =
    rule.from === 'new'
      ? from === 'new'
      : from !== 'new' && rule.from.includes(from);
  return starts && rule.to.includes(to);
}

/** Whether a run in `status` is finished (and so has `finishedAt`). */
export function isFinal(status: RunStatus): boolean {
  return FINAL_STATUSES.has(status);
}
