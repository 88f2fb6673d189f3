import {
  NewRun,
  QueueStore,
  RunObservationUpdate,
  RunRecord,
  RunStatus,
  RunStore,
  RunUpdate,
} from '../database';
import { Clock, isoNow, systemClock } from '../lib/clock';
import { SPAN_ATTRIBUTES, withSpan } from '../lib/tracing';
import { RunBus, RunChange } from './RunBus';
import { isFinal, RunTransition, TRANSITIONS } from './transitions';

/** The slots and queue bound a run is admitted under. */
export type AdmissionLimits = { maxActive: number; maxQueued: number };

/**
 * The one owner of a run's life: every write to a run goes through here,
 * is checked against the table in `transitions.ts`, gets `finishedAt` when
 * it ends, and is published once on the {@link RunBus}. The stores are
 * its own; nothing else writes a run.
 */
export class RunLifecycle {
  private readonly clock: Clock;

  constructor(
    private readonly deps: {
      runs: RunStore;
      queue: QueueStore;
      bus: RunBus;
      clock?: Clock;
    },
  ) {
    this.clock = deps.clock ?? systemClock;
  }

  get bus(): RunBus {
    return this.deps.bus;
  }

  /**
   * Records a submission in one transaction with its tenant's slots:
   * released at once while a slot is free, else queued; a
   * `ConcurrencyLimitError` when the tenant's queue is full.
   */
  async admit(run: NewRun, limits: AdmissionLimits): Promise<RunRecord> {
    const admitted = await withSpan(
      'tenant-jobs admission',
      {
        attributes: {
          [SPAN_ATTRIBUTES.tenant]: run.tenantId,
          [SPAN_ATTRIBUTES.jobType]: run.jobType,
          [SPAN_ATTRIBUTES.priority]: run.priority,
          [SPAN_ATTRIBUTES.runId]: run.id,
        },
      },
      async span => {
        const record = await this.deps.runs.admit(
          { ...run, status: 'Queued' },
          limits,
        );
        span.setAttribute('tenant_jobs.queued', !record.releasedAt);
        return record;
      },
    );
    await this.publish({ transition: 'admit', after: admitted });
    return admitted;
  }

  /** Records a Job found in the cluster without a record. */
  async adopt(run: NewRun & { status: RunStatus }): Promise<RunRecord> {
    return this.record('adopt', run);
  }

  /** Records a run refused before it ran, with the reason in words. */
  async refuse(
    run: NewRun,
    why: { reason: string; message: string },
  ): Promise<RunRecord> {
    return this.record('refuse', { ...run, ...why, status: 'Failed' });
  }

  /** Its Job was created: Pending, or still Queued while it waits. */
  send(run: RunRecord, change: RunUpdate): Promise<RunRecord | undefined> {
    return this.move('send', run, change);
  }

  /**
   * Frees slots of the tenant, under its lock (exactly once across
   * replicas): the ids of the runs that may start now, highest priority
   * first, then oldest. Each is then marked with {@link RunLifecycle.release}.
   */
  releaseSlots(tenantId: string, maxActive: number): Promise<string[]> {
    return this.deps.queue.release(tenantId, maxActive);
  }

  /** A slot is the run's: it starts. */
  release(run: RunRecord, change: RunUpdate): Promise<RunRecord | undefined> {
    return this.move('release', run, change);
  }

