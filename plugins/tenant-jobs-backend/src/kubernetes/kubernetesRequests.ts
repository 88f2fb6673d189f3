/*
 * Every request the backend's Kubernetes clients send goes through one HTTP
 * library (createKubernetesApis): wrapped here, each one is timed and
 * counted by verb and resource, gets a client span, and tells the cluster's
 * health whether the apiserver answered.
 */
import {
  HttpLibrary,
  RequestContext,
  ResponseContext,
  wrapHttpLibrary,
} from '@kubernetes/client-node';
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
} from '@opentelemetry/api';
import { OTHER } from '../lib/labels';
import { SPAN_ATTRIBUTES, withSpan } from '../lib/tracing';

/** What one request was, as labels. */
export type KubernetesRequestDescription = {
  /** get, list, watch, create, apply, patch, update, delete, deletecollection. */
  verb: string;
  /** The resource (with its subresource, e.g. `pods/log`), or `other`. */
  resource: string;
  /** For spans only: the namespace, when the request names one. */
  namespace?: string;
};

/** One finished request, for metrics and health. */
export type KubernetesRequestEvent = KubernetesRequestDescription & {
  cluster: string;
  durationSeconds: number;
  /** The HTTP status, when the apiserver answered. */
  status?: number;
  /**
   * Set for failures: the status code of a refusal (`404`, `409`, `500`...),
   * `timeout` when the deadline passed, `network` when there was no answer.
   */
  errorType?: string;
};

export type KubernetesRequestObserver = (event: KubernetesRequestEvent) => void;

/** Resources the backend uses; any other is labelled `other`. */
const KNOWN_RESOURCES = new Set([
  'namespaces',
  'jobs',
  'jobs/status',
  'pods',
  'pods/log',
  'pods/status',
  'events',
  'resourcequotas',
  'limitranges',
  'networkpolicies',
  'serviceaccounts',
  'roles',
  'rolebindings',
  'priorityclasses',
  'selfsubjectreviews',
  'selfsubjectaccessreviews',
  'discovery',
]);

/** Verb and resource of a request to the Kubernetes API, from its method and URL. */
export function describeKubernetesRequest(
  method: string,
  url: string,
  contentType?: string,
): KubernetesRequestDescription {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://apiserver');
  } catch {
    return { verb: method.toLowerCase(), resource: OTHER };
  }
  const segments = parsed.pathname.split('/').filter(Boolean);
  let rest: string[];
  if (segments[0] === 'api') rest = segments.slice(2);
  else if (segments[0] === 'apis') rest = segments.slice(3);
  else rest = [];
  let namespace: string | undefined;
  let resource: string | undefined;
  let name: string | undefined;
  let subresource: string | undefined;
  if (rest.length === 0) {
    resource = 'discovery';
  } else if (rest[0] === 'namespaces' && rest.length >= 3) {
    [, namespace, resource, name, subresource] = rest;
  } else {
    [resource, name, subresource] = rest;
    if (resource === 'namespaces') namespace = name;
  }
  const full = subresource ? `${resource}/${subresource}` : resource ?? '';
  const upper = method.toUpperCase();
  let verb: string;
  switch (upper) {
    case 'GET':
      if (name) verb = 'get';
      else
        verb = parsed.searchParams.get('watch') === 'true' ? 'watch' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = contentType?.includes('apply-patch') ? 'apply' : 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      verb = OTHER;
  }
  return {
    verb,
    resource: KNOWN_RESOURCES.has(full) ? full : OTHER,
    namespace,
  };
}

function errorTypeOf(error: unknown): string {
  const e = error as { name?: string; type?: string } | undefined;
  return e?.name === 'AbortError' || e?.name === 'TimeoutError'
    ? 'timeout'
    : 'network';
}

function header(request: RequestContext, name: string): string | undefined {
  const headers = request.getHeaders();
  const key = Object.keys(headers).find(k => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

/**
 * Wraps the HTTP library of a cluster's clients: a client span per request
 * (with the trace context passed on to the apiserver, which joins it when
 * its own tracing is on), and one observer call when it ends.
 */
export function instrumentHttpLibrary(
  inner: HttpLibrary,
  options: { cluster: string; observe?: KubernetesRequestObserver },
): HttpLibrary {
  return wrapHttpLibrary({
    send(request: RequestContext): Promise<ResponseContext> {
      const method = request.getHttpMethod().toString();
      const description = describeKubernetesRequest(
        method,
        request.getUrl(),
        header(request, 'content-type'),
      );
      return withSpan(
        `kubernetes ${description.verb} ${description.resource}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'http.request.method': method,
            'k8s.namespace.name': description.namespace,
            'tenant_jobs.kubernetes.verb': description.verb,
            'tenant_jobs.kubernetes.resource': description.resource,
            [SPAN_ATTRIBUTES.cluster]: options.cluster,
          },
        },
        async span => {
          const carrier: Record<string, string> = {};
          propagation.inject(context.active(), carrier);
          for (const [key, value] of Object.entries(carrier)) {
            request.setHeaderParam(key, value);
          }
          const start = performance.now();
          const done = (status?: number, errorType?: string) =>
            options.observe?.({
              ...description,
              cluster: options.cluster,
              durationSeconds: (performance.now() - start) / 1000,
              status,
              errorType,
            });
          let response: ResponseContext;
          try {
            response = await inner.send(request).toPromise();
          } catch (error) {
            done(undefined, errorTypeOf(error));
            throw error;
          }
          const status = response.httpStatusCode;
          span.setAttribute('http.response.status_code', status);
          if (status >= 400) span.setAttribute('error.type', String(status));
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          done(status, status >= 400 ? String(status) : undefined);
          return response;
        },
      );
    },
  });
}
