/*
 * Schedules, backups, the platform view, the audit trail and usage in the
 * portal, on the full stack (app, backend, local cluster):
 *
 * - alice schedules a data ETL from the launch dialog, sees its next start
 *   times, runs it now and finds the run by the schedule's filter; pauses
 *   it, downloads acme-analytics' configuration, deletes the schedule and
 *   restores it from the file after a preview;
 * - carol uploads that file into her other tenant, initech-labs: the
 *   preview says why it is refused, and nothing is created;
 * - bob sees none of it;
 * - dave, of the platform team and no tenant, sees every tenant with its
 *   usage, cancels a run of acme-analytics, finds the cancel (as an admin)
 *   in the Audit tab and in its CSV export.
 *
 * Axe checks each new view; no page logs an error. Screenshots:
 * tenant-jobs-schedule-form, -schedules, -platform, -audit, -usage (.png)
 * in artifacts/e2e, copied to docs/screenshots/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { seriousViolations } from './__testUtils__/accessibility';
import {
  APP_URL,
  ARTIFACTS_DIR,
  launchBrowser,
  screenshot,
  signIn,
} from './browser';
import { collectPageErrors, PageError } from './consoleErrors';

jest.setTimeout(300_000);

const PAGE_URL = `${APP_URL}/tenant-jobs`;
const CRON = '30 2 * * 1-5';

type Session = { context: BrowserContext; page: Page; errors: PageError[] };

async function session(
  browser: Browser,
  user: string,
  options: { expectedFailedRequests?: RegExp } = {},
): Promise<Session> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1000 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors = collectPageErrors(page, options);
  await signIn(page, user);
  return { context, page, errors };
}

/** Opens a tab of the Tenant Jobs page by its name. */
async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name, exact: true }).click({ timeout: 60_000 });
}

/** The id of the run a notice or link in `scope` points to. */
async function runIdOf(link: ReturnType<Page['locator']>): Promise<string> {
  await link.waitFor({ timeout: 60_000 });
  const href = (await link.getAttribute('href')) ?? '';
  const id = new URL(href, APP_URL).searchParams.get('run');
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return id!;
}

/** Saves the download `click` starts; its path and text. */
async function download(page: Page, click: () => Promise<void>, name: string) {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    click(),
  ]);
  const target = path.join(ARTIFACTS_DIR, name);
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await file.saveAs(target);
  return {
    path: target,
    suggested: file.suggestedFilename(),
    text: fs.readFileSync(target, 'utf8'),
  };
}

