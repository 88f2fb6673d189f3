/*
 * `yarn bench:platform` (scripts/bench-platform.sh starts the demo with ten
 * tenants and 100000 finished runs, then runs this file): the first page
 * of the platform view as the platform team's dave sees it, timed in the
 * page with the Performance API, five times, each on a fresh load:
 *
 *  - open: navigation to /tenant-jobs?view=platform, from navigation start
 *    (performance.timeOrigin) to the first row of "Every tenant" and of
 *    "Runs of every tenant" in the DOM;
 *  - click: /tenant-jobs?view=runs loaded and settled, then from the click
 *    on the Platform tab (the click event's timeStamp) to the same rows;
 *
 * with the durations of GET /admin/tenants, /admin/clusters and /runs as
 * their PerformanceResourceTiming entries give them, and the same GETs
 * from Node without a browser. Prints each sample and the medians; writes
 * artifacts/bench/platform.json and platform-view-100k.png.
 * Not an e2e test (the e2e pattern is `.e2e.test.`): run it through
 * `yarn bench:platform`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { APP_URL, launchBrowser, signIn } from './browser';

jest.setTimeout(900_000);

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5);
const BACKEND_URL = process.env.BENCH_BACKEND_URL ?? 'http://localhost:7007';
const BENCH_DIR = path.resolve(
  // A test package, run from source and never bundled.
  // eslint-disable-next-line no-restricted-syntax
  __dirname,
  '../../../artifacts/bench',
);
const PANEL = '#tenant-jobs-view-platform';
const TENANT_ROW = `${PANEL} table[aria-label="Every tenant"] tbody tr[data-tenant-id]`;
const RUN_ROW = `${PANEL} table[aria-label="Runs of every tenant"] tbody tr[data-run-id]`;
/** The GETs of the platform view, by the path the resource entry names. */
const GETS = {
  'GET /admin/tenants': '/api/tenant-jobs/admin/tenants',
  'GET /admin/clusters': '/api/tenant-jobs/admin/clusters',
  'GET /runs': '/api/tenant-jobs/runs',
} as const;
type GetName = keyof typeof GETS;

/** One load of the view, in ms from its start (navigation or click). */
type Sample = {
  tenantRow: number;
  runRow: number;
  /** Each GET's first request after the start: its duration and its end. */
  gets: Record<GetName, { ms: number; endsAt: number; count: number } | null>;
  runsUrl?: string;
  /** Every request to the backend's /api/ after the start, in order. */
  api: Array<{ path: string; start: number; end: number }>;
};

declare global {
  interface Window {
    __tjBench?: {
      start: number;
      tenantRow?: number;
      runRow?: number;
      watch(start: number): void;
    };
  }
}

/**
 * Installed before the app's scripts on every load: a MutationObserver
 * that marks the first tenant row and the first run row of the platform
 * view (`performance.mark`), and a resource buffer large enough for the
 * dev server's many scripts.
 */
function installProbe(selectors: { tenantRow: string; runRow: string }) {
  performance.setResourceTimingBufferSize(10_000);
  const probe: NonNullable<Window['__tjBench']> = {
    start: 0,
    watch(start: number) {
      probe.start = start;
      probe.tenantRow = undefined;
      probe.runRow = undefined;
      check();
    },
  };
  function check() {
    if (
      probe.tenantRow === undefined &&
      document.querySelector(selectors.tenantRow)
    ) {
      probe.tenantRow = performance.mark('tj-bench:first-tenant-row').startTime;
    }
    if (
      probe.runRow === undefined &&
      document.querySelector(selectors.runRow)
    ) {
      probe.runRow = performance.mark('tj-bench:first-run-row').startTime;
    }
  }
  window.__tjBench = probe;
  new MutationObserver(check).observe(document, {
    childList: true,
    subtree: true,
  });
}

/** The view's GETs that started after `start`, from the resource entries. */
async function readGets(page: Page, start: number) {
  return page.evaluate(
    ({ from, gets }) => {
      const entries = performance
        .getEntriesByType('resource')
        .filter(e => e.startTime >= from) as PerformanceResourceTiming[];
      const result: Record<string, unknown> = {};
      let runsUrl: string | undefined;
      for (const [name, pathname] of Object.entries(gets)) {
        const matching = entries
          .filter(e => new URL(e.name).pathname === pathname)
          .sort((a, b) => a.startTime - b.startTime);
        const first = matching[0];
        result[name] = first
          ? {
              ms: first.duration,
              endsAt: first.responseEnd - from,
              count: matching.length,
            }
          : null;
        if (pathname.endsWith('/runs') && first) runsUrl = first.name;
      }
      const api = entries
        .filter(e => new URL(e.name).pathname.startsWith('/api/'))
        .sort((a, b) => a.startTime - b.startTime)
        .map(e => {
          const url = new URL(e.name);
          return {
            path: `${url.pathname}${url.search}`,
            start: e.startTime - from,
            end: e.responseEnd - from,
          };
        });
      return { gets: result, runsUrl, api };
    },
    { from: start, gets: GETS },
  ) as Promise<Pick<Sample, 'gets' | 'runsUrl' | 'api'>>;
}

