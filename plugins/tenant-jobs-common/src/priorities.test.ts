import {
  DEFAULT_PRIORITY,
  PRIORITIES,
  PRIORITY_IDS,
  comparePriorities,
  isPriorityAtMost,
  getPriority,
  isPriorityId,
} from './priorities';
import type { PriorityId } from './types';

describe('priorities', () => {
  it('lists the five priorities most urgent first', () => {
    expect(PRIORITY_IDS).toEqual([
      'critical',
      'high',
      'normal',
      'low',
      'batch',
    ]);
    expect(PRIORITIES.map(p => p.id)).toEqual(PRIORITY_IDS);
    expect(DEFAULT_PRIORITY).toBe('normal');
  });

  it.each([
    ['critical', 'tenant-jobs-critical', 1000000, 'PreemptLowerPriority'],
    ['high', 'tenant-jobs-high', 100000, 'Never'],
    ['normal', 'tenant-jobs-normal', 10000, 'Never'],
    ['low', 'tenant-jobs-low', 1000, 'Never'],
    ['batch', 'tenant-jobs-batch', 100, 'Never'],
  ] as const)(
    'maps %s to PriorityClass %s with value %d and %s',
    (id, className, value, preemptionPolicy) => {
      const priority = getPriority(id);
      expect(priority.priorityClassName).toBe(className);
      expect(priority.value).toBe(value);
      expect(priority.preemptionPolicy).toBe(preemptionPolicy);
    },
  );

  it('keeps values strictly decreasing, integral and below system classes', () => {
    const values = PRIORITIES.map(p => p.value);
    for (const value of values) {
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThan(1000000000);
    }
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    expect(new Set(values).size).toBe(values.length);
  });

  it('lets only critical preempt by default', () => {
    expect(
      PRIORITIES.filter(p => p.preemptionPolicy !== 'Never').map(p => p.id),
    ).toEqual(['critical']);
  });

  it('compares urgency', () => {
    expect(isPriorityAtMost('high', 'critical')).toBe(true);
    expect(isPriorityAtMost('high', 'high')).toBe(true);
    expect(isPriorityAtMost('critical', 'high')).toBe(false);
    expect(isPriorityAtMost('batch', 'low')).toBe(true);
  });

  it('orders priorities most urgent first', () => {
    const ids: PriorityId[] = ['batch', 'normal', 'critical', 'low', 'high'];
    expect(ids.sort(comparePriorities)).toEqual([
      'critical',
      'high',
      'normal',
      'low',
      'batch',
    ]);
  });

  it('recognizes priority ids and refuses unknown ones', () => {
    expect(isPriorityId('batch')).toBe(true);
    expect(isPriorityId('urgent')).toBe(false);
    expect(() => getPriority('urgent' as PriorityId)).toThrow(
      "Unknown priority 'urgent'",
    );
  });
});