/** One CSV line's fields (RFC 4180 quoting). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

describe('Schedules, backups, the platform view, audit and usage in the portal', () => {
  let browser: Browser;
  let alice: Session;
  /** What alice made: the schedule (as restored) and two runs. */
  let scheduleLabel = '';
  let scheduledRunId = '';
  let waitingRunId = '';
  let configurationFile = '';

  beforeAll(async () => {
    browser = await launchBrowser();
    alice = await session(browser, 'alice');
  });
  afterAll(async () => {
    // The restored schedule must not outlive the suite.
    try {
      const page = alice.page;
      await page.goto(`${PAGE_URL}?view=schedules`);
      const rows = page.locator('tr[data-schedule-id]');
      await rows.first().waitFor({ timeout: 30_000 });
      for (const button of await page
        .getByRole('button', { name: /^Delete schedule / })
        .all()) {
        await button.click();
        await page
          .getByRole('dialog')
          .getByRole('button', { name: 'Delete schedule' })
          .click();
        await page.getByRole('dialog').waitFor({ state: 'detached' });
      }
    } catch {
      // Nothing left, or the portal is gone.
    }
    await alice?.context.close();
    await browser?.close();
  });

  it('alice schedules a data ETL from the launch dialog and sees its next starts', async () => {
    const { page } = alice;
    await page.goto(PAGE_URL);
    await page
      .getByRole('button', { name: 'Launch a job' })
      .click({ timeout: 60_000 });
    const dialog = page.getByRole('dialog', { name: 'Launch a job' });
    await dialog.getByText(/^Parameters of /).waitFor({ timeout: 60_000 });
    await dialog.getByRole('radio', { name: 'Run on a schedule' }).check();
    await dialog.getByLabel('Job type').click();
    await page.getByRole('option', { name: 'Data ETL', exact: true }).click();
    await dialog.getByText('Parameters of Data ETL').waitFor();
    await dialog.locator('#root_source').fill('events-db');
    await dialog.locator('#root_destination').fill('warehouse');
    await dialog.locator('#launch-cron').fill(CRON);
    await dialog.locator('#launch-time-zone').fill('Europe/Berlin');
    // The cron in words, as it is typed.
    await dialog.getByText(/At 02:30 on Monday to Friday/).waitFor();
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    await dialog.getByTestId('dry-run-verdict').waitFor({ timeout: 60_000 });
    await screenshot(page, 'tenant-jobs-schedule-form', { fullPage: false });
    expect(await seriousViolations(page, '[role="dialog"]')).toEqual([]);
    await dialog.getByRole('button', { name: 'Create schedule' }).click();

    // The new schedule opens the Schedules & triggers tab.
    const row = page.locator('tr[data-schedule-id]').first();
    await row.waitFor({ timeout: 60_000 });
    await expect(row.textContent()).resolves.toContain(CRON);
    await expect(row.textContent()).resolves.toContain('Europe/Berlin');
    // The schedule's name, as its buttons say it.
    const runNow = row.getByRole('button', { name: /^Run now: schedule / });
    const label = (await runNow.getAttribute('aria-label'))!.replace(
      'Run now: schedule ',
      '',
    );
    expect(label).toMatch(/^Data ETL #/);
    scheduleLabel = label;
    const starts = page.getByRole('list', { name: `Next starts of ${label}` });
    await expect(starts.locator('li').count()).resolves.toBe(3);
    await screenshot(page, 'tenant-jobs-schedules');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('alice runs it now and finds the run by the schedule', async () => {
    const { page } = alice;
    await page
      .getByRole('button', { name: `Run now: schedule ${scheduleLabel}` })
      .click();
    scheduledRunId = await runIdOf(
      page.locator('[role="status"] a[href*="run="]').first(),
    );
    await page
      .getByRole('button', { name: `Show runs of schedule ${scheduleLabel}` })
      .click();
    // The Runs tab, filtered by the schedule.
    await page
      .locator(`tr[data-run-id="${scheduledRunId}"]`)
      .waitFor({ timeout: 60_000 });
    await expect(page.locator('tr[data-run-id]').count()).resolves.toBe(1);
    expect(new URL(page.url()).searchParams.get('view')).toBe('runs');
  });

  it('alice pauses it, downloads the configuration, deletes the schedule and restores it after a preview', async () => {
    const { page } = alice;
    await openTab(page, 'Schedules & triggers');
    await page
      .getByRole('button', { name: `Pause schedule ${scheduleLabel}` })
      .click({ timeout: 60_000 });
    await page
      .getByRole('button', { name: `Resume schedule ${scheduleLabel}` })
      .waitFor({ timeout: 60_000 });
    await expect(
      page.locator('tr[data-schedule-id]').first().textContent(),
    ).resolves.toContain('Paused');

    const saved = await download(
      page,
      () =>
        page.getByRole('button', { name: 'Download configuration' }).click(),
      'acme-analytics-tenant-jobs.yaml',
    );
    expect(saved.suggested).toBe('acme-analytics-tenant-jobs.yaml');
    expect(saved.text).toContain('kind: TenantJobsConfiguration');
    expect(saved.text).toContain(`cron: ${CRON}`);
    expect(saved.text).toContain('paused: true');
    configurationFile = saved.path;

    await page
      .getByRole('button', { name: `Delete schedule ${scheduleLabel}` })
      .click();
    const confirm = page.getByRole('dialog', {
      name: `Delete schedule ${scheduleLabel}?`,
    });
    await confirm.getByRole('button', { name: 'Delete schedule' }).click();
    await page
      .getByText('No schedules yet')
      .first()
      .waitFor({ timeout: 60_000 });

    await page
      .locator('input[aria-label="Configuration file to restore"]')
      .setInputFiles(configurationFile);
    const preview = page.getByRole('dialog');
    const toCreate = preview.getByRole('list', { name: 'Schedules to create' });
    await toCreate.waitFor({ timeout: 60_000 });
    await expect(toCreate.textContent()).resolves.toContain(
      'At 02:30 on Monday to Friday (Europe/Berlin), paused',
    );
    // Nothing is created before Import.
    await expect(page.locator('tr[data-schedule-id]').count()).resolves.toBe(0);
    await preview.getByRole('button', { name: 'Import' }).click();
    const restored = page.locator('tr[data-schedule-id]').first();
    await restored.waitFor({ timeout: 60_000 });
    await expect(restored.textContent()).resolves.toContain(CRON);
    await expect(restored.textContent()).resolves.toContain('Paused');
  });

  it('alice launches a run no node can take, for the platform team to cancel', async () => {
    const { page } = alice;
    await page.goto(PAGE_URL);
    await page
      .getByRole('button', { name: 'Launch a job' })
      .click({ timeout: 60_000 });
    const dialog = page.getByRole('dialog', { name: 'Launch a job' });
    await dialog.getByText(/^Parameters of /).waitFor({ timeout: 60_000 });
    await dialog.getByLabel('Job type').click();
    await page
      .getByRole('option', { name: 'ML training (H100 pool)', exact: true })
      .click();
    await dialog.locator('#root_model').fill('recommender-v4');
    await dialog.locator('#root_dataset').fill('listening-history-2026');
    await dialog.getByRole('button', { name: 'Launch', exact: true }).click();
    waitingRunId = await runIdOf(
      page.locator('[role="status"] a[href*="run="]').first(),
    );
    expect(alice.errors).toEqual([]);
  });

  it("carol's upload of acme-analytics' file into initech-labs is refused by its preview, creating nothing", async () => {
    const carol = await session(browser, 'carol');
    try {
      const { page } = carol;
      await page.goto(`${PAGE_URL}?view=schedules`);
      const backup = page
        .locator('div')
        .filter({ hasText: /^Backup and restore/ })
        .first();
      await backup.waitFor({ timeout: 60_000 });
      // carol is in acme-analytics and initech-labs: she picks the target.
      await page.locator('#configuration-tenant').click();
      await page.getByRole('option', { name: /Initech Labs/ }).click();
      await page
        .locator('input[aria-label="Configuration file to restore"]')
        .setInputFiles(configurationFile);
      const preview = page.getByRole('dialog');
      const refused = preview.getByRole('list', {
        name: 'Why the file is refused',
      });
      await refused.waitFor({ timeout: 60_000 });
      await expect(refused.textContent()).resolves.toContain(
        "the document is for 'acme-analytics', not 'initech-labs'",
      );
      await expect(
        preview.getByRole('button', { name: 'Import' }).isDisabled(),
      ).resolves.toBe(true);
      await preview.getByRole('button', { name: 'Cancel' }).click();
      // Only acme-analytics' schedule, none of initech-labs.
      const tenants = await page
        .locator('tr[data-schedule-id]')
        .allTextContents();
      expect(tenants.every(text => !text.includes('initech-labs'))).toBe(true);
      expect(carol.errors).toEqual([]);
    } finally {
      await carol.context.close();
    }
  });

  it('bob sees none of it', async () => {
    const bob = await session(browser, 'bob');
    try {
      const { page } = bob;
      await page.goto(`${PAGE_URL}?view=schedules`);
      await page
        .getByText('No schedules yet')
        .first()
        .waitFor({ timeout: 60_000 });
      await expect(page.locator('tr[data-schedule-id]').count()).resolves.toBe(
        0,
      );
      await openTab(page, 'Runs');
      await page
        .getByText(/Runs 1–|No runs match/)
        .first()
        .waitFor({ timeout: 60_000 });
      for (const id of [scheduledRunId, waitingRunId]) {
        await expect(
          page.locator(`tr[data-run-id="${id}"]`).count(),
        ).resolves.toBe(0);
      }
      await expect(
        page.getByRole('tab', { name: 'Platform' }).count(),
      ).resolves.toBe(0);
      expect(bob.errors).toEqual([]);
    } finally {
      await bob.context.close();
    }
  });

  it('dave sees every tenant with its usage, cancels a run of acme-analytics and finds it in the audit trail and its CSV', async () => {
    const dave = await session(browser, 'dave');
    try {
      const { page } = dave;
      await page.goto(PAGE_URL);
      // The platform team's member of no tenant starts on the Platform tab.
      const tenants = page.getByRole('table', { name: 'Every tenant' });
      await tenants.locator('tbody tr').first().waitFor({ timeout: 60_000 });
      const rows = await tenants.locator('tbody tr').allTextContents();
      for (const id of ['acme-analytics', 'globex-retail', 'initech-labs']) {
        expect(rows.some(row => row.includes(id))).toBe(true);
      }
      const acme = rows.find(row => row.includes('acme-analytics'))!;
      expect(acme).toMatch(/core-hours/);
      await page
        .getByRole('table', { name: 'Health of the clusters' })
        .getByText('local', { exact: true })
        .waitFor({ timeout: 60_000 });
      const waiting = page.locator(`tr[data-run-id="${waitingRunId}"]`);
      await waiting.waitFor({ timeout: 60_000 });
      await screenshot(page, 'tenant-jobs-platform');
      expect(await seriousViolations(page)).toEqual([]);

      await waiting.locator('a').first().click();
      await page.getByTestId('run-detail').waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'Cancel run' }).click();
      await page
        .getByRole('dialog', { name: /^Cancel ML training \(H100 pool\) #/ })
        .getByRole('button', { name: 'Cancel run' })
        .click();
      await page
        .getByTestId('run-detail-status')
        .getByText('Cancelled')
        .waitFor({ timeout: 60_000 });

      await page.goto(`${PAGE_URL}?view=audit`);
      const audit = page.getByRole('table', { name: 'Audit events' });
      const cancel = audit
        .locator('tbody tr')
        .filter({ hasText: 'as admin' })
        .first();
      await cancel.waitFor({ timeout: 60_000 });
      await expect(cancel.textContent()).resolves.toContain('dave');
      await expect(cancel.textContent()).resolves.toContain('acme-analytics');
      await screenshot(page, 'tenant-jobs-audit');
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Export' }).click();
      const exportDialog = page.getByRole('dialog');
      const csv = await download(
        page,
        () => exportDialog.getByRole('button', { name: 'Download' }).click(),
        'tenant-jobs-audit.csv',
      );
      expect(csv.suggested).toMatch(/^tenant-jobs-audit-.*\.csv$/);
      const [header, ...lines] = csv.text.trim().split(/\r?\n/);
      const columns = csvFields(header);
      expect(columns).toEqual([
        'id',
        'at',
        'actor',
        'action',
        'tenantId',
        'runId',
        'outcome',
        'asAdmin',
        'detail',
      ]);
      const entries = lines.map(line =>
        Object.fromEntries(
          csvFields(line).map((value, i) => [columns[i], value]),
        ),
      );
      expect(entries).toContainEqual(
        expect.objectContaining({
          actor: 'user:default/dave',
          action: 'run-cancel',
          tenantId: 'acme-analytics',
          runId: waitingRunId,
          outcome: 'succeeded',
          asAdmin: 'true',
        }),
      );

      await page.goto(`${PAGE_URL}?view=usage`);
      const usage = page.getByRole('table', { name: /^Usage by / });
      await usage.locator('tbody tr').first().waitFor({ timeout: 60_000 });
      await expect(usage.textContent()).resolves.toContain('acme-analytics');
      await screenshot(page, 'tenant-jobs-usage');
      expect(await seriousViolations(page)).toEqual([]);
      expect(dave.errors).toEqual([]);
    } finally {
      await dave.context.close();
    }
  });

  it('logged no errors in the console', () => {
    expect(alice.errors).toEqual([]);
  });
});
