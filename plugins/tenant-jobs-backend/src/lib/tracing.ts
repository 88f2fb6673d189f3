/*
 * Spans of the Tenant Jobs backend, through the OpenTelemetry API: they go
 * wherever the process's tracer provider sends them (the demo backend's
 * instrumentation.js exports them over OTLP when an endpoint is set), and
 * cost next to nothing when no SDK is registered.
 */
import {
  Attributes,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { isError } from '@backstage/errors';
import { statusOf } from './errorStatus';

/** The instrumentation scope of every span of the plugin. */
export const TRACER_NAME = 'backstage-plugin-tenant-jobs';

/** Span attribute names of the plugin. */
export const SPAN_ATTRIBUTES = {
  tenant: 'tenant_jobs.tenant',
  jobType: 'tenant_jobs.job_type',
  priority: 'tenant_jobs.priority',
  runId: 'tenant_jobs.run_id',
  cluster: 'tenant_jobs.cluster',
  outcome: 'tenant_jobs.outcome',
  reason: 'tenant_jobs.reason',
  status: 'tenant_jobs.status',
} as const;

export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/**
 * Runs `fn` in a new active span. A thrown error ends the span with status
 * ERROR and its `error.type` unless it is a refusal (a 4xx is the caller's
 * matter, not a fault of the backend): then only the attribute is set.
 */
export async function withSpan<T>(
  name: string,
  options: { attributes?: Attributes; kind?: SpanKind },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { attributes: options.attributes, kind: options.kind },
    async span => {
      try {
        return await fn(span);
      } catch (error) {
        const err = isError(error) ? error : new Error(String(error));
        span.setAttribute('error.type', err.name || 'Error');
        if (statusOf(error) >= 500) {
          span.recordException(err);
          span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        }
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** One cluster's reconcile in a span, with what it did as attributes. */
export function traceReconcile<T extends object>(
  cluster: string,
  fn: () => Promise<T>,
): Promise<T> {
  return withSpan(
    'tenant-jobs reconcile',
    { attributes: { [SPAN_ATTRIBUTES.cluster]: cluster } },
    async span => {
      const report = await fn();
      for (const [key, value] of Object.entries(report)) {
        if (typeof value === 'number') {
          span.setAttribute(`tenant_jobs.reconcile.${key}`, value);
        }
      }
      return report;
    },
  );
}
