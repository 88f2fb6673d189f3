import { ArchiveStore, RunRecord, RunStore, RunTiming } from '../database';
import { TenantClusters } from '../cluster/TenantCluster';
import { RunQueries } from './RunQueries';

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'r1',
    tenantId: 'acme-analytics',
    jobType: 'security-scan',
    tier: 'small',
    priority: 'normal',
    status: 'Succeeded',
    reason: 'Completed',
    request: { parameters: { scanType: 'image' } },
    submittedBy: 'user:default/alice',
    cluster: 'local',
    namespace: 'tenant-acme-analytics',
    k8sName: 'security-scan-r1',
    attempts: 2,
    createdAt: '2026-11-27T10:00:00.000Z',
    updatedAt: '2026-11-27T10:05:00.000Z',
    startedAt: '2026-11-27T10:01:00.000Z',
    finishedAt: '2026-11-27T10:05:00.000Z',
    archivedAt: '2026-11-27T10:05:01.000Z',
    observed: {
      conditions: [],
      pods: [
        { name: 'security-scan-r1-a', phase: 'Failed', restarts: 0 },
        { name: 'security-scan-r1-b', phase: 'Succeeded', restarts: 0 },
      ],
    },
    ...overrides,
  };
}

function queries(options: {
  logs?: Awaited<ReturnType<ArchiveStore['getLogs']>>;
  timings?: RunTiming[];
}) {
  const getLogs = jest.fn(async () => options.logs ?? []);
  const timings = jest.fn(async () => options.timings ?? []);
  return {
    getLogs,
    timings,
    queries: new RunQueries({
      runs: { timings } as unknown as RunStore,
      archives: { getLogs } as unknown as ArchiveStore,
      clusters: {} as TenantClusters,
    }),
  };
}

describe('RunQueries.detail', () => {
  it("carries the result the newest attempt's archived log reported", async () => {
    const { queries: q } = queries({
      logs: [
        {
          podName: 'security-scan-r1-a',
          log: 'TENANT_JOBS_RESULT {"findings":{"critical":9}}',
          truncated: false,
        },
        {
          podName: 'security-scan-r1-b',
          log: 'scan done\nTENANT_JOBS_RESULT {"findings":{"critical":0,"high":1}}\n',
          truncated: false,
        },
      ],
    });
    const detail = await q.detail(run());
    expect(detail.result).toEqual({ findings: { critical: 0, high: 1 } });
    expect(detail.logsArchived).toBe(true);
    expect(detail.pods).toHaveLength(2);
    expect(detail.parameters).toEqual({ scanType: 'image' });
  });

  it('has no result without a result line, and reads no archive before one exists', async () => {
    const archived = queries({
      logs: [{ podName: 'security-scan-r1-b', log: 'ok', truncated: false }],
    });
    expect(await archived.queries.detail(run())).not.toHaveProperty('result');

    const running = queries({});
    const detail = await running.queries.detail(
      run({ status: 'Running', finishedAt: undefined, archivedAt: undefined }),
    );
    expect(detail).not.toHaveProperty('result');
    expect(detail.logsArchived).toBe(false);
    expect(running.getLogs).not.toHaveBeenCalled();
  });
});

describe('RunQueries.statsByBucket', () => {
  it('answers totals and per-bucket figures from one read', async () => {
    const at = (iso: string) => Date.parse(iso);
    const { queries: q, timings } = queries({
      timings: [
        {
          tenantId: 'acme-analytics',
          jobType: 'data-etl',
          status: 'Succeeded',
          createdAt: at('2026-11-26T10:00:00Z'),
          startedAt: at('2026-11-26T10:00:10Z'),
          finishedAt: at('2026-11-26T10:01:10Z'),
        },
        {
          tenantId: 'acme-analytics',
          jobType: 'data-etl',
          status: 'Failed',
          createdAt: at('2026-11-27T10:00:00Z'),
          startedAt: at('2026-11-27T10:00:05Z'),
          finishedAt: at('2026-11-27T10:00:35Z'),
        },
      ],
    });
    const result = await q.statsByBucket(
      { createdAfter: '2026-11-26T00:00:00.000Z' },
      undefined,
      'day',
      new Date('2026-11-27T12:00:00Z'),
    );
    expect(timings).toHaveBeenCalledTimes(1);
    expect(result.items).toEqual([
      expect.objectContaining({ total: 2, succeeded: 1, failed: 1 }),
    ]);
    expect(result.buckets.map(b => [b.from, b.items[0]?.successRate])).toEqual([
      ['2026-11-26T00:00:00.000Z', 1],
      ['2026-11-27T00:00:00.000Z', 0],
    ]);
  });
});
