import { BUILT_IN_JOB_TYPES } from '@tenant-jobs/plugin-tenant-jobs-common';
import { JobTypeRegistry } from './JobTypeRegistry';

const etl = BUILT_IN_JOB_TYPES['data-etl'];

describe('JobTypeRegistry', () => {
  it('offers the five built-in job types by default', () => {
    const registry = new JobTypeRegistry({ added: [], overrides: new Map() });
    expect(
      registry
        .list()
        .map(t => t.id)
        .sort(),
    ).toEqual([
      'billing-report',
      'data-etl',
      'ml-training',
      'security-scan',
      'tenant-backup',
    ]);
  });

  it('adds job types from modules and lets one replace a built-in by id', () => {
    const registry = new JobTypeRegistry({
      added: [
        { ...etl, id: 'report-export', title: 'Report export' },
        { ...etl, title: 'Our ETL' },
      ],
      overrides: new Map(),
    });
    expect(registry.get('report-export')?.title).toBe('Report export');
    expect(registry.get('data-etl')?.title).toBe('Our ETL');
  });

  it('applies app-config overrides and can turn a type off', () => {
    const registry = new JobTypeRegistry({
      added: [],
      overrides: new Map([
        ['data-etl', { image: 'registry.example.com/etl:2.0.0', retries: 1 }],
        ['ml-training', { enabled: false }],
      ]),
    });
    expect(registry.get('data-etl')).toEqual(
      expect.objectContaining({
        image: 'registry.example.com/etl:2.0.0',
        retries: 1,
        command: etl.command,
      }),
    );
    expect(registry.get('ml-training')).toBeUndefined();
  });

  it('refuses overrides of unknown types and invalid definitions at startup', () => {
    expect(
      () =>
        new JobTypeRegistry({
          added: [],
          overrides: new Map([['nope', { retries: 1 }]]),
        }),
    ).toThrow(/overrides a job type that does not exist/);
    expect(
      () =>
        new JobTypeRegistry({
          added: [{ ...etl, id: 'Bad Id' }],
          overrides: new Map(),
        }),
    ).toThrow(/Job type 'Bad Id' is invalid/);
  });
});
