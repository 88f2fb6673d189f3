import type { TenantJobResult } from '@tenant-jobs/plugin-tenant-jobs-common';
import { formatBytes } from './format';

/** Severities of scan findings, most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

export type Severity = (typeof SEVERITIES)[number];

/** A result in the shape the result card shows. */
export interface ResultView {
  summary?: string;
  link?: { href: string; label: string };
  findings?: Record<Severity, number>;
  metrics?: Array<{ name: string; value: string }>;
  facts: Array<{ label: string; value: string }>;
}

/** Only http(s) links are shown; anything else could run script. */
export function safeHref(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:'
      ? url.toString()
      : undefined;
  } catch {
    return undefined;
  }
}

const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isNumber(value) || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

/**
 * How to show a run's result: the keys every type may report (`summary`,
 * `reportUrl`), those of its job type (findings, size and location,
 * metrics, rows), and every other key as a fact.
 */
export function viewResult(
  jobType: string,
  result: TenantJobResult,
): ResultView {
  const rest: Record<string, unknown> = { ...result };
  const take = (key: string) => {
    const value = rest[key];
    delete rest[key];
    return value;
  };
  const view: ResultView = { facts: [] };
  const summary = take('summary');
  if (typeof summary === 'string') view.summary = summary;
  const href = safeHref(take('reportUrl'));
  if (href) view.link = { href, label: 'Open the report' };

  if (
    jobType === 'security-scan' &&
    rest.findings &&
    typeof rest.findings === 'object'
  ) {
    const findings = take('findings') as Record<string, unknown>;
    view.findings = Object.fromEntries(
      SEVERITIES.map(s => [s, isNumber(findings[s]) ? findings[s] : 0]),
    ) as Record<Severity, number>;
  }
  if (jobType === 'tenant-backup') {
    const size = take('sizeBytes');
    if (isNumber(size))
      view.facts.push({ label: 'Size', value: formatBytes(size) });
    const location = take('location');
    if (location !== undefined) {
      view.facts.push({ label: 'Location', value: text(location) });
    }
  }
  if (
    jobType === 'ml-training' &&
    rest.metrics &&
    typeof rest.metrics === 'object'
  ) {
    const metrics = take('metrics') as Record<string, unknown>;
    view.metrics = Object.entries(metrics).map(([name, value]) => ({
      name,
      value: isNumber(value)
        ? String(Math.round(value * 10_000) / 10_000)
        : text(value),
    }));
  }
  if (jobType === 'data-etl') {
    for (const [key, label] of [
      ['rowsRead', 'Rows read'],
      ['rowsWritten', 'Rows written'],
    ]) {
      const value = take(key);
      if (isNumber(value)) {
        view.facts.push({ label, value: value.toLocaleString('en') });
      }
    }
  }
  for (const [key, value] of Object.entries(rest)) {
    view.facts.push({ label: humanize(key), value: text(value) });
  }
  return view;
}
