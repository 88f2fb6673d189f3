/*
 * A picture of dashboard panels: the panels' queries answered by Prometheus,
 * drawn as SVG line charts on one static page, and a screenshot of it taken
 * by Debian's Chromium (headless, no JavaScript needed).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { PrometheusResult } from './prometheusServer';

export type PicturePanel = {
  title: string;
  unit: string;
  /** One entry per query: its legend format and Prometheus's answer. */
  queries: Array<{ legend: string; result: PrometheusResult[] }>;
};

const COLORS = [
  '#73bf69',
  '#f2cc0c',
  '#5794f2',
  '#ff9830',
  '#f2495c',
  '#b877d9',
  '#8ab8ff',
  '#fade2a',
  '#96d98d',
  '#ffa6b0',
];

function escape(text: string): string {
  return text.replace(
    /[&<>"]/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]!),
  );
}

function legendOf(format: string, metric: Record<string, string>): string {
  return format.replace(
    /\{\{\s*(\w+)\s*\}\}/g,
    (_, label) => metric[label] ?? '',
  );
}

function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '';
  if (unit === 'percentunit')
    return `${(value * 100).toFixed(value >= 0.999 ? 1 : 2)}%`;
  if (unit === 's') {
    if (value >= 3600) return `${(value / 3600).toFixed(1)} h`;
    if (value >= 60) return `${(value / 60).toFixed(1)} min`;
    if (value >= 1) return `${value.toFixed(1)} s`;
    return `${(value * 1000).toFixed(0)} ms`;
  }
  const short = (v: number) =>
    Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : `${+v.toPrecision(2)}`;
  if (unit === 'reqps') return `${short(value)}/s`;
  return short(value);
}

function chart(panel: PicturePanel, width: number, height: number): string {
  const series = panel.queries.flatMap(q =>
    q.result.map(r => ({
      name: legendOf(q.legend, r.metric),
      dashed: /target|objective/.test(q.legend),
      points: (r.values ?? [])
        .map(([t, v]) => [t, Number(v)] as [number, number])
        .filter(([, v]) => Number.isFinite(v)),
    })),
  );
  const all = series.flatMap(s => s.points);
  const left = 70;
  const right = 10;
  const top = 10;
  const bottom = 24;
  if (all.length === 0) {
    return `<svg width="${width}" height="${height}"><text x="${
      width / 2
    }" y="${height / 2}" fill="#888" text-anchor="middle">No data</text></svg>`;
  }
  const t0 = Math.min(...all.map(p => p[0]));
  const t1 = Math.max(...all.map(p => p[0]), t0 + 1);
  let v0 = Math.min(0, ...all.map(p => p[1]));
  let v1 = Math.max(...all.map(p => p[1]));
  if (v1 === v0) v1 = v0 + 1;
  const pad = (v1 - v0) * 0.08;
  v1 += pad;
  if (v0 < 0) v0 -= pad;
  const x = (t: number) =>
    left + ((t - t0) / (t1 - t0)) * (width - left - right);
  const y = (v: number) =>
    top + (1 - (v - v0) / (v1 - v0)) * (height - top - bottom);
  const grid: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = v0 + ((v1 - v0) * i) / 4;
    grid.push(
      `<line x1="${left}" x2="${width - right}" y1="${y(v)}" y2="${y(
        v,
      )}" stroke="#2c3235"/>`,
      `<text x="${left - 6}" y="${
        y(v) + 4
      }" fill="#9fa7b3" font-size="11" text-anchor="end">${escape(
        formatValue(v, panel.unit),
      )}</text>`,
    );
  }
  for (let i = 0; i <= 4; i++) {
    const t = t0 + ((t1 - t0) * i) / 4;
    const label = new Date(t * 1000).toISOString().slice(11, 19);
    grid.push(
      `<text x="${x(t)}" y="${
        height - 6
      }" fill="#9fa7b3" font-size="11" text-anchor="middle">${label}</text>`,
    );
  }
  const lines = series.map((s, i) => {
    const color = COLORS[i % COLORS.length];
    const d = s.points
      .map(
        ([t, v], j) =>
          `${j === 0 ? 'M' : 'L'}${x(t).toFixed(1)},${y(v).toFixed(1)}`,
      )
      .join(' ');
    return `<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${
      s.dashed ? ' stroke-dasharray="8 6"' : ''
    }/>`;
  });
  return `<svg width="${width}" height="${height}">${grid.join('')}${lines.join(
    '',
  )}</svg>`;
}

function legend(panel: PicturePanel): string {
  let i = 0;
  const items = panel.queries.flatMap(q =>
    q.result.map(r => {
      const color = COLORS[i++ % COLORS.length];
      const points = (r.values ?? []).filter(([, v]) =>
        Number.isFinite(Number(v)),
      );
      const last = points.length ? Number(points[points.length - 1][1]) : NaN;
      return `<span class="item"><i style="background:${color}"></i>${escape(
        legendOf(q.legend, r.metric),
      )} <b>${escape(formatValue(last, panel.unit))}</b></span>`;
    }),
  );
  return `<div class="legend">${items.slice(0, 12).join('')}${
    items.length > 12
      ? `<span class="item">+${items.length - 12} more</span>`
      : ''
  }</div>`;
}

/** The page: a title and the panels in a grid of two columns. */
export function renderDashboardHtml(
  title: string,
  subtitle: string,
  panels: PicturePanel[],
): string {
  const cells = panels
    .map(
      panel =>
        `<div class="panel"><h2>${escape(panel.title)}</h2>${chart(
          panel,
          680,
          210,
        )}${legend(panel)}</div>`,
    )
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;padding:16px;background:#111217;color:#d8d9da;font-family:"DejaVu Sans",sans-serif}
h1{font-size:20px;margin:0 0 4px}p.sub{margin:0 0 12px;color:#9fa7b3;font-size:12px}
.grid{display:grid;grid-template-columns:repeat(2,700px);gap:12px}
.panel{background:#181b1f;border:1px solid #2c3235;border-radius:4px;padding:8px 10px}
h2{font-size:14px;margin:0 0 6px;font-weight:600}
.legend{font-size:11px;color:#ccc;margin-top:4px;line-height:17px}
.item{margin-right:12px;white-space:nowrap}.item i{display:inline-block;width:12px;height:3px;margin-right:4px;vertical-align:middle}
</style></head><body><h1>${escape(title)}</h1><p class="sub">${escape(
    subtitle,
  )}</p><div class="grid">${cells}</div></body></html>`;
}

/** Screenshots a static page with Debian's Chromium; false without one. */
export function screenshot(
  htmlFile: string,
  pngFile: string,
  size: { width: number; height: number },
): boolean {
  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(chromium)) return false;
  const result = spawnSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--hide-scrollbars',
      `--window-size=${size.width},${size.height}`,
      `--screenshot=${pngFile}`,
      `file://${htmlFile}`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return result.status === 0 && fs.existsSync(pngFile);
}