async function waitForRows(page: Page) {
  await page.waitForFunction(
    () =>
      window.__tjBench?.tenantRow !== undefined &&
      window.__tjBench?.runRow !== undefined,
    undefined,
    { timeout: 120_000, polling: 100 },
  );
  return page.evaluate(() => ({
    tenantRow: window.__tjBench!.tenantRow! - window.__tjBench!.start,
    runRow: window.__tjBench!.runRow! - window.__tjBench!.start,
  }));
}

/** A fresh load of /tenant-jobs?view=platform, from navigation start. */
async function openSample(page: Page): Promise<Sample> {
  await page.goto(`${APP_URL}/tenant-jobs?view=platform`);
  // Navigation start is the page's time origin: 0.
  const rows = await waitForRows(page);
  await page.waitForTimeout(1_000); // the slower GETs end too
  return { ...rows, ...(await readGets(page, 0)) };
}

/** The Runs view loaded and settled, then a click on the Platform tab. */
async function clickSample(page: Page): Promise<Sample> {
  await page.goto(`${APP_URL}/tenant-jobs?view=runs`);
  await page
    .locator('#tenant-jobs-view-runs tbody tr[data-run-id]')
    .first()
    .waitFor({ timeout: 120_000 });
  await page.waitForTimeout(2_000);
  const tab = page.getByRole('tab', { name: 'Platform', exact: true });
  await page.evaluate(() => {
    document
      .getElementById('tenant-jobs-tab-platform')!
      .addEventListener(
        'click',
        event => window.__tjBench!.watch(event.timeStamp),
        { capture: true, once: true },
      );
  });
  await tab.click();
  const rows = await waitForRows(page);
  await page.waitForTimeout(1_000);
  const start = await page.evaluate(() => window.__tjBench!.start);
  return { ...rows, ...(await readGets(page, start)) };
}

function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const ms = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? '—' : `${Math.round(value)}`;

function table(title: string, samples: Sample[]): string[] {
  const columns: Array<[string, (s: Sample) => number | undefined]> = [
    ['first /api/ request starts', s => s.api[0]?.start],
    ['first tenant row', s => s.tenantRow],
    ['first run row', s => s.runRow],
    ...(Object.keys(GETS) as GetName[]).map(
      name =>
        [name, (s: Sample) => s.gets[name]?.ms] as [
          string,
          (s: Sample) => number | undefined,
        ],
    ),
  ];
  const lines = [
    `${title} (ms)`,
    `| sample | ${columns.map(([name]) => name).join(' | ')} |`,
    `|---|${columns.map(() => '---:').join('|')}|`,
    ...samples.map(
      (s, i) =>
        `| ${i + 1} | ${columns.map(([, get]) => ms(get(s))).join(' | ')} |`,
    ),
    `| **median** | ${columns
      .map(([, get]) => `**${ms(median(samples.map(s => get(s) ?? NaN)))}**`)
      .join(' | ')} |`,
  ];
  const repeats = (Object.keys(GETS) as GetName[])
    .map(
      name =>
        `${name} ×${Math.max(...samples.map(s => s.gets[name]?.count ?? 0))}`,
    )
    .join(', ');
  lines.push(`(requests per load, at most: ${repeats})`);
  return lines;
}

/** The requests to /api/ of the sample with the median first run row. */
function waterfall(title: string, samples: Sample[]): string[] {
  const mid = median(samples.map(s => s.runRow));
  const sample =
    samples.find(s => s.runRow === mid) ??
    [...samples].sort(
      (a, b) => Math.abs(a.runRow - mid) - Math.abs(b.runRow - mid),
    )[0];
  const lines = [
    `${title}: sample ${
      samples.indexOf(sample) + 1
    }, requests to /api/ (ms from the start; start → end, duration)`,
  ];
  for (const request of sample.api) {
    lines.push(
      `  ${ms(request.start).padStart(6)} → ${ms(request.end).padStart(
        6,
      )} (${ms(request.end - request.start).padStart(5)})  GET ${request.path}`,
    );
  }
  lines.push(
    `  ${ms(sample.tenantRow).padStart(6)}  first tenant row; ${ms(
      sample.runRow,
    )} first run row`,
  );
  return lines;
}

