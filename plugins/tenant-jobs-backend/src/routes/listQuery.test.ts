import { InputError } from '@backstage/errors';
import {
  parseListQuery,
  parseLogQuery,
  parseStatsOptions,
  parseStatsQuery,
} from './listQuery';

/** The InputError `parse` throws; fails the test when it does not throw. */
function inputErrorOf(parse: () => unknown): InputError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).name).toBe('InputError');
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('parseListQuery', () => {
  it('accepts no query at all', () => {
    expect(parseListQuery(undefined)).toEqual({
      filter: {
        tenantIds: undefined,
        entityRef: undefined,
        statuses: undefined,
        jobTypes: undefined,
        priorities: undefined,
        submittedBy: undefined,
        createdAfter: undefined,
        createdBefore: undefined,
      },
      page: {},
    });
  });

  it('turns every filter into the store filter', () => {
    const { filter, page } = parseListQuery({
      tenantId: 'acme-analytics',
      entityRef: 'component:default/acme-warehouse-etl',
      status: 'Running',
      type: 'data-etl',
      priority: 'high',
      submittedBy: 'user:default/alice',
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-27T10:00:00+01:00',
      limit: '25',
      cursor: 'abc',
    });
    expect(filter).toEqual({
      tenantIds: ['acme-analytics'],
      entityRef: 'component:default/acme-warehouse-etl',
      statuses: ['Running'],
      jobTypes: ['data-etl'],
      priorities: ['high'],
      submittedBy: 'user:default/alice',
      createdAfter: '2026-11-01T00:00:00.000Z',
      createdBefore: '2026-11-27T09:00:00.000Z',
    });
    expect(page).toEqual({ limit: 25, cursor: 'abc' });
  });

  it('takes comma-separated lists and repeated parameters as arrays', () => {
    const { filter } = parseListQuery({
      tenantId: ['acme-analytics,globex-retail', 'initech'],
      status: 'Queued,Pending',
      type: ['data-etl', 'report-render'],
      priority: ['low', 'batch,critical'],
    });
    expect(filter.tenantIds).toEqual([
      'acme-analytics',
      'globex-retail',
      'initech',
    ]);
    expect(filter.statuses).toEqual(['Queued', 'Pending']);
    expect(filter.jobTypes).toEqual(['data-etl', 'report-render']);
    expect(filter.priorities).toEqual(['low', 'batch', 'critical']);
  });

  it('lower-cases the kind of an entity ref only', () => {
    expect(
      parseListQuery({ entityRef: 'Component:default/Acme-Warehouse-ETL' })
        .filter.entityRef,
    ).toBe('component:default/Acme-Warehouse-ETL');
  });

  it('names unknown parameters', () => {
    const error = inputErrorOf(() =>
      parseListQuery({ tenantId: 'acme-analytics', tennant: 'x', sort: 'asc' }),
    );
    expect(error.message).toMatch(/unknown query parameter\(s\)/);
    expect(error.message).toContain('tennant');
    expect(error.message).toContain('sort');
  });

  it.each([
    [
      'status',
      'unknown',
      { status: 'Done' },
      /status: must be one or more of Queued, Pending/,
    ],
    ['status', 'empty item', { status: 'Running,' }, /^status:/],
    [
      'priority',
      'unknown',
      { priority: ['high', 'urgent'] },
      /^priority: must be one or more of/,
    ],
    [
      'tenantId',
      'not a DNS label',
      { tenantId: 'Acme_Analytics' },
      /^tenantId: must be tenant ids/,
    ],
    ['tenantId', 'empty', { tenantId: '' }, /^tenantId:/],
    [
      'tenant',
      'the old name',
      { tenant: 'acme-analytics' },
      /unknown query parameter\(s\) tenant/,
    ],
    [
      'type',
      'with a space',
      { type: 'data etl' },
      /^type: must be job type ids/,
    ],
    [
      'entityRef',
      'without kind',
      { entityRef: 'acme-warehouse-etl' },
      /^entityRef: must be a complete entity ref/,
    ],
    [
      'entityRef',
      'without namespace',
      { entityRef: 'component:acme' },
      /^entityRef:/,
    ],
    [
      'from',
      'not a time',
      { from: 'yesterday' },
      /^from: must be an ISO 8601 time/,
    ],
    ['to', 'not a date', { to: '2026-13-45' }, /^to: must be an ISO 8601 time/],
    [
      'submittedBy',
      'too long',
      { submittedBy: 'x'.repeat(513) },
      /^submittedBy:/,
    ],
    ['submittedBy', 'repeated', { submittedBy: ['a', 'b'] }, /^submittedBy:/],
  ])('refuses an invalid %s (%s)', (_name, _what, query, message) => {
    expect(inputErrorOf(() => parseListQuery(query)).message).toMatch(message);
  });

  it('refuses lists that are too long', () => {
    const statuses = Array.from({ length: 21 }, () => 'Queued');
    expect(
      inputErrorOf(() => parseListQuery({ status: statuses })).message,
    ).toMatch(/^status: too many statuses/);
    const tenants = Array.from({ length: 51 }, (_, i) => `t${i}`);
    expect(
      inputErrorOf(() => parseListQuery({ tenantId: tenants.join(',') }))
        .message,
    ).toMatch(/^tenantId: .*at most 50/);
    expect(
      parseListQuery({ tenantId: tenants.slice(0, 50) }).filter.tenantIds,
    ).toHaveLength(50);
  });

  it('bounds the limit between 1 and 200', () => {
    expect(parseListQuery({ limit: '1' }).page.limit).toBe(1);
    expect(parseListQuery({ limit: '200' }).page.limit).toBe(200);
    expect(parseListQuery({ limit: 7 }).page.limit).toBe(7);
    for (const limit of ['0', '-5', '201', '2.5', 'ten']) {
      expect(inputErrorOf(() => parseListQuery({ limit })).message).toMatch(
        /^limit:/,
      );
    }
    expect(inputErrorOf(() => parseListQuery({ limit: '201' })).message).toBe(
      'limit: must be at most 200',
    );
  });

  it('takes only digits for the limit, never coerced values or arrays', () => {
    for (const limit of [
      '0x10',
      '1e1',
      ' 5',
      '5 ',
      '+5',
      '',
      ['5'],
      { a: '1' },
    ]) {
      expect(inputErrorOf(() => parseListQuery({ limit })).message).toBe(
        'limit: must be a whole number from 1 to 200',
      );
    }
    expect(
      inputErrorOf(() => parseListQuery({ limit: '99999999999999999999' }))
        .message,
    ).toMatch(/^limit:/);
  });

  it.each([
    '0',
    '-1',
    '2026',
    '2026-02-30',
    '2026-02-30T00:00:00Z',
    '2026-1-1',
    '2026-01-01T10:00:00',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:00:00Z\u0000',
    ' 2026-01-01',
    'Tue, 01 Jan 2030',
    '+275760-09-13T00:00:00Z',
  ])('refuses %j as a time', from => {
    expect(inputErrorOf(() => parseListQuery({ from })).message).toMatch(
      /^from: must be an ISO 8601 time/,
    );
  });

  it('takes ISO 8601 dates and zoned times', () => {
    expect(parseListQuery({ from: '2024-02-29' }).filter.createdAfter).toBe(
      '2024-02-29T00:00:00.000Z',
    );
    expect(
      parseListQuery({ to: '2026-11-27T10:00+0130' }).filter.createdBefore,
    ).toBe('2026-11-27T08:30:00.000Z');
    expect(
      parseListQuery({ to: '2026-11-27T10:00:00.123456Z' }).filter
        .createdBefore,
    ).toBe('2026-11-27T10:00:00.123Z');
  });

  it('takes a complete entity ref as submittedBy', () => {
    expect(
      parseListQuery({ submittedBy: 'User:default/alice' }).filter.submittedBy,
    ).toBe('user:default/alice');
    for (const submittedBy of [
      'alice',
      'user:alice',
      '$(id)',
      'user:default/a\u0000',
    ]) {
      expect(
        inputErrorOf(() => parseListQuery({ submittedBy })).message,
      ).toMatch(/^submittedBy: must be a complete entity ref/);
    }
  });

  it('refuses a cursor that is too long', () => {
    expect(
      inputErrorOf(() => parseListQuery({ cursor: 'c'.repeat(513) })).message,
    ).toMatch(/^cursor:/);
  });
});

