import { RUN_STATUSES, isRunStatus, isTerminalRunStatus } from './runStatus';

describe('run status', () => {
  it('lists the statuses in lifecycle order', () => {
    expect(RUN_STATUSES).toEqual([
      'Queued',
      'Pending',
      'Running',
      'Succeeded',
      'Failed',
      'Cancelled',
    ]);
  });

  it('knows which are terminal', () => {
    expect(RUN_STATUSES.filter(isTerminalRunStatus)).toEqual([
      'Succeeded',
      'Failed',
      'Cancelled',
    ]);
  });

  it('recognizes statuses', () => {
    expect(isRunStatus('Running')).toBe(true);
    expect(isRunStatus('running')).toBe(false);
    expect(isRunStatus(undefined)).toBe(false);
  });
});