/** The same GETs from Node, with dave's token: the backend without a browser. */
async function backendAlone(runsUrl: string | undefined) {
  const refresh = await fetch(`${BACKEND_URL}/api/auth/demo/refresh`, {
    headers: { 'x-tenant-jobs-demo-user': 'dave' },
  });
  const token = (await refresh.json()).backstageIdentity.token as string;
  const urls: Record<string, string> = {
    'GET /admin/tenants': `${BACKEND_URL}${GETS['GET /admin/tenants']}`,
    'GET /admin/clusters': `${BACKEND_URL}${GETS['GET /admin/clusters']}`,
    'GET /runs': runsUrl
      ? `${BACKEND_URL}${new URL(runsUrl).pathname}${new URL(runsUrl).search}`
      : `${BACKEND_URL}${GETS['GET /runs']}?limit=20`,
  };
  const result: Record<string, number[]> = {};
  for (const [name, url] of Object.entries(urls)) {
    result[name] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const t0 = performance.now();
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      result[name].push(performance.now() - t0);
    }
  }
  return { urls, result };
}

function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model =
    /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model;
  return {
    nproc: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()),
    model,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    loadAverage: os.loadavg().map(l => Number(l.toFixed(2))),
    node: process.version,
  };
}

describe('platform view, 10 tenants and 100000 runs', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    context = await browser.newContext({
      viewport: { width: 1440, height: 1000 },
    });
    page = await context.newPage();
    await signIn(page, 'dave');
    await page.addInitScript(installProbe, {
      tenantRow: TENANT_ROW,
      runRow: RUN_ROW,
    });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('times the first page of the platform view', async () => {
    const atStart = machine();
    const open: Sample[] = [];
    const click: Sample[] = [];
    // Unmeasured: the dev server compiles each view's chunks when first asked.
    await openSample(page);
    await clickSample(page);
    for (let i = 0; i < SAMPLES; i++) {
      open.push(await openSample(page));
      click.push(await clickSample(page));
    }
    // Every tenant is listed, and its runs are counted this month.
    const tenants = await page.locator(TENANT_ROW).count();
    expect(tenants).toBe(Number(process.env.BENCH_TENANTS ?? 10));
    fs.mkdirSync(BENCH_DIR, { recursive: true });
    const shot = path.join(BENCH_DIR, 'platform-view-100k.png');
    await page.screenshot({ path: shot, fullPage: true });

    const alone = await backendAlone(open[0].runsUrl);
    const dbRuns = process.env.BENCH_DB_RUNS;
    const dbByTenant = process.env.BENCH_DB_RUNS_BY_TENANT;
    const lines = [
      '',
      `Platform view, ${tenants} tenants, ${
        dbRuns ?? '?'
      } runs in tenant_jobs_runs${dbByTenant ? ` (${dbByTenant})` : ''}`,
      `machine: ${atStart.nproc} CPUs (nproc), ${atStart.model}, ${
        atStart.memoryGiB
      } GiB, Node ${
        atStart.node
      }, load average at start ${atStart.loadAverage.join(' ')}`,
      `setup: ${process.env.BENCH_SETUP ?? 'a running demo'}`,
      '',
      ...table(
        'open: navigation to /tenant-jobs?view=platform, from navigation start',
        open,
      ),
      '',
      ...table(
        'click: on the Platform tab of a settled /tenant-jobs?view=runs, from the click',
        click,
      ),
      '',
      ...waterfall('open', open),
      '',
      ...waterfall('click', click),
      '',
      "backend alone: the same GETs from Node with dave's token (ms)",
      ...Object.entries(alone.result).map(
        ([name, values]) =>
          `  ${name}: median ${ms(median(values))}; samples ${values
            .map(v => ms(v))
            .join(', ')}`,
      ),
      `  (GET /runs as the page asks it: ${alone.urls['GET /runs'].replace(
        BACKEND_URL,
        '',
      )})`,
      `screenshot: ${path.relative(path.resolve(BENCH_DIR, '../..'), shot)}`,
      '',
    ];
    // eslint-disable-next-line no-console
    console.log(lines.join('\n'));
    fs.writeFileSync(
      path.join(BENCH_DIR, 'platform.json'),
      JSON.stringify(
        {
          at: new Date().toISOString(),
          machine: { ...atStart, loadAverageAtEnd: os.loadavg() },
          setup: process.env.BENCH_SETUP,
          tenants,
          dbRuns: dbRuns ? Number(dbRuns) : undefined,
          dbRunsByTenant: dbByTenant,
          open,
          click,
          backendAlone: alone,
        },
        null,
        2,
      ),
    );
    expect(open.every(s => s.runRow > 0 && s.tenantRow > 0)).toBe(true);
  });
});
