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