  /**
   * What the tracker saw, applied compare-and-set (newer observations
   * only, to the run whose namespace and Job uid it names). Returns the
   * change, or undefined when nothing changed.
   */
  async observe(
    runId: string,
    observation: RunObservationUpdate,
  ): Promise<RunChange | undefined> {
    this.check('observe', observation.status, runId);
    const change = await withSpan(
      'tenant-jobs tracking update',
      { attributes: { [SPAN_ATTRIBUTES.runId]: runId } },
      async span => {
        // A final state always says when it ended: the Job's own time
        // when it has one, else now.
        const applied = await this.deps.runs.observe(
          runId,
          isFinal(observation.status) && !observation.finishedAt
            ? { ...observation, finishedAt: isoNow(this.clock) }
            : observation,
        );
        span.setAttribute('tenant_jobs.changed', Boolean(applied));
        if (!applied) return undefined;
        span.setAttributes({
          [SPAN_ATTRIBUTES.tenant]: applied.after.tenantId,
          [SPAN_ATTRIBUTES.jobType]: applied.after.jobType,
          [SPAN_ATTRIBUTES.status]: applied.after.status,
          [SPAN_ATTRIBUTES.cluster]: applied.after.cluster,
        });
        return { transition: 'observe' as const, ...applied };
      },
    );
    if (change) await this.publish(change);
    return change;
  }

  /** Cancelled by `actor`; undefined when the run had already ended. */
  cancel(run: RunRecord, actor: string): Promise<RunRecord | undefined> {
    return this.move('cancel', run, {
      status: 'Cancelled',
      reason: 'CancelledByUser',
      message: `Cancelled by ${actor}`,
    });
  }

  /** Its Job vanished before it was seen to finish. */
  lose(run: RunRecord, message: string): Promise<RunRecord | undefined> {
    return this.move('lose', run, {
      status: 'Failed',
      reason: 'Lost',
      message,
    });
  }

  /** It cannot be sent; the reason and message say why, in words. */
  fail(
    run: RunRecord,
    why: { reason: string; message: string },
  ): Promise<RunRecord | undefined> {
    return this.move('fail', run, { status: 'Failed', ...why });
  }

  /**
   * Removes a Queued run whose Job the cluster refused at submit: the
   * caller hears why, and nothing half-created is kept.
   */
  async forget(run: RunRecord): Promise<void> {
    if (run.status !== 'Queued') {
      throw new Error(
        `Run ${run.id} is ${run.status}; only a Queued run is forgotten`,
      );
    }
    await this.deps.runs.delete(run.id);
  }

  private async record(
    transition: 'adopt' | 'refuse',
    run: NewRun & { status: RunStatus },
  ): Promise<RunRecord> {
    this.check(transition, run.status, run.id);
    const created = await this.deps.runs.create({
      ...run,
      ...(isFinal(run.status) ? { finishedAt: isoNow(this.clock) } : {}),
    } as NewRun);
    await this.publish({ transition, after: created });
    return created;
  }

  /**
   * Applies `change` while the run is still in a status the transition
   * starts from; undefined when it had moved on (a cancel that raced the
   * tracker, a finish that raced a cancel).
   */
  private async move(
    transition: RunTransition,
    before: RunRecord,
    change: RunUpdate,
  ): Promise<RunRecord | undefined> {
    const to = change.status;
    // Without a status the run keeps the one it has; the store's guard on
    // the statuses the transition starts from decides whether it applies.
    if (to) this.check(transition, to, before.id);
    const rule = TRANSITIONS[transition];
    const after = await this.deps.runs.transition(
      before.id,
      rule.from === 'new' ? [] : rule.from,
      to && isFinal(to) && !change.finishedAt
        ? { ...change, finishedAt: isoNow(this.clock) }
        : change,
    );
    if (after) await this.publish({ transition, before, after });
    return after;
  }

  /**
   * Throws unless the transition may end in `to`. Where it may start is
   * the store's guard: the status read earlier may have moved on since.
   */
  private check(transition: RunTransition, to: RunStatus, runId: string) {
    const rule = TRANSITIONS[transition];
    if (!rule.to.includes(to)) {
      throw new Error(
        `Run ${runId}: a ${transition} may not end in ${to} (allowed: ${rule.to.join(
          ', ',
        )})`,
      );
    }
  }

  private publish(change: RunChange): Promise<void> {
    return this.deps.bus.publish(change);
  }
}
