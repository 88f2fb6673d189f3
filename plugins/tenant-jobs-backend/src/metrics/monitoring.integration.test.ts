/*
 * The plugin's metrics as a platform team gets them: Debian's Prometheus
 * scrapes the backend (a Prometheus exporter registered in this process, as
 * the demo backend's instrumentation.js does) and evaluates
 * deploy/monitoring's rules, while runs succeed, fail, wait in a tenant's
 * queue and are refused on the local cluster. Every query of the Grafana
 * dashboard returns data and every metric of the README is exported.
 *
 * It leaves a sample of the scrape and a picture of the main panels in
 * artifacts/monitoring/ (and in docs/monitoring/ with
 * UPDATE_MONITORING_DOCS=1).
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import {
  REPO_ROOT,
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  testJobType,
  UserKey,
  waitFor,
} from '../__tests__/__testUtils__/harness';
import {
  PicturePanel,
  renderDashboardHtml,
  screenshot,
} from './__testUtils__/dashboardPicture';
import {
  DASHBOARD_FILE,
  dashboardQueries,
  expandDashboardQuery,
  readmeMetricNames,
  RULES_FILE,
} from './__testUtils__/monitoringFiles';
import {
  freePort,
  PrometheusServer,
  startPrometheus,
} from './__testUtils__/prometheusServer';
import {
  createTestMeter,
  installTestTracer,
  parseScrape,
  TestMeter,
  TestTracer,
} from './__testUtils__/telemetry';

jest.setTimeout(600_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const OK = 'mon-ok';
const FAIL = 'mon-fail';
const LONG = 'mon-long';
const FINAL = ['Succeeded', 'Failed', 'Cancelled'];
const SCRAPE_SECONDS = 2;
/** Grafana's `$__rate_interval` and `$__range` for a run of minutes. */
const RATE_WINDOWS = { rate: '1m', range: '15m' };

/** The panels of the picture, by their title in the dashboard. */
const PICTURE_PANELS = [
  'Success rate by tenant vs objective',
  'Error budget burn rate by tenant (1h)',
  'p95 run duration by job type vs target',
  'Queue depth by tenant',
  'Queue wait by job type (p50, p95)',
  'Tracking lag by cluster (p50, p95, p99)',
  'Kubernetes API errors by verb, resource and error',
  'Submissions by outcome',
];