describe('parseStatsQuery', () => {
  const now = new Date('2026-11-27T12:00:00.000Z');

  it('looks at the last 30 days unless told otherwise', () => {
    expect(parseStatsQuery({}, now).createdAfter).toBe(
      '2026-10-28T12:00:00.000Z',
    );
    expect(parseStatsQuery(undefined, now).createdAfter).toBe(
      '2026-10-28T12:00:00.000Z',
    );
    expect(
      parseStatsQuery({ from: '2026-01-01T00:00:00Z' }, now).createdAfter,
    ).toBe('2026-01-01T00:00:00.000Z');
  });

  it('takes the list filters', () => {
    const filter = parseStatsQuery(
      {
        tenantId: 'acme-analytics,globex-retail',
        type: 'data-etl',
        status: ['Succeeded', 'Failed'],
        to: '2026-11-20T00:00:00Z',
      },
      now,
    );
    expect(filter).toEqual(
      expect.objectContaining({
        tenantIds: ['acme-analytics', 'globex-retail'],
        jobTypes: ['data-etl'],
        statuses: ['Succeeded', 'Failed'],
        createdBefore: '2026-11-20T00:00:00.000Z',
        createdAfter: '2026-10-28T12:00:00.000Z',
      }),
    );
  });

  it('refuses a window of more than 400 days, as from=1970 would be', () => {
    expect(
      inputErrorOf(() => parseStatsQuery({ from: '1970-01-01' }, now)).message,
    ).toBe(
      'from: the window from 1970-01-01T00:00:00.000Z to 2026-11-27T12:00:00.000Z is longer than 400 days; narrow it with from and to',
    );
    expect(
      parseStatsQuery({ from: '1970-01-01', to: '1970-12-31' }, now)
        .createdBefore,
    ).toBe('1970-12-31T00:00:00.000Z');
  });

  it('refuses paging, unknown and invalid parameters', () => {
    expect(
      inputErrorOf(() => parseStatsQuery({ limit: '10' }, now)).message,
    ).toMatch(/unknown query parameter\(s\) limit/);
    expect(
      inputErrorOf(() => parseStatsQuery({ window: '7d' }, now)).message,
    ).toMatch(/unknown query parameter\(s\) window/);
    expect(
      inputErrorOf(() => parseStatsQuery({ from: 'last week' }, now)).message,
    ).toMatch(/^from:/);
  });
});

