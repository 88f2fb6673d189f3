import { buildPriorityClasses } from './priorityClasses';

describe('buildPriorityClasses', () => {
  it('builds one PriorityClass per priority', () => {
    const classes = buildPriorityClasses();
    expect(
      classes.map(c => [c.metadata?.name, c.value, c.preemptionPolicy]),
    ).toEqual([
      ['tenant-jobs-critical', 1000000, 'PreemptLowerPriority'],
      ['tenant-jobs-high', 100000, 'PreemptLowerPriority'],
      ['tenant-jobs-normal', 10000, 'PreemptLowerPriority'],
      ['tenant-jobs-low', 1000, 'PreemptLowerPriority'],
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
});
