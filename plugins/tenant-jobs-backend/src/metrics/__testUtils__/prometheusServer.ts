/*
 * A throwaway Prometheus (Debian's, see scripts/ensure-prometheus.sh) on a
 * loopback port, scraping one target and evaluating the plugin's rules.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export type PrometheusResult = {
  metric: Record<string, string>;
  values?: Array<[number, string]>;
  value?: [number, string];
};

export type PrometheusServer = {
  url: string;
  /** A range query; throws with Prometheus's error when it fails. */
  queryRange(
    expr: string,
    range: { start: number; end: number; step: number },
  ): Promise<PrometheusResult[]>;
  query(expr: string): Promise<PrometheusResult[]>;
  /** The rule groups as Prometheus evaluates them. */
  rules(): Promise<
    Array<{ name: string; health: string; lastError?: string; type: string }>
  >;
  stop(): Promise<void>;
};

async function api(url: string): Promise<any> {
  const response = await fetch(url);
  const body = (await response.json()) as {
    status: string;
    data: any;
    error?: string;
  };
  if (body.status !== 'success') {
    throw new Error(`Prometheus: ${body.error ?? response.status} (${url})`);
  }
  return body.data;
}

export async function startPrometheus(options: {
  /** host:port of the metrics endpoint to scrape. */
  target: string;
  ruleFiles: string[];
  scrapeIntervalSeconds?: number;
}): Promise<PrometheusServer> {
  const binary = process.env.PROMETHEUS_PATH || '/usr/bin/prometheus';
  if (!fs.existsSync(binary)) {
    throw new Error(
      `${binary} is missing: run scripts/ensure-prometheus.sh (or set PROMETHEUS_PATH)`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tj-prometheus-'));
  const interval = `${options.scrapeIntervalSeconds ?? 2}s`;
  const config = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'rule_files:',
    ...options.ruleFiles.map(file => `  - ${JSON.stringify(file)}`),
    'scrape_configs:',
    '  - job_name: tenant-jobs',
    '    static_configs:',
    `      - targets: [${JSON.stringify(options.target)}]`,
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(dir, 'prometheus.log'), 'w');
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', log, log] },
  );
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const ready = await fetch(`${url}/-/ready`);
      if (ready.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(
        `Prometheus did not start: ${fs.readFileSync(
          path.join(dir, 'prometheus.log'),
          'utf8',
        )}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  return {
    url,
    async queryRange(expr, range) {
      const params = new URLSearchParams({
        query: expr,
        start: String(range.start),
        end: String(range.end),
        step: String(range.step),
      });
      return (await api(`${url}/api/v1/query_range?${params}`)).result;
    },
    async query(expr) {
      const params = new URLSearchParams({ query: expr });
      return (await api(`${url}/api/v1/query?${params}`)).result;
    },
    async rules() {
      const data = await api(`${url}/api/v1/rules`);
      return data.groups.flatMap(
        (group: { rules: Array<Record<string, string>> }) =>
          group.rules.map(rule => ({
            name: rule.name,
            health: rule.health,
            lastError: rule.lastError,
            type: rule.type,
          })),
      );
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      fs.closeSync(log);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
