import { cronProblem, isTimeZone, parseScheduleRequest } from './schedule';

describe('schedules', () => {
  it.each([
    '0 3 * * *',
    '*/5 * * * *',
    '0 9-17 * * mon-fri',
    '@daily',
    '15,45 * 1 jan *',
  ])('accepts the cron expression %s', expression => {
    expect(cronProblem(expression)).toBeUndefined();
  });

  it.each([
    ['* * * *', 'must have five fields'],
    ['0 0 * * * *', 'got 6 fields'],
    ['60 * * * *', "minute: '60' must be 0-59"],
    ['0 24 * * *', "hour: '24' must be 0-23"],
    ['0 0 0 * *', "day of month: '0' must be 1-31"],
    ['*/0 * * * *', "minute: step '0' must be a positive whole number"],
    ['@sometimes', 'must have five fields'],
    ['0 0 * * funday', "day of week: 'funday'"],
  ])('refuses %s: %s', (expression, problem) => {
    expect(cronProblem(expression)).toContain(problem);
  });

  it('knows time zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('../../etc/passwd')).toBe(false);
  });

  it('parses a schedule with defaults, and says what to fix', () => {
    const ok = parseScheduleRequest({
      tenantId: 'acme',
      jobType: 'tenant-backup',
      cron: '0 3 * * *',
    });
    expect(ok).toMatchObject({
      success: true,
      request: {
        timeZone: 'UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 300,
        paused: false,
        priority: 'normal',
      },
    });
    const bad = parseScheduleRequest({
      tenantId: 'acme',
      jobType: 'tenant-backup',
      cron: '0 3 * *',
      timeZone: 'Nowhere/Land',
      concurrencyPolicy: 'Sometimes',
      startingDeadlineSeconds: 1,
      colour: 'red',
    });
    expect(bad.success).toBe(false);
    const message = (bad as { message: string }).message;
    expect(message).toContain('cron: must have five fields');
    expect(message).toContain('timeZone: must be an IANA time zone');
    expect(message).toContain(
      'concurrencyPolicy: must be Forbid, Allow or Replace',
    );
    expect(message).toContain(
      'startingDeadlineSeconds: must be at least 10 seconds',
    );
    expect(message).toContain('colour: unknown field');
  });
});
