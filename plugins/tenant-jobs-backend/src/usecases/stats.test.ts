import { RunTiming } from '../database';
import {
  bucketStart,
  computeStats,
  computeStatsBuckets,
  countBuckets,
  MAX_STATS_BUCKETS,
  percentile,
} from './stats';

const T0 = Date.parse('2026-11-27T10:00:00Z');

/** A run submitted at T0 + `created` s, started and finished as given (s). */
function timing(
  status: RunTiming['status'],
  times: { created?: number; started?: number; finished?: number } = {},
  group: { tenantId?: string; jobType?: string } = {},
): RunTiming {
  const at = (seconds: number | undefined) =>
    seconds === undefined ? undefined : T0 + seconds * 1000;
  return {
    tenantId: group.tenantId ?? 'acme-analytics',
    jobType: group.jobType ?? 'data-etl',
    status,
    createdAt: at(times.created ?? 0)!,
    startedAt: at(times.started),
    finishedAt: at(times.finished),
  };
}

describe('percentile', () => {
  it('is undefined without values', () => {
    expect(percentile([], 0.5)).toBeUndefined();
  });

  it('takes the nearest rank', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(values, 0.5)).toBe(5);
    expect(percentile(values, 0.95)).toBe(10);
    expect(percentile(values, 0.9)).toBe(9);
    expect(percentile(values, 0.91)).toBe(10);
    expect(percentile([10, 20, 30, 40], 0.5)).toBe(20);
    expect(percentile([10, 20, 30, 40, 50], 0.5)).toBe(30);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 0.95)).toBe(95);
    expect(percentile(hundred, 0.5)).toBe(50);
  });

  it('stays within the values at the extremes', () => {
    expect(percentile([7], 0.5)).toBe(7);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([1, 2, 3], 0)).toBe(1);
    expect(percentile([1, 2, 3], 1)).toBe(3);
  });
});

describe('computeStats', () => {
  it('is empty without runs', () => {
    expect(computeStats([])).toEqual([]);
  });

  it('counts outcomes and takes p50/p95 of durations and queue waits', () => {
    const [stats] = computeStats([
      timing('Succeeded', { started: 10, finished: 70 }), // 60 s, waited 10
      timing('Succeeded', { started: 20, finished: 140 }), // 120 s, waited 20
      timing('Failed', { started: 5, finished: 35 }), // 30 s, waited 5
      timing('Cancelled', { started: 40, finished: 50 }), // 10 s, waited 40
      timing('Cancelled'), // cancelled while queued
      timing('Running', { started: 100 }), // waited 100
      timing('Queued'),
      timing('Pending'),
    ]);

    expect(stats).toEqual({
      tenantId: 'acme-analytics',
      jobType: 'data-etl',
      total: 8,
      succeeded: 2,
      failed: 1,
      cancelled: 2,
      active: 3,
      successRate: 0.667,
      // Durations 10, 30, 60, 120: nearest rank 2 and 4.
      durationP50Seconds: 30,
      durationP95Seconds: 120,
      // Waits 5, 10, 20, 40, 100: nearest rank 3 and 5.
      queueWaitP50Seconds: 20,
      queueWaitP95Seconds: 100,
    });
  });

  it('measures the wait from submission, never below zero', () => {
    const [stats] = computeStats([
      timing('Running', { created: 30, started: 90 }),
      // Started before it was recorded (clocks of two machines).
      timing('Running', { created: 30, started: 29 }),
    ]);
    expect(stats.queueWaitP50Seconds).toBe(0);
    expect(stats.queueWaitP95Seconds).toBe(60);
    expect(stats.durationP50Seconds).toBeUndefined();
    expect(stats.durationP95Seconds).toBeUndefined();
  });

  it('rounds seconds to one decimal', () => {
    const [stats] = computeStats([
      timing('Succeeded', { started: 0.25, finished: 1.5 }), // 1.25 s
      timing('Succeeded', { started: 0.04, finished: 3.2 }), // 3.16 s
    ]);
    expect(stats.durationP50Seconds).toBe(1.3);
    expect(stats.durationP95Seconds).toBe(3.2);
    expect(stats.queueWaitP50Seconds).toBe(0);
    expect(stats.queueWaitP95Seconds).toBe(0.3);
    expect(stats.successRate).toBe(1);
  });

  it('has no success rate until a run succeeded or failed', () => {
    const [stats] = computeStats([timing('Cancelled'), timing('Queued')]);
    expect(stats.successRate).toBeUndefined();
    expect(stats).toEqual(
      expect.objectContaining({ total: 2, cancelled: 1, active: 1 }),
    );
    const [failedOnly] = computeStats([
      timing('Failed', { started: 1, finished: 2 }),
    ]);
    expect(failedOnly.successRate).toBe(0);
  });

  it('groups by tenant and job type, sorted by tenant then type', () => {
    const globex = { tenantId: 'globex-retail' };
    const stats = computeStats([
      timing(
        'Succeeded',
        { started: 1, finished: 2 },
        { ...globex, jobType: 'report-render' },
      ),
      timing(
        'Failed',
        { started: 1, finished: 3 },
        { jobType: 'report-render' },
      ),
      timing('Succeeded', { started: 1, finished: 4 }, globex),
      timing('Queued', {}, { jobType: 'report-render' }),
      timing('Succeeded', { started: 1, finished: 5 }),
      timing(
        'Succeeded',
        { started: 1, finished: 6 },
        { ...globex, jobType: 'report-render' },
      ),
    ]);

    expect(
      stats.map(s => [s.tenantId, s.jobType, s.total, s.succeeded, s.failed]),
    ).toEqual([
      ['acme-analytics', 'data-etl', 1, 1, 0],
      ['acme-analytics', 'report-render', 2, 0, 1],
      ['globex-retail', 'data-etl', 1, 1, 0],
      ['globex-retail', 'report-render', 2, 2, 0],
    ]);
    // Figures are per group: 1 s and 5 s for globex's report-render.
    expect(stats[3].durationP50Seconds).toBe(1);
    expect(stats[3].durationP95Seconds).toBe(5);
  });

  it('does not mix a tenant with a job type whose names join alike', () => {
    const stats = computeStats([
      timing('Succeeded', {}, { tenantId: 'a-b', jobType: 'c' }),
      timing('Failed', {}, { tenantId: 'a', jobType: 'b-c' }),
    ]);
    expect(stats).toHaveLength(2);
    expect(stats.map(s => `${s.tenantId}/${s.jobType}`).sort()).toEqual([
      'a-b/c',
      'a/b-c',
    ]);
  });

  it('sorts a tenant before a longer tenant that starts with its id', () => {
    const base = { status: 'Succeeded' as const, createdAt: 0 };
    const stats = computeStats([
      { ...base, tenantId: 'acme-analytics', jobType: 'data-etl' },
      { ...base, tenantId: 'acme', jobType: 'report-render' },
      { ...base, tenantId: 'acme', jobType: 'data-etl' },
    ]);
    expect(stats.map(s => `${s.tenantId}/${s.jobType}`)).toEqual([
      'acme/data-etl',
      'acme/report-render',
      'acme-analytics/data-etl',
    ]);
  });
});

