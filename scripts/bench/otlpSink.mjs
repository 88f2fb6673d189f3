#!/usr/bin/env node
/*
 * A receiver of OTLP/HTTP JSON traces for `BENCH_PROFILE=1 yarn bench:submit`:
 * the benchmark's backend exports its spans here (instrumentation.js does
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set), and the driver asks where the
 * time of its submissions went.
 *
 *   POST /v1/traces          spans, as the OTLP/HTTP JSON exporter sends them
 *   POST /reset              forgets what it holds
 *   GET  /summary?route=/runs  per span name, within the traces of
 *                            `POST /api/tenant-jobs<route>`: spans per
 *                            submission, mean and p50 duration in ms
 *
 * Usage: node scripts/bench/otlpSink.mjs PORT
 */
import http from 'node:http';

const port = Number(process.argv[2] ?? 4328);
/** Spans by trace id. */
let traces = new Map();

function attributesOf(span) {
  const out = {};
  for (const { key, value } of span.attributes ?? []) {
    out[key] =
      value?.stringValue ??
      value?.intValue ??
      value?.doubleValue ??
      value?.boolValue;
  }
  return out;
}

const KIND = { 2: 'server', 3: 'client' };

/** A stable name for a span: HTTP spans by method and path, ids elided. */
function nameOf(span, attributes) {
  const kind = KIND[span.kind];
  const method = attributes['http.request.method'] ?? attributes['http.method'];
  let target =
    attributes['url.path'] ??
    attributes['http.target'] ??
    attributes['url.full'] ??
    attributes['http.url'];
  if (method && target && kind && !span.name.startsWith('kubernetes')) {
    target = String(target)
      .replace(/^https?:\/\/[^/]+/, '')
      .replace(/\?.*$/, '')
      .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id');
    return `${kind} ${method} ${target}`;
  }
  return span.name;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

function summary(route) {
  const rootName = `server POST /api/tenant-jobs${route}`;
  const byName = new Map();
  let submissions = 0;
  for (const spans of traces.values()) {
    const root = spans.find(s => s.name === rootName && !s.parent);
    if (!root) continue;
    submissions++;
    for (const span of spans) {
      const list = byName.get(span.name) ?? [];
      list.push(span.ms);
      byName.set(span.name, list);
    }
  }
  return {
    submissions,
    spans: [...byName.entries()]
      .map(([name, list]) => ({
        name,
        perSubmit: list.length / Math.max(1, submissions),
        mean: list.reduce((a, b) => a + b, 0) / list.length,
        p50: percentile(list, 0.5),
      }))
      .sort((a, b) => b.mean * b.perSubmit - a.mean * a.perSubmit),
  };
}

http
  .createServer((req, res) => {
    const url = new URL(req.url, 'http://sink');
    if (req.method === 'GET' && url.pathname === '/summary') {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(summary(url.searchParams.get('route') ?? '/runs')),
      );
      return;
    }
    let data = '';
    req.on('data', chunk => (data += chunk));
    req.on('end', () => {
      if (url.pathname === '/reset') {
        traces = new Map();
      } else if (url.pathname === '/v1/traces') {
        try {
          const payload = JSON.parse(data);
          for (const resource of payload.resourceSpans ?? []) {
            for (const scope of resource.scopeSpans ?? []) {
              for (const span of scope.spans ?? []) {
                const attributes = attributesOf(span);
                const list = traces.get(span.traceId) ?? [];
                list.push({
                  name: nameOf(span, attributes),
                  parent: span.parentSpanId || undefined,
                  ms:
                    Number(
                      BigInt(span.endTimeUnixNano) -
                        BigInt(span.startTimeUnixNano),
                    ) / 1e6,
                });
                traces.set(span.traceId, list);
              }
            }
          }
        } catch (error) {
          res.statusCode = 400;
          res.end(String(error));
          return;
        }
      } else {
        res.statusCode = 404;
      }
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  })
  .listen(port, '127.0.0.1');
