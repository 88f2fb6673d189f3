import { buildPriorityClasses } from './priorityClasses';

describe('buildPriorityClasses', () => {
  it('builds one PriorityClass per priority', () => {
    const classes = buildPriorityClasses();
    expect(
      classes.map(c => [c.metadata?.name, c.value, c.preemptionPolicy]),
    ).toEqual([
      ['tenant-jobs-critical', 1000000, 'PreemptLowerPriority'],
      ['tenant-jobs-high', 100000, 'Never'],
      ['tenant-jobs-normal', 10000, 'Never'],
      ['tenant-jobs-low', 1000, 'Never'],
      ['tenant-jobs-batch', 100, 'Never'],
    ]);
    for (const priorityClass of classes) {
      expect(priorityClass.apiVersion).toBe('scheduling.k8s.io/v1');
      expect(priorityClass.kind).toBe('PriorityClass');
      expect(priorityClass.globalDefault).toBe(false);
      expect(priorityClass.metadata?.labels).toEqual({
        'app.kubernetes.io/managed-by': 'tenant-jobs',
      });
      expect(priorityClass.metadata).not.toHaveProperty('namespace');
    }
  });

  it('lets only the configured priorities preempt', () => {
    const policies = (preempting?: ('critical' | 'high')[]) =>
      buildPriorityClasses({ preempting })
        .filter(c => c.preemptionPolicy === 'PreemptLowerPriority')
        .map(c => c.metadata?.name);
    expect(policies([])).toEqual([]);
    expect(policies(['critical', 'high'])).toEqual([
      'tenant-jobs-critical',
      'tenant-jobs-high',
    ]);
  });
});