describe('metrics scraped by Prometheus while jobs run on the local cluster', () => {
  let meter: TestMeter;
  let tracer: TestTracer;
  let prometheus: PrometheusServer;
  let env: TenantJobsTestEnv;
  let metricsUrl: string;
  let startedAt: number;

  beforeAll(async () => {
    // Registered before the plugin starts: Backstage's metrics service
    // takes its meter from the global provider.
    const metricsPort = await freePort();
    meter = await createTestMeter({ port: metricsPort, global: true });
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    tracer = installTestTracer();
    prometheus = await startPrometheus({
      target: `127.0.0.1:${metricsPort}`,
      ruleFiles: [RULES_FILE],
      scrapeIntervalSeconds: SCRAPE_SECONDS,
    });
    startedAt = Math.floor(Date.now() / 1000);
    env = await startTenantJobsTestBackend({
      databases,
      // mallory is the platform team, who reads the health details.
      adminGroups: ['outsiders'],
      jobTypes: [
        testJobType(OK, { simulate: 'duration=3s' }),
        testJobType(FAIL, { simulate: 'fail=1,duration=2s' }),
        testJobType(LONG, { simulate: 'duration=600s' }),
      ],
      // Tenant a runs two at once, so more of its runs wait in its queue.
      plans: {
        gold: { maxConcurrentJobs: 2 },
        basic: {
          allowedJobTypes: undefined,
          // Finished Jobs count until their TTL: room for a few minutes.
          quota: { cpu: '4', memory: '8Gi', pods: 10, jobs: 300 },
        },
      },
      config: {
        tracking: { reconcileIntervalSeconds: 5 },
        monitoring: { durationTargetSeconds: { [OK]: 4, [FAIL]: 3 } },
      },
    });
  });

  afterAll(async () => {
    await env?.stop();
    await prometheus?.stop();
    await meter?.shutdown();
    await tracer?.uninstall();
  });

  const post = (user: UserKey | undefined, urlPath: string, body?: object) => {
    const req = request(env.server).post(`/api/tenant-jobs${urlPath}`);
    if (user) req.set('Authorization', env.as(user));
    return body ? req.send(body) : req;
  };

  async function submit(
    user: UserKey,
    tenant: 'a' | 'b',
    jobType: string,
    extra: object = {},
  ): Promise<TenantJobRun> {
    const res = await post(user, '/runs', {
      tenantId: env.org.tenants[tenant],
      jobType,
      parameters: {},
      ...extra,
    });
    expect({ status: res.status, error: res.body.error }).toMatchObject({
      status: expect.any(Number),
      error: undefined,
    });
    return res.body;
  }

  async function runs(user: UserKey, tenant: 'a' | 'b') {
    const res = await request(env.server)
      .get(
        `/api/tenant-jobs/runs?tenantId=${env.org.tenants[tenant]}&limit=200`,
      )
      .set('Authorization', env.as(user));
    return res.body.items as TenantJobRun[];
  }

  it('exports every metric of the README and answers every dashboard query', async () => {
    const { tenants } = env.org;

    // Tenant a: two long runs hold its slots, the next ones queue.
    await submit('alice', 'a', LONG);
    await submit('alice', 'a', LONG);
    const queued = await submit('alice', 'a', OK);
    await submit('alice', 'a', OK, { idempotencyKey: 'mon-key' });
    await submit('alice', 'a', OK, { idempotencyKey: 'mon-key' }); // replayed
    await submit('alice', 'a', OK, { priority: 'high' });
    await submit('alice', 'a', OK, { dryRun: true });
    expect(queued.status).toBe('Queued');
    // Tenant b: runs that succeed and runs that fail, a few seconds apart
    // so that Prometheus sees the counters rise between scrapes (a rate
    // needs two samples of a series).
    const failed = await submit('bob', 'b', FAIL);
    for (let i = 0; i < 5; i++) {
      await submit('bob', 'b', OK);
      await new Promise(resolve => setTimeout(resolve, SCRAPE_SECONDS * 1500));
    }
    await submit('bob', 'b', FAIL);

    // Refusals, each with its reason.
    expect(
      (
        await post('bob', '/runs', {
          tenantId: tenants.a,
          jobType: OK,
          parameters: {},
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await post('alice', '/runs', {
          tenantId: tenants.a,
          jobType: 'no-such-type',
          parameters: {},
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await post('bob', '/runs', {
          tenantId: tenants.b,
          jobType: OK,
          parameters: {},
          priority: 'critical',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await post(undefined, '/runs', {
          tenantId: tenants.b,
          jobType: OK,
          parameters: {},
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await request(env.server)
          .post('/api/tenant-jobs/runs')
          .set('Authorization', env.as('bob'))
          .set('Content-Type', 'application/json')
          .send('{"tenantId": ')
      ).status,
    ).toBe(400);

    // b's runs finish; a keeps runs running and queued.
    await waitFor(
      "tenant b's runs to finish",
      async () => {
        const items = await runs('bob', 'b');
        return items.length >= 7 && items.every(r => FINAL.includes(r.status));
      },
      180_000,
    );
    const retried = await post('bob', `/runs/${failed.id}/retry`);
    expect(retried.status).toBe(201);
    const cancelled = await post('alice', `/runs/${queued.id}/cancel`);
    expect(cancelled.body.status).toBe('Cancelled');
    await waitFor('the retry to finish', async () => {
      const items = await runs('bob', 'b');
      return items.every(r => FINAL.includes(r.status));
    });
    if (process.env.UPDATE_MONITORING_DOCS === '1') {
      // For the picture: a few minutes of steady work, one run in ten
      // failing, the odd refusal and dry run.
      const until = Date.now() + 180_000;
      for (let i = 0; Date.now() < until; i++) {
        await submit('bob', 'b', i % 10 === 9 ? FAIL : OK);
        if (i % 4 === 1) {
          // Tenant c never ran a job: its dry runs find no namespace (404).
          await post('carol', '/runs', {
            tenantId: tenants.c,
            jobType: OK,
            parameters: {},
            dryRun: true,
          });
        }
        if (i % 7 === 3) {
          await post('bob', '/runs', {
            tenantId: tenants.a,
            jobType: OK,
            parameters: {},
          });
        }
        await new Promise(resolve => setTimeout(resolve, 3000));
      }
      await waitFor("tenant b's runs to finish", async () =>
        (await runs('bob', 'b')).every(r => FINAL.includes(r.status)),
      );
    }
    await waitFor('tenant a to have runs running and queued', async () => {
      const statuses = (await runs('alice', 'a')).map(r => r.status);
      return statuses.includes('Running') && statuses.includes('Queued');
    });
    // A few scrapes and rule evaluations of the state now.
    await new Promise(resolve => setTimeout(resolve, SCRAPE_SECONDS * 4000));
    const endedAt = Math.floor(Date.now() / 1000);

    // The exporter serves every metric the README names.
    const scrape = await (await fetch(metricsUrl)).text();
    const samples = parseScrape(scrape);
    const served = new Set(samples.map(s => s.name));
    const documented = readmeMetricNames();
    expect(documented.length).toBeGreaterThanOrEqual(16);
    const missing = documented.filter(
      name => !served.has(name) && !served.has(`${name}_bucket`),
    );
    expect(missing).toEqual([]);

    // Prometheus has scraped them all.
    const stored = new Set(
      (
        await prometheus.query(
          'count by (__name__) ({__name__=~"tenant_jobs_.+"})',
        )
      ).map(r => r.metric.__name__),
    );
    expect(
      documented.filter(
        name => !stored.has(name) && !stored.has(`${name}_bucket`),
      ),
    ).toEqual([]);

    // Every query of the dashboard returns data.
    const range = { start: startedAt, end: endedAt, step: SCRAPE_SECONDS };
    const empty: string[] = [];
    for (const { panel, expr } of dashboardQueries()) {
      const result = await prometheus.queryRange(
        expandDashboardQuery(expr, RATE_WINDOWS),
        range,
      );
      const hasValue = result.some(r =>
        (r.values ?? []).some(([, v]) => Number.isFinite(Number(v))),
      );
      if (!hasValue) empty.push(`${panel}: ${expr}`);
    }
    expect(empty).toEqual([]);

    // The rules evaluate without errors.
    const rules = await prometheus.rules();
    expect(rules.length).toBeGreaterThanOrEqual(16);
    expect(rules.filter(r => r.health !== 'ok')).toEqual([]);

    // Refusals carry their reasons, bounded labels only.
    const reasons = new Set(
      samples
        .filter(s => s.name === 'tenant_jobs_submissions_total')
        .map(s => `${s.labels.outcome}/${s.labels.reason}`),
    );
    for (const expected of [
      'created/none',
      'replayed/none',
      'dry_run/none',
      'refused/not_a_member',
      'refused/job_type_not_allowed',
      'refused/priority_not_allowed',
      'refused/unauthenticated',
      'refused/invalid_request',
    ]) {
      expect(reasons).toContain(expected);
    }
    const finished = samples.filter(
      s => s.name === 'tenant_jobs_runs_finished_total',
    );
    expect(finished.map(s => `${s.labels.tenant}/${s.labels.status}`)).toEqual(
      expect.arrayContaining([
        `${tenants.b}/Succeeded`,
        `${tenants.b}/Failed`,
        `${tenants.a}/Cancelled`,
      ]),
    );

    // Readiness: the cluster answers and both watches keep up. Without
    // credentials, only that; the details to the platform team (here the
    // test policy allows tenant provisioning to every signed-in user).
    const anonymous = await request(env.server).get('/api/tenant-jobs/health');
    expect({ status: anonymous.status, body: anonymous.body }).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
    const health = await request(env.server)
      .get('/api/tenant-jobs/health')
      .set('Authorization', env.as('mallory'));
    expect(health.status).toBe(200);
    expect(health.body.clusters[0]).toMatchObject({
      cluster: 'local',
      reachable: true,
      watches: [
        expect.objectContaining({
          resource: 'jobs',
          synced: true,
          stalled: false,
        }),
        expect.objectContaining({
          resource: 'pods',
          synced: true,
          stalled: false,
        }),
      ],
    });

    // Spans: submit, admission, every Kubernetes call, tracking, reconcile.
    const spans = tracer.spans.getFinishedSpans();
    const names = new Set(spans.map(s => s.name));
    for (const name of [
      'tenant-jobs submit',
      'tenant-jobs retry',
      'tenant-jobs admission',
      'tenant-jobs tracking update',
      'tenant-jobs reconcile',
      'kubernetes create jobs',
    ]) {
      expect(names).toContain(name);
    }
    const create = spans.find(s => s.name === 'kubernetes create jobs')!;
    const admission = spans.find(s => s.name === 'tenant-jobs admission')!;
    expect(admission.attributes['tenant_jobs.tenant']).toBe(tenants.a);
    expect(create.attributes['http.response.status_code']).toBe(201);

    // The sample and the picture.
    const out = path.join(REPO_ROOT, 'artifacts/monitoring');
    fs.mkdirSync(out, { recursive: true });
    const sample = [
      `# A scrape of the Tenant Jobs backend's metrics (the tenant_jobs_* families), taken by`,
      `# src/metrics/monitoring.integration.test.ts while runs succeeded, failed, waited in`,
      `# tenant ${tenants.a}'s queue and were refused on the local cluster.`,
      ...scrape
        .split('\n')
        .filter(line => /^(# (HELP|TYPE|UNIT) )?tenant_jobs_/.test(line)),
      '',
    ].join('\n');
    fs.writeFileSync(path.join(out, 'scrape-sample.txt'), sample);
    const dashboard = JSON.parse(fs.readFileSync(DASHBOARD_FILE, 'utf8'));
    // The job types of this test only: the built-in types' targets are
    // hours and would flatten the chart.
    const panels: PicturePanel[] = [];
    for (const title of PICTURE_PANELS) {
      const panel = dashboard.panels.find(
        (p: { title: string }) => p.title === title,
      );
      const queries = [];
      for (const t of panel.targets as Array<{
        expr: string;
        legendFormat: string;
      }>) {
        const expr = expandDashboardQuery(
          t.expr.replace(/\$job_type\b/g, `${OK}|${FAIL}`),
          RATE_WINDOWS,
        );
        queries.push({
          legend: t.legendFormat,
          result: await prometheus.queryRange(expr, range),
        });
      }
      panels.push({ title, unit: panel.fieldConfig.defaults.unit, queries });
    }
    const html = path.join(out, 'dashboard.html');
    fs.writeFileSync(
      html,
      renderDashboardHtml(
        'Tenant Jobs — main panels of deploy/monitoring/tenant-jobs-dashboard.json',
        `Drawn from Prometheus ${new Date(
          startedAt * 1000,
        ).toISOString()} to ${new Date(
          endedAt * 1000,
        ).toISOString()}, scraping the backend while runs of tenants ${
          tenants.a
        } and ${
          tenants.b
        } ran on the local cluster (rates over 1m windows; all tenants, the test's job types).`,
        panels,
      ),
    );
    const png = path.join(out, 'dashboard.png');
    const pictured = screenshot(html, png, { width: 1460, height: 1240 });
    if (process.env.UPDATE_MONITORING_DOCS === '1') {
      const docs = path.join(REPO_ROOT, 'docs/monitoring');
      fs.mkdirSync(docs, { recursive: true });
      fs.copyFileSync(
        path.join(out, 'scrape-sample.txt'),
        path.join(docs, 'scrape-sample.txt'),
      );
      if (pictured) fs.copyFileSync(png, path.join(docs, 'dashboard.png'));
    }
  });
});
