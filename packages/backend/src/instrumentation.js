/*
 * OpenTelemetry for the demo backend, loaded with `--require` before the
 * backend itself (see the `start` script and scripts/dev.sh), as
 * Backstage's OpenTelemetry tutorial sets it up:
 *
 * - Metrics (Backstage's own and Tenant Jobs') on a Prometheus endpoint on
 *   a loopback port: http://127.0.0.1:9464/metrics. TENANT_JOBS_METRICS_PORT
 *   and TENANT_JOBS_METRICS_HOST change where.
 * - Traces over OTLP/HTTP when an endpoint is configured
 *   (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT, with
 *   the other standard OTEL_* settings); without one no span is exported.
 *
 * TENANT_JOBS_TELEMETRY=off leaves OpenTelemetry out entirely.
 */
const { isMainThread } = require('node:worker_threads');

// Worker threads load this file too: set up the SDK once, in the main one.
if (isMainThread && process.env.TENANT_JOBS_TELEMETRY !== 'off') {
  const { NodeSDK } = require('@opentelemetry/sdk-node');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
  const {
    OTLPTraceExporter,
  } = require('@opentelemetry/exporter-trace-otlp-http');
  const {
    HttpInstrumentation,
  } = require('@opentelemetry/instrumentation-http');

  const host = process.env.TENANT_JOBS_METRICS_HOST || '127.0.0.1';
  const port = Number(process.env.TENANT_JOBS_METRICS_PORT || 9464);
  const otlp =
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT;

  const prometheus = new PrometheusExporter({ host, port }, error => {
    if (error) {
      console.error(
        `[telemetry] no Prometheus endpoint on ${host}:${port}: ${error.message}`,
      );
    } else {
      console.log(
        `[telemetry] Prometheus metrics on http://${host}:${port}/metrics${
          otlp ? `; traces to ${otlp}` : ''
        }`,
      );
    }
  });

  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || 'tenant-jobs-backend',
    metricReaders: [prometheus],
    // Spans are exported only where an OTLP endpoint is set; an empty list
    // keeps the SDK from sending them to a default endpoint nobody runs.
    ...(otlp
      ? { traceExporter: new OTLPTraceExporter() }
      : { spanProcessors: [] }),
    logRecordProcessors: [],
    instrumentations: [
      // Incoming requests become the parents of the plugins' spans;
      // scrapes and health checks are left out.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: request =>
          /^\/(metrics|\.backstage\/health)|\/health$/.test(request.url || ''),
      }),
    ],
  });
  sdk.start();
  process.once('beforeExit', () => sdk.shutdown());
}
