import { durationSeries, successRateSeries } from './charts';

const stats = {
  from: '2026-11-25T00:00:00.000Z',
  items: [
    {
      tenantId: 't',
      jobType: 'data-etl',
      total: 3,
      succeeded: 2,
      failed: 1,
      cancelled: 0,
      active: 0,
    },
  ],
  bucket: 'day' as const,
  buckets: [
    {
      from: '2026-11-25T00:00:00.000Z',
      to: '2026-11-26T00:00:00.000Z',
      items: [
        {
          tenantId: 't',
          jobType: 'data-etl',
          total: 2,
          succeeded: 2,
          failed: 0,
          cancelled: 0,
          active: 0,
          successRate: 1,
          durationP50Seconds: 10,
          durationP95Seconds: 20,
        },
      ],
    },
    {
      from: '2026-11-26T00:00:00.000Z',
      to: '2026-11-27T00:00:00.000Z',
      items: [],
    },
  ],
};

describe('chart series', () => {
  it('has one success-rate line per job type, with gaps for empty days', () => {
    expect(successRateSeries(stats, { 'data-etl': 'Data ETL' })).toEqual([
      {
        id: 'data-etl',
        label: 'Data ETL',
        points: [
          { x: Date.parse('2026-11-25T00:00:00Z'), y: 1 },
          { x: Date.parse('2026-11-26T00:00:00Z'), y: undefined },
        ],
      },
    ]);
  });

  it('has p50 and dashed p95 duration lines per job type', () => {
    const series = durationSeries(stats);
    expect(series.map(s => [s.id, s.dashed ?? false, s.points[0].y])).toEqual([
      ['data-etl-p50', false, 10],
      ['data-etl-p95', true, 20],
    ]);
  });
});
