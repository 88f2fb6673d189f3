import {
  HttpMethod,
  RequestContext,
  ResponseContext,
  wrapHttpLibrary,
} from '@kubernetes/client-node';
import {
  installTestTracer,
  TestTracer,
} from '../metrics/__testUtils__/telemetry';
import {
  describeKubernetesRequest,
  instrumentHttpLibrary,
  KubernetesRequestEvent,
} from './kubernetesRequests';

describe('describeKubernetesRequest', () => {
  it.each([
    ['GET', '/apis/batch/v1/jobs?labelSelector=x', 'list', 'jobs', undefined],
    ['GET', '/apis/batch/v1/jobs?watch=true', 'watch', 'jobs', undefined],
    ['GET', '/api/v1/pods?limit=500', 'list', 'pods', undefined],
    [
      'GET',
      '/apis/batch/v1/namespaces/tenant-a/jobs/etl-1',
      'get',
      'jobs',
      'tenant-a',
    ],
    [
      'POST',
      '/apis/batch/v1/namespaces/tenant-a/jobs?dryRun=All',
      'create',
      'jobs',
      'tenant-a',
    ],
    [
      'DELETE',
      '/apis/batch/v1/namespaces/tenant-a/jobs/etl-1',
      'delete',
      'jobs',
      'tenant-a',
    ],
    [
      'GET',
      '/api/v1/namespaces/tenant-a/pods/etl-1-x/log?tailLines=5',
      'get',
      'pods/log',
      'tenant-a',
    ],
    [
      'GET',
      '/api/v1/namespaces/tenant-a/events?fieldSelector=a',
      'list',
      'events',
      'tenant-a',
    ],
    ['GET', '/api/v1/namespaces/tenant-a', 'get', 'namespaces', 'tenant-a'],
    [
      'GET',
      '/api/v1/namespaces/tenant-a/resourcequotas/tenant-jobs-quota',
      'get',
      'resourcequotas',
      'tenant-a',
    ],
    [
      'POST',
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      'create',
      'selfsubjectreviews',
      undefined,
    ],
    [
      'PATCH',
      '/apis/scheduling.k8s.io/v1/priorityclasses/tenant-jobs-high',
      'apply',
      'priorityclasses',
      undefined,
    ],
    ['GET', '/apis/networking.k8s.io/v1', 'list', 'discovery', undefined],
    ['GET', '/api/v1/namespaces/x/secrets/y', 'get', 'other', 'x'],
  ])('%s %s is %s %s', (method, url, verb, resource, namespace) => {
    const described = describeKubernetesRequest(
      method,
      `https://127.0.0.1:6443${url}`,
      'application/apply-patch+yaml',
    );
    expect(described).toEqual({ verb, resource, namespace });
  });

  it('tells a merge patch from an apply', () => {
    expect(
      describeKubernetesRequest(
        'PATCH',
        'https://h/apis/batch/v1/namespaces/a/jobs/b',
        'application/merge-patch+json',
      ).verb,
    ).toBe('patch');
  });
});

describe('instrumentHttpLibrary', () => {
  let tracer: TestTracer;
  beforeEach(() => {
    tracer = installTestTracer();
  });
  afterEach(() => tracer.uninstall());

  function request(method: HttpMethod, url: string) {
    return new RequestContext(`https://127.0.0.1:6443${url}`, method);
  }

  it('times every request, sends the trace context and spans it', async () => {
    const events: KubernetesRequestEvent[] = [];
    const seenHeaders: Record<string, string>[] = [];
    const library = instrumentHttpLibrary(
      wrapHttpLibrary({
        async send(req) {
          seenHeaders.push(req.getHeaders());
          if (req.getUrl().includes('/missing')) {
            return new ResponseContext(
              404,
              {},
              {
                text: async () => '',
                binary: async () => Buffer.from(''),
              },
            );
          }
          if (req.getUrl().includes('/slow')) {
            const error = new Error('The operation was aborted');
            error.name = 'AbortError';
            throw error;
          }
          return new ResponseContext(
            200,
            {},
            {
              text: async () => '{}',
              binary: async () => Buffer.from('{}'),
            },
          );
        },
      }),
      { cluster: 'local', observe: event => events.push(event) },
    );

    await library
      .send(request(HttpMethod.GET, '/apis/batch/v1/jobs'))
      .toPromise();
    await library
      .send(request(HttpMethod.GET, '/apis/batch/v1/namespaces/a/jobs/missing'))
      .toPromise();
    await expect(
      library
        .send(request(HttpMethod.POST, '/apis/batch/v1/namespaces/a/jobs/slow'))
        .toPromise(),
    ).rejects.toThrow('aborted');

    expect(
      events.map(e => [e.verb, e.resource, e.status, e.errorType]),
    ).toEqual([
      ['list', 'jobs', 200, undefined],
      ['get', 'jobs', 404, '404'],
      ['create', 'jobs', undefined, 'timeout'],
    ]);
    expect(
      events.every(e => e.cluster === 'local' && e.durationSeconds >= 0),
    ).toBe(true);
    expect(seenHeaders[0].traceparent).toMatch(
      /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/,
    );

    const spans = tracer.spans.getFinishedSpans();
    expect(spans.map(s => s.name)).toEqual([
      'kubernetes list jobs',
      'kubernetes get jobs',
      'kubernetes create jobs',
    ]);
    expect(spans[1].attributes).toMatchObject({
      'http.response.status_code': 404,
      'error.type': '404',
      'k8s.namespace.name': 'a',
      'tenant_jobs.cluster': 'local',
    });
    expect(spans[2].status.code).toBe(2); // ERROR: no answer
  });
});
