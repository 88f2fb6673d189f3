/*
 * OpenTelemetry for tests: a meter provider with a Prometheus exporter that
 * is scraped in process (or served on a loopback port), and a tracer
 * provider that keeps finished spans in memory.
 */
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import {
  context,
  metrics,
  propagation,
  TextMapPropagator,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  PrometheusExporter,
  PrometheusSerializer,
} from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

/** One sample of a scrape: a series and its value. */
export type Sample = {
  name: string;
  labels: Record<string, string>;
  value: number;
};

/** The samples of a Prometheus text exposition (comments skipped). */
export function parseScrape(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(
      /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g,
    )) {
      labels[pair[1]] = pair[2];
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

export type TestMeter = {
  /** Backstage's metrics service, as the plugin's factory builds it. */
  metrics: MetricsService;
  /** The text Prometheus would scrape now. */
  scrape(): Promise<string>;
  provider: MeterProvider;
  shutdown(): Promise<void>;
};

/**
 * A meter provider with a Prometheus exporter. With `port` it serves
 * `/metrics` on 127.0.0.1 and becomes the global provider, as the demo
 * backend's instrumentation does; otherwise it is only scraped in process.
 */
export async function createTestMeter(
  options: { port?: number; global?: boolean } = {},
): Promise<TestMeter> {
  const exporter = new PrometheusExporter({
    host: '127.0.0.1',
    port: options.port ?? 0,
    preventServerStart: options.port === undefined,
  });
  if (options.port !== undefined) await exporter.startServer();
  const provider = new MeterProvider({ readers: [exporter] });
  if (options.global) metrics.setGlobalMeterProvider(provider);
  const serializer = new PrometheusSerializer();
  return {
    metrics: provider.getMeter(
      'backstage-plugin-tenant-jobs',
    ) as unknown as MetricsService,
    provider,
    async scrape() {
      const { resourceMetrics } = await exporter.collect();
      return serializer.serialize(resourceMetrics);
    },
    async shutdown() {
      await provider.shutdown();
      if (options.global) metrics.disable();
    },
  };
}

/** W3C `traceparent` only: enough to see that context is passed on. */
const traceContextPropagator: TextMapPropagator = {
  inject(ctx, carrier, setter) {
    const span = trace.getSpanContext(ctx);
    if (!span) return;
    const flags = span.traceFlags.toString(16).padStart(2, '0');
    setter.set(
      carrier,
      'traceparent',
      `00-${span.traceId}-${span.spanId}-${flags}`,
    );
  },
  extract: ctx => ctx,
  fields: () => ['traceparent'],
};

export type TestTracer = {
  spans: InMemorySpanExporter;
  uninstall(): Promise<void>;
};

/** Registers a global tracer provider that keeps spans in memory. */
export function installTestTracer(): TestTracer {
  const spans = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(traceContextPropagator);
  return {
    spans,
    async uninstall() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
