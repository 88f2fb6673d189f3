import { TenantJobsApiError } from './TenantJobsApiError';
import { TenantJobsClient } from './TenantJobsClient';

const BASE = 'http://backend/api/tenant-jobs';

function client(respond: (url: string, init?: RequestInit) => Response) {
  const fetch = jest.fn(async (url: string, init?: RequestInit) =>
    respond(url, init),
  );
  return {
    fetch,
    api: new TenantJobsClient({
      discoveryApi: { getBaseUrl: async () => BASE },
      fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
    }),
  };
}

const json = (body: unknown, status = 200, headers = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

describe('TenantJobsClient', () => {
  it('lists runs with filters as comma-separated query parameters', async () => {
    const { api, fetch } = client(() => json({ items: [], nextCursor: 'c2' }));
    const page = await api.listRuns({
      tenant: ['acme-analytics'],
      entityRef: 'component:default/acme-warehouse-etl',
      status: ['Running', 'Pending'],
      type: [],
      limit: 20,
      cursor: 'c1',
    });
    expect(page).toEqual({ items: [], nextCursor: 'c2' });
    const url = new URL(fetch.mock.calls[0][0]);
    expect(url.pathname).toBe('/api/tenant-jobs/runs');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenantId: 'acme-analytics',
      entityRef: 'component:default/acme-warehouse-etl',
      status: 'Running,Pending',
      limit: '20',
      cursor: 'c1',
    });
  });

  it('posts launches and dry runs as JSON', async () => {
    const { api, fetch } = client((_url, init) => {
      const body = JSON.parse(String(init?.body));
      return json(
        body.dryRun ? { dryRun: true, checkedBy: 'apiserver' } : { id: 'r1' },
        body.dryRun ? 200 : 201,
      );
    });
    const request = {
      tenantId: 'acme-analytics',
      jobType: 'data-etl',
      parameters: { source: 'events-db', destination: 'warehouse' },
    };
    await expect(api.launch(request)).resolves.toEqual({ id: 'r1' });
    await expect(api.dryRun(request)).resolves.toEqual(
      expect.objectContaining({ checkedBy: 'apiserver' }),
    );
    const [, init] = fetch.mock.calls[1];
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('Content-Type')).toBe(
      'application/json',
    );
    expect(JSON.parse(String(init?.body))).toEqual({
      ...request,
      dryRun: true,
    });
  });

  it("throws the backend's error message with its status and name", async () => {
    const { api } = client(() =>
      json(
        {
          error: {
            name: 'NotAllowedError',
            message: "priority: priority 'critical' is above the plan",
          },
          response: { statusCode: 403 },
        },
        403,
      ),
    );
    const error = await api.cancel('r1').catch(e => e);
    expect(error).toBeInstanceOf(TenantJobsApiError);
    expect(error).toEqual(
      expect.objectContaining({
        status: 403,
        reason: 'NotAllowedError',
        message: "priority: priority 'critical' is above the plan",
      }),
    );
  });

  it('says when the backend cannot be reached', async () => {
    const { api } = client(() => {
      throw new TypeError('Failed to fetch');
    });
    await expect(api.getTenants()).rejects.toEqual(
      expect.objectContaining({
        status: 0,
        message: expect.stringMatching(/could not be reached: Failed to fetch/),
      }),
    );
  });

  it('reads a log with its source, and asks for stats per bucket', async () => {
    const { api, fetch } = client(url =>
      url.includes('/logs')
        ? new Response('line 1\nline 2\n', {
            headers: { 'Tenant-Jobs-Log-Source': 'archive' },
          })
        : json({ from: 'x', items: [], bucket: 'day', buckets: [] }),
    );
    await expect(api.getRunLog('r 1', { tailLines: 100 })).resolves.toEqual({
      source: 'archive',
      text: 'line 1\nline 2\n',
    });
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/runs/r%201/logs?tailLines=100`,
    );
    await api.getStats({ tenant: ['acme-analytics'], bucket: 'day' });
    expect(fetch.mock.calls[1][0]).toBe(
      `${BASE}/stats?tenantId=acme-analytics&bucket=day`,
    );
  });

  it('follows a log as it streams', async () => {
    const { api, fetch } = client(
      () =>
        new Response('first\nsecond\n', {
          headers: { 'Tenant-Jobs-Log-Source': 'live' },
        }),
    );
    const texts: string[] = [];
    const controller = new AbortController();
    const result = await api.streamRunLog('r1', {
      follow: true,
      signal: controller.signal,
      onText: text => texts.push(text),
    });
    expect(result).toEqual({ source: 'live' });
    expect(texts.join('')).toBe('first\nsecond\n');
    expect(fetch.mock.calls[0][0]).toBe(`${BASE}/runs/r1/logs?follow=true`);
    expect(fetch.mock.calls[0][1]?.signal).toBe(controller.signal);
  });
});

describe('TenantJobsClient: schedules, trigger rules and configuration', () => {
  const call = (fetch: jest.Mock, index: number) => {
    const [url, init] = fetch.mock.calls[index] as [string, RequestInit?];
    return {
      url,
      method: init?.method ?? 'GET',
      contentType: new Headers(init?.headers).get('Content-Type'),
      body: init?.body,
    };
  };

  it("lists the runs a schedule created with the 'scheduleId' query parameter", async () => {
    const { api, fetch } = client(() => json({ items: [] }));
    await api.listRuns({ scheduleId: 's 1', limit: 20 });
    expect(call(fetch, 0).url).toBe(`${BASE}/runs?limit=20&scheduleId=s+1`);
  });

  it('lists, creates, pauses, resumes, runs and deletes schedules', async () => {
    const { api, fetch } = client((url, init) => {
      if (init?.method === 'DELETE') return new Response(null, { status: 204 });
      if (url.endsWith('/run')) return json({ id: 'r9' }, 201);
      if (url.includes('/schedules?') || url.endsWith('/schedules')) {
        return init?.method === 'POST'
          ? json({ id: 's1' }, 201)
          : json({ items: [{ id: 's1' }] });
      }
      return json({ id: 's1', paused: url.endsWith('/pause') });
    });
    await expect(
      api.listSchedules({ tenantId: 'acme-analytics' }),
    ).resolves.toEqual([{ id: 's1' }]);
    await api.listSchedules();
    const request = {
      tenantId: 'acme-analytics',
      jobType: 'data-etl',
      tier: 'large' as const,
      priority: 'normal' as const,
      parameters: { source: 'events-db' },
      cron: '0 3 * * *',
      timeZone: 'Europe/Berlin',
      concurrencyPolicy: 'Forbid' as const,
    };
    await expect(api.createSchedule(request)).resolves.toEqual({ id: 's1' });
    await expect(api.pauseSchedule('s1')).resolves.toEqual({
      id: 's1',
      paused: true,
    });
    await api.resumeSchedule('s1');
    await expect(api.runSchedule('s1')).resolves.toEqual({ id: 'r9' });
    await expect(api.deleteSchedule('s/1')).resolves.toBeUndefined();

    expect(call(fetch, 0)).toEqual(
      expect.objectContaining({
        url: `${BASE}/schedules?tenantId=acme-analytics`,
        method: 'GET',
      }),
    );
    expect(call(fetch, 1).url).toBe(`${BASE}/schedules`);
    const create = call(fetch, 2);
    expect(create).toEqual(
      expect.objectContaining({
        url: `${BASE}/schedules`,
        method: 'POST',
        contentType: 'application/json',
      }),
    );
    expect(JSON.parse(String(create.body))).toEqual(request);
    expect(
      [3, 4, 5].map(i => [call(fetch, i).method, call(fetch, i).url]),
    ).toEqual([
      ['POST', `${BASE}/schedules/s1/pause`],
      ['POST', `${BASE}/schedules/s1/resume`],
      ['POST', `${BASE}/schedules/s1/run`],
    ]);
    expect(call(fetch, 6)).toEqual(
      expect.objectContaining({
        url: `${BASE}/schedules/s%2F1`,
        method: 'DELETE',
      }),
    );
  });

  it('lists topics and trigger rules, creates and deletes a rule', async () => {
    const { api, fetch } = client((url, init) => {
      if (init?.method === 'DELETE') return new Response(null, { status: 204 });
      if (url.endsWith('/trigger-topics')) {
        return json({ items: [{ topic: 'github.push', scope: 'shared' }] });
      }
      return init?.method === 'POST'
        ? json({ id: 't1' }, 201)
        : json({ items: [{ id: 't1' }] });
    });
    await expect(api.listTriggerTopics()).resolves.toEqual([
      { topic: 'github.push', scope: 'shared' },
    ]);
    await expect(
      api.listTriggers({ tenantId: 'acme-analytics' }),
    ).resolves.toEqual([{ id: 't1' }]);
    const request = {
      tenantId: 'acme-analytics',
      jobType: 'security-scan',
      topic: 'github.push',
      filter: { 'repository.name': 'warehouse' },
      parameters: {
        repository: { from: 'repository.url' },
        depth: { value: 'full' },
      },
    };
    await expect(api.createTrigger(request)).resolves.toEqual({ id: 't1' });
    await api.deleteTrigger('t1');

    expect(call(fetch, 0).url).toBe(`${BASE}/trigger-topics`);
    expect(call(fetch, 1).url).toBe(`${BASE}/triggers?tenantId=acme-analytics`);
    expect(call(fetch, 2)).toEqual(
      expect.objectContaining({
        url: `${BASE}/triggers`,
        method: 'POST',
        contentType: 'application/json',
      }),
    );
    expect(JSON.parse(String(call(fetch, 2).body))).toEqual(request);
    expect(call(fetch, 3)).toEqual(
      expect.objectContaining({ url: `${BASE}/triggers/t1`, method: 'DELETE' }),
    );
  });

  it('downloads a configuration as text and uploads one as application/yaml', async () => {
    const yaml = 'schedules:\n  - jobType: data-etl\n    cron: 0 3 * * *\n';
    const { api, fetch } = client((url, init) => {
      if (!init?.method || init.method === 'GET') {
        return new Response(yaml, {
          headers: { 'Content-Type': 'application/yaml' },
        });
      }
      return url.includes('dryRun=true')
        ? json({ dryRun: true, schedules: [], triggers: [], problems: ['x'] })
        : json({ schedules: 1, triggers: 0 }, 201);
    });
    await expect(api.exportConfiguration('acme-analytics')).resolves.toBe(yaml);
    await expect(
      api.previewConfiguration('acme-analytics', yaml),
    ).resolves.toEqual(expect.objectContaining({ problems: ['x'] }));
    await expect(
      api.importConfiguration('acme-analytics', yaml),
    ).resolves.toEqual({ schedules: 1, triggers: 0 });

    expect(call(fetch, 0)).toEqual(
      expect.objectContaining({
        url: `${BASE}/tenants/acme-analytics/configuration`,
        method: 'GET',
      }),
    );
    expect(call(fetch, 1)).toEqual({
      url: `${BASE}/tenants/acme-analytics/configuration?dryRun=true`,
      method: 'POST',
      contentType: 'application/yaml',
      body: yaml,
    });
    expect(call(fetch, 2)).toEqual({
      url: `${BASE}/tenants/acme-analytics/configuration`,
      method: 'POST',
      contentType: 'application/yaml',
      body: yaml,
    });
  });

  it("throws a refused upload's message", async () => {
    const { api } = client(() =>
      json(
        {
          error: {
            name: 'InputError',
            message: 'the document uses a YAML alias; write the values out',
          },
        },
        400,
      ),
    );
    await expect(
      api.previewConfiguration('acme-analytics', 'a: &x 1\nb: *x\n'),
    ).rejects.toEqual(
      expect.objectContaining({
        status: 400,
        message: 'the document uses a YAML alias; write the values out',
      }),
    );
  });
});

describe('TenantJobsClient: platform, audit and usage', () => {
  const urlOf = (fetch: jest.Mock, index: number) =>
    new URL(fetch.mock.calls[index][0] as string);

  it('reads the user, the tenants and the clusters of the platform view', async () => {
    const { api, fetch } = client(url => {
      if (url.endsWith('/me')) {
        return json({
          userEntityRef: 'user:default/dave',
          admin: true,
          tenantIds: [],
        });
      }
      return json({ items: [{ id: url.endsWith('/tenants') ? 't' : 'c' }] });
    });
    await expect(api.getMe()).resolves.toEqual({
      userEntityRef: 'user:default/dave',
      admin: true,
      tenantIds: [],
    });
    await expect(api.getAdminTenants()).resolves.toEqual([{ id: 't' }]);
    await expect(api.getAdminClusters()).resolves.toEqual([{ id: 'c' }]);
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      `${BASE}/me`,
      `${BASE}/admin/tenants`,
      `${BASE}/admin/clusters`,
    ]);
  });

  it('lists audit events with repeated filters, the limit and the cursor', async () => {
    const { api, fetch } = client(() =>
      json({ items: [{ id: 1 }], nextCursor: 'c2' }),
    );
    await expect(
      api.listAuditEvents({
        tenantId: ['acme-analytics', 'globex-retail'],
        action: ['run-cancel', 'schedule-delete'],
        actor: 'user:default/dave',
        outcome: ['refused'],
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
        limit: 50,
        cursor: 'c1',
      }),
    ).resolves.toEqual({ items: [{ id: 1 }], nextCursor: 'c2' });
    const url = urlOf(fetch, 0);
    expect(url.pathname).toBe('/api/tenant-jobs/audit');
    expect(url.searchParams.getAll('tenantId')).toEqual([
      'acme-analytics',
      'globex-retail',
    ]);
    expect(url.searchParams.getAll('action')).toEqual([
      'run-cancel',
      'schedule-delete',
    ]);
    expect(url.searchParams.get('actor')).toBe('user:default/dave');
    expect(url.searchParams.getAll('outcome')).toEqual(['refused']);
    expect(url.searchParams.get('from')).toBe('2026-11-01T00:00:00.000Z');
    expect(url.searchParams.get('to')).toBe('2026-12-01T00:00:00.000Z');
    expect(url.searchParams.get('limit')).toBe('50');
    expect(url.searchParams.get('cursor')).toBe('c1');

    await api.listAuditEvents({ tenantId: [], actor: '' });
    expect(fetch.mock.calls[1][0]).toBe(`${BASE}/audit`);
  });

  it("exports audit events as a file named by the backend's Content-Disposition", async () => {
    const csv = 'id,at,actor,action,tenantId,runId,outcome,asAdmin,detail\n';
    const { api, fetch } = client(
      () =>
        new Response(csv, {
          headers: {
            'Content-Type': 'text/csv; charset=utf-8',
            'Content-Disposition':
              'attachment; filename="tenant-jobs-audit-2026-11-01-2026-12-01.csv"',
          },
        }),
    );
    await expect(
      api.exportAudit({
        format: 'csv',
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
        tenantId: ['acme-analytics'],
        outcome: ['failed', 'refused'],
      }),
    ).resolves.toEqual({
      fileName: 'tenant-jobs-audit-2026-11-01-2026-12-01.csv',
      contentType: 'text/csv; charset=utf-8',
      text: csv,
    });
    const url = urlOf(fetch, 0);
    expect(url.pathname).toBe('/api/tenant-jobs/audit/export');
    expect(url.searchParams.get('format')).toBe('csv');
    expect(url.searchParams.get('from')).toBe('2026-11-01T00:00:00.000Z');
    expect(url.searchParams.get('to')).toBe('2026-12-01T00:00:00.000Z');
    expect(url.searchParams.getAll('tenantId')).toEqual(['acme-analytics']);
    expect(url.searchParams.getAll('outcome')).toEqual(['failed', 'refused']);
    expect(url.searchParams.has('limit')).toBe(false);
  });

  it('names an export from its request when the backend gives no name', async () => {
    const { api } = client(() => new Response('{"id":1}\n'));
    await expect(
      api.exportAudit({ format: 'jsonl', from: 'a', to: 'b' }),
    ).resolves.toEqual(
      expect.objectContaining({
        fileName: 'tenant-jobs-audit-a-b.jsonl',
        text: '{"id":1}\n',
      }),
    );
  });

  it('reads usage with repeated tenants and comma-separated groups, and as CSV', async () => {
    const { api, fetch } = client(url =>
      url.includes('format=csv')
        ? new Response('tenantId,jobType\n', {
            headers: {
              'Content-Type': 'text/csv',
              'Content-Disposition': 'attachment; filename="usage.csv"',
            },
          })
        : json({ items: [], total: { runs: 0 } }),
    );
    const query = {
      tenantId: ['acme-analytics', 'initech-labs'],
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      groupBy: ['tenant' as const, 'day' as const],
    };
    await expect(api.getUsage(query)).resolves.toEqual({
      items: [],
      total: { runs: 0 },
    });
    await expect(api.usageCsv(query)).resolves.toEqual({
      fileName: 'usage.csv',
      contentType: 'text/csv',
      text: 'tenantId,jobType\n',
    });
    for (const index of [0, 1]) {
      const url = urlOf(fetch, index);
      expect(url.pathname).toBe('/api/tenant-jobs/usage');
      expect(url.searchParams.getAll('tenantId')).toEqual([
        'acme-analytics',
        'initech-labs',
      ]);
      expect(url.searchParams.get('groupBy')).toBe('tenant,day');
      expect(url.searchParams.get('from')).toBe('2026-11-01T00:00:00.000Z');
    }
    expect(urlOf(fetch, 0).searchParams.has('format')).toBe(false);
    expect(urlOf(fetch, 1).searchParams.get('format')).toBe('csv');

    await api.getUsage({});
    expect(fetch.mock.calls[2][0]).toBe(`${BASE}/usage`);
  });
});
