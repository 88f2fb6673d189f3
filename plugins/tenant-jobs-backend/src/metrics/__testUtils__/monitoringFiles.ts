/*
 * The files of deploy/monitoring, as tests read them: the Prometheus rules,
 * their promtool tests and the Grafana dashboard's queries.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export const MONITORING_DIR = path.resolve(
  __dirname,
  '../../../deploy/monitoring',
);
export const RULES_FILE = path.join(MONITORING_DIR, 'tenant-jobs-rules.yaml');
export const RULES_TEST_FILE = path.join(
  MONITORING_DIR,
  'tenant-jobs-rules.test.yaml',
);
export const DASHBOARD_FILE = path.join(
  MONITORING_DIR,
  'tenant-jobs-dashboard.json',
);
export const PLUGIN_README = path.resolve(__dirname, '../../../README.md');
export const ALERTMANAGER_FILE = path.join(MONITORING_DIR, 'alertmanager.yaml');

/** Debian's amtool (scripts/ensure-prometheus.sh installs it). */
export function amtool(...args: string[]): { code: number; output: string } {
  return runTool('AMTOOL_PATH', '/usr/bin/amtool', args);
}

/** The receivers Alertmanager routes an alert with `labels` to. */
export function routesOf(labels: Record<string, string>): string[] {
  const { code, output } = amtool(
    'config',
    'routes',
    'test',
    `--config.file=${ALERTMANAGER_FILE}`,
    ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
  );
  if (code !== 0) throw new Error(`amtool config routes test: ${output}`);
  const line = output
    .split('\n')
    .filter(l => l.trim() && !l.startsWith('Warning:'))
    .pop();
  return (line ?? '').trim().split(',');
}

/** Runs one of Debian's monitoring tools in the monitoring folder. */
function runTool(
  pathVariable: string,
  defaultPath: string,
  args: string[],
): { code: number; output: string } {
  const binary = process.env[pathVariable] || defaultPath;
  if (!fs.existsSync(binary)) {
    throw new Error(
      `${binary} is missing: run scripts/ensure-prometheus.sh (or set ${pathVariable})`,
    );
  }
  const result = spawnSync(binary, args, {
    cwd: MONITORING_DIR,
    encoding: 'utf8',
  });
  return {
    code: result.status ?? -1,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}`,
  };
}

/** Debian's promtool (scripts/ensure-prometheus.sh installs it). */
export function promtool(...args: string[]): { code: number; output: string } {
  return runTool('PROMTOOL_PATH', '/usr/bin/promtool', args);
}

type Rule = {
  alert?: string;
  record?: string;
  expr: string;
  annotations?: Record<string, string>;
};

export function readRules(): Rule[] {
  const doc = YAML.parse(fs.readFileSync(RULES_FILE, 'utf8')) as {
    groups: Array<{ rules: Rule[] }>;
  };
  return doc.groups.flatMap(group => group.rules);
}

export function readRuleTests(): Array<{
  name: string;
  alert_rule_test?: Array<{
    alertname: string;
    eval_time: string;
    exp_alerts?: Array<{ exp_labels?: Record<string, string> }>;
  }>;
}> {
  return (YAML.parse(fs.readFileSync(RULES_TEST_FILE, 'utf8')) as any).tests;
}

/** The dashboard's queries, by panel title. */
export function dashboardQueries(): Array<{ panel: string; expr: string }> {
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD_FILE, 'utf8')) as {
    panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
  };
  return dashboard.panels.flatMap(panel =>
    (panel.targets ?? []).map(t => ({ panel: panel.title, expr: t.expr })),
  );
}

/**
 * A dashboard query as Prometheus takes it: Grafana's variables replaced
 * by "all tenants and types" and intervals that suit a short run.
 */
export function expandDashboardQuery(
  expr: string,
  intervals: { rate: string; range: string } = { rate: '5m', range: '1h' },
): string {
  return expr
    .replace(/\$__rate_interval/g, intervals.rate)
    .replace(/\$__range/g, intervals.range)
    .replace(/\$(tenant|job_type)\b/g, '.*');
}

/** Metric names a PromQL expression reads (recorded series excluded). */
export function metricsOf(expr: string): string[] {
  return [
    ...new Set(
      [...expr.matchAll(/(?<![:\w])(tenant_jobs_[a-z0-9_]+)(?![:\w])/g)].map(
        match => match[1],
      ),
    ),
  ];
}

/** The Prometheus names the README's metrics table lists. */
export function readmeMetricNames(): string[] {
  const readme = fs.readFileSync(PLUGIN_README, 'utf8');
  const section = readme.split('\n## Metrics\n')[1]?.split('\n## ')[0] ?? '';
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    const first = line.split('|')[1];
    if (!first) continue;
    for (const match of first.matchAll(/`([a-z0-9_]+)`/g)) {
      if (match[1].startsWith('tenant_jobs_')) names.add(match[1]);
    }
  }
  return [...names];
}

/** GitHub's anchors of the README's headings. */
export function readmeAnchors(): Set<string> {
  const readme = fs.readFileSync(PLUGIN_README, 'utf8');
  return new Set(
    [...readme.matchAll(/^#+ (.+)$/gm)].map(match =>
      match[1]
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-'),
    ),
  );
}