describe('parseLogQuery', () => {
  it('defaults to a snapshot of the whole log', () => {
    expect(parseLogQuery(undefined)).toEqual({
      pod: undefined,
      follow: false,
      tailLines: undefined,
    });
  });

  it('takes a pod, follow and tailLines', () => {
    expect(
      parseLogQuery({
        pod: 'data-etl-acme-analytics-r1-x7k2p',
        follow: 'true',
        tailLines: '100',
      }),
    ).toEqual({
      pod: 'data-etl-acme-analytics-r1-x7k2p',
      follow: true,
      tailLines: 100,
    });
    expect(parseLogQuery({ follow: 'false' }).follow).toBe(false);
    expect(parseLogQuery({ tailLines: '100000' }).tailLines).toBe(100_000);
  });

  it.each([
    ['pod', { pod: 'Not_A_Pod' }],
    ['pod', { pod: '-starts-with-dash' }],
    ['follow', { follow: 'yes' }],
    ['follow', { follow: '1' }],
    ['tailLines', { tailLines: '0' }],
    ['tailLines', { tailLines: '100001' }],
    ['tailLines', { tailLines: 'all' }],
    ['tailLines', { tailLines: '1e3' }],
    ['tailLines', { tailLines: '-1' }],
    ['tailLines', { tailLines: ['5'] }],
    ['follow', { follow: ['true'] }],
    ['pod', { pod: ['x'] }],
  ])('refuses an invalid %s (%j)', (name, query) => {
    expect(inputErrorOf(() => parseLogQuery(query)).message).toMatch(
      new RegExp(`^${name}:`),
    );
  });

  it('names unknown parameters', () => {
    expect(
      inputErrorOf(() => parseLogQuery({ container: 'job' })).message,
    ).toBe('unknown query parameter(s) container');
  });
});

describe('parseStatsOptions', () => {
  const now = new Date('2026-11-27T12:00:00.000Z');

  it('has no bucket unless asked for one', () => {
    expect(parseStatsOptions({ tenantId: 'acme-analytics' }, now)).toEqual({
      filter: expect.objectContaining({ tenantIds: ['acme-analytics'] }),
    });
  });

  it('takes hour, day and week buckets beside the filters', () => {
    for (const bucket of ['hour', 'day', 'week']) {
      const options = parseStatsOptions(
        { bucket, from: '2026-11-26T00:00:00Z' },
        now,
      );
      expect(options.bucket).toBe(bucket);
      expect(options.filter.createdAfter).toBe('2026-11-26T00:00:00.000Z');
    }
    // The filters alone ignore it, so both parse the same query.
    expect(parseStatsQuery({ bucket: 'day' }, now).createdAfter).toBe(
      '2026-10-28T12:00:00.000Z',
    );
  });

  it('refuses an unknown bucket and windows of too many buckets', () => {
    expect(
      inputErrorOf(() => parseStatsOptions({ bucket: 'minute' }, now)).message,
    ).toBe('bucket: must be one of hour, day, week');
    expect(
      inputErrorOf(() => parseStatsOptions({ bucket: ['day', 'week'] }, now))
        .message,
    ).toMatch(/^bucket:/);
    // 30 days are 720 hours, more than 400 buckets.
    expect(
      inputErrorOf(() => parseStatsOptions({ bucket: 'hour' }, now)).message,
    ).toMatch(/more than 400 hour buckets/);
    expect(
      parseStatsOptions({ bucket: 'hour', from: '2026-11-26T00:00:00Z' }, now)
        .bucket,
    ).toBe('hour');
  });
});
