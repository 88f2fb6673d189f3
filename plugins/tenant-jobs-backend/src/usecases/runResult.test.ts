import { extractRunResult, parseResultFromLog } from './runResult';

describe('parseResultFromLog', () => {
  it('reads the JSON object of a TENANT_JOBS_RESULT line', () => {
    const log = [
      'scanning registry.example.com/app:1.4.2',
      'TENANT_JOBS_RESULT {"findings":{"critical":0,"high":2},"summary":"2 high"}',
      'done',
    ].join('\n');
    expect(parseResultFromLog(log)).toEqual({
      findings: { critical: 0, high: 2 },
      summary: '2 high',
    });
  });

  it('takes the last result line, after a timestamp too', () => {
    const log = [
      'TENANT_JOBS_RESULT {"step":1}',
      '2026-11-27T10:00:00.123456789Z TENANT_JOBS_RESULT {"step":2}\r',
      'TENANT_JOBS_RESULT not json',
    ].join('\n');
    expect(parseResultFromLog(log)).toEqual({ step: 2 });
  });

  it('ignores lines that are not a JSON object or too long', () => {
    expect(parseResultFromLog('TENANT_JOBS_RESULT [1,2]')).toBeUndefined();
    expect(parseResultFromLog('TENANT_JOBS_RESULT "text"')).toBeUndefined();
    expect(
      parseResultFromLog('echo TENANT_JOBS_RESULT {"a":1}'),
    ).toBeUndefined();
    expect(parseResultFromLog('TENANT_JOBS_RESULT {"a":1')).toBeUndefined();
    const long = `TENANT_JOBS_RESULT {"a":"${'x'.repeat(20_000)}"}`;
    expect(parseResultFromLog(long)).toBeUndefined();
    expect(parseResultFromLog('')).toBeUndefined();
  });
});

describe('extractRunResult', () => {
  const log = (podName: string, text: string) => ({
    podName,
    log: text,
    truncated: false,
  });

  it("reads the newest attempt's log, not an earlier attempt's", () => {
    const logs = [
      log('run-a', 'TENANT_JOBS_RESULT {"attempt":1}'),
      log('run-b', 'TENANT_JOBS_RESULT {"attempt":2}'),
    ];
    expect(extractRunResult(logs, ['run-b', 'run-a'])).toEqual({
      attempt: 1,
    });
    expect(extractRunResult(logs, ['run-a', 'run-b'])).toEqual({
      attempt: 2,
    });
    // Pods unknown: the last archived log.
    expect(extractRunResult(logs, [])).toEqual({ attempt: 2 });
  });

  it('is undefined without logs or without a result line', () => {
    expect(extractRunResult([], ['run-a'])).toBeUndefined();
    expect(
      extractRunResult([log('run-a', 'hello')], ['run-a']),
    ).toBeUndefined();
  });
});
