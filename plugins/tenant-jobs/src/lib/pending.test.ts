import { run } from '../__testUtils__/fakeData';
import { explainPending } from './pending';

const NOW = Date.parse('2026-11-27T10:01:00Z');
const waiting = (overrides = {}) =>
  run({
    status: 'Pending',
    startedAt: undefined,
    finishedAt: undefined,
    createdAt: '2026-11-27T10:00:00.000Z',
    ...overrides,
  });

describe('explainPending', () => {
  it('explains nothing for runs that are not waiting', () => {
    expect(explainPending(run())).toBeUndefined();
    expect(explainPending(run({ status: 'Running' }))).toBeUndefined();
  });

  it("quotes the scheduler's message for an unschedulable run", () => {
    const explanation = explainPending(
      waiting({ reason: 'Unschedulable', message: '0/6 nodes are available' }),
      { now: NOW },
    )!;
    expect(explanation.kind).toBe('unschedulable');
    expect(explanation.headline).toBe('No node can run it right now');
    expect(explanation.detail).toBe('0/6 nodes are available');
  });

  it('names quota, image and retry waits', () => {
    expect(explainPending(waiting({ reason: 'QuotaExceeded' }))!.kind).toBe(
      'quota',
    );
    expect(
      explainPending(waiting({ reason: 'ImagePullBackOff' }))!.advice,
    ).toMatch(/Retrying will not help/);
    expect(explainPending(waiting({ reason: 'BackOff' }))!.kind).toBe(
      'retrying',
    );
    expect(explainPending(waiting({ reason: 'NoPod' }))!.kind).toBe('starting');
  });

  it("places a queued run in its tenant's queue with the backend's estimate", () => {
    const explanation = explainPending(
      waiting({
        status: 'Queued',
        queue: {
          position: 1,
          running: 2,
          slots: 2,
          estimatedStartAt: '2026-11-27T10:04:00.000Z',
        },
      }),
      { now: NOW, waitP50Seconds: 5 },
    )!;
    expect(explanation.headline).toBe(
      "Waiting in the tenant's queue: next to start",
    );
    expect(explanation.detail).toMatch(/2 of the tenant's 2 slots/);
    expect(explanation.estimate).toMatch(/in about 3m/);
  });

  it("estimates from the tenant's recent waits and says when it is unusually long", () => {
    const soon = explainPending(waiting(), {
      now: NOW,
      waitP50Seconds: 90,
      waitP95Seconds: 300,
      waitingAhead: 3,
    })!;
    expect(soon.estimate).toMatch(/within 1m 30s .* 95% within 5m/);
    expect(soon.estimate).toMatch(/starts in about 30s/);
    expect(soon.ahead).toBe('3 earlier runs of this tenant are waiting too.');

    const stuck = explainPending(waiting(), {
      now: NOW + 600_000,
      waitP50Seconds: 90,
      waitP95Seconds: 300,
    })!;
    expect(stuck.estimate).toMatch(/waited 11m, longer than 95% of them/);
    expect(explainPending(waiting(), { now: NOW })!.estimate).toBeUndefined();
  });
});

describe('explainPending estimates', () => {
  it('gives no start time to a run held by the cluster, only the usual waits', () => {
    const explanation = explainPending(waiting({ reason: 'Unschedulable' }), {
      now: NOW,
      waitP50Seconds: 25,
      waitP95Seconds: 500,
    })!;
    expect(explanation.estimate).toMatch(/within 25s/);
    expect(explanation.estimate).toMatch(/cannot start at that pace/);
  });
});
