import { USAGE } from '../../__testUtils__/fakePlatformData';
import { coreHoursPerDay } from './coreHoursPerDay';
import { daysOf, periodRange } from './usageOptions';

const NOW = Date.parse('2026-03-15T10:00:00Z');

describe('periodRange', () => {
  it('gives calendar months and the last 30 days in UTC, the end excluded', () => {
    expect(periodRange('this-month', NOW)).toEqual({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
    });
    expect(periodRange('last-month', NOW)).toEqual({
      from: '2026-02-01T00:00:00.000Z',
      to: '2026-03-01T00:00:00.000Z',
    });
    expect(periodRange('last-30-days', NOW)).toEqual({
      from: '2026-02-14T00:00:00.000Z',
      to: '2026-03-16T00:00:00.000Z',
    });
    expect(
      periodRange('last-month', Date.parse('2026-01-10T00:00:00Z')).from,
    ).toBe('2025-12-01T00:00:00.000Z');
  });
});

describe('daysOf', () => {
  it('lists the days of a period up to today', () => {
    const days = daysOf(
      '2026-03-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
      NOW,
    );
    expect(days).toHaveLength(15);
    expect(new Date(days[14]).toISOString()).toBe('2026-03-15T00:00:00.000Z');
  });
});

describe('coreHoursPerDay', () => {
  it('sums core-hours per day over tenants, with 0 on days without runs', () => {
    const points = coreHoursPerDay(
      {
        ...USAGE,
        from: '2026-03-01T00:00:00.000Z',
        to: '2026-03-04T00:00:00.000Z',
        groupBy: ['tenant', 'day'],
        items: [
          { ...USAGE.items[0], period: '2026-03-01', cpuCoreHours: 1.5 },
          { ...USAGE.items[1], period: '2026-03-01', cpuCoreHours: 2 },
          { ...USAGE.items[1], period: '2026-03-03', cpuCoreHours: 4 },
        ],
      },
      NOW,
    );
    expect(points.map(p => p.y)).toEqual([3.5, 0, 4]);
    expect(new Date(points[0].x).toISOString()).toBe(
      '2026-03-01T00:00:00.000Z',
    );
  });
});