describe('computeStatsBuckets', () => {
  const day = 86_400_000;

  it('splits the window into UTC days, oldest first, empty days included', () => {
    const from = Date.parse('2026-11-25T15:00:00Z');
    const to = Date.parse('2026-11-27T12:00:00Z');
    const buckets = computeStatsBuckets(
      [
        { ...timing('Succeeded', { started: 1, finished: 11 }) }, // T0 = 27th
        {
          ...timing('Failed', { started: 1, finished: 3 }),
          createdAt: Date.parse('2026-11-25T23:59:59Z'),
        },
      ],
      { from, to, size: 'day' },
    );
    expect(buckets.map(b => [b.from, b.to, b.items.length])).toEqual([
      ['2026-11-25T00:00:00.000Z', '2026-11-26T00:00:00.000Z', 1],
      ['2026-11-26T00:00:00.000Z', '2026-11-27T00:00:00.000Z', 0],
      ['2026-11-27T00:00:00.000Z', '2026-11-28T00:00:00.000Z', 1],
    ]);
    expect(buckets[0].items[0]).toEqual(
      expect.objectContaining({ failed: 1, successRate: 0 }),
    );
    expect(buckets[2].items[0]).toEqual(
      expect.objectContaining({ succeeded: 1, durationP50Seconds: 10 }),
    );
  });

  it('aligns hours and weeks (from Monday) in UTC', () => {
    expect(
      new Date(bucketStart(Date.parse('2026-11-27T10:42:10Z'), 'hour')),
    ).toEqual(new Date('2026-11-27T10:00:00Z'));
    // 27 November 2026 is a Friday; its week began on Monday the 23rd.
    expect(
      new Date(bucketStart(Date.parse('2026-11-27T10:42:10Z'), 'week')),
    ).toEqual(new Date('2026-11-23T00:00:00Z'));
    expect(
      new Date(bucketStart(Date.parse('2026-11-23T00:00:00Z'), 'week')),
    ).toEqual(new Date('2026-11-23T00:00:00Z'));
    const weeks = computeStatsBuckets([], {
      from: Date.parse('2026-11-01T00:00:00Z'),
      to: Date.parse('2026-11-27T00:00:00Z'),
      size: 'week',
    });
    expect(weeks.map(w => w.from.slice(0, 10))).toEqual([
      '2026-10-26',
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
      '2026-11-23',
    ]);
  });

  it('counts the buckets of a window and caps what it returns', () => {
    expect(countBuckets(0, 30 * day, 'day')).toBe(30);
    expect(countBuckets(0, 1, 'day')).toBe(1);
    expect(countBuckets(0, 0, 'day')).toBe(1);
    expect(countBuckets(0, 1000 * day, 'day')).toBeGreaterThan(
      MAX_STATS_BUCKETS,
    );
    expect(
      computeStatsBuckets([], { from: 0, to: 1000 * day, size: 'day' }),
    ).toHaveLength(MAX_STATS_BUCKETS);
  });
});
