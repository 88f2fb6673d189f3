/*
 * A tenant member launches a job from a software template in the browser:
 * the form offers her tenant, its plan's tiers and the job type's own
 * parameters; the task follows the job until it finished and links to it;
 * and the run is on the Jobs tab of the component it was launched for.
 * Screenshots: scaffolder-form.png and scaffolder-task.png in artifacts/e2e
 * (the ones in docs/screenshots/ are copies).
 */
import { Browser, BrowserContext, Page } from 'playwright-core';
import { APP_URL, launchBrowser, screenshot, signIn } from './browser';

jest.setTimeout(240_000);

const TEMPLATE = 'Build a billing report';
const COMPONENT = {
  title: 'Acme Warehouse ETL',
  path: '/catalog/default/component/acme-warehouse-etl',
};

describe('launching a tenant job from a template', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    context = await browser.newContext({
      viewport: { width: 1440, height: 1000 },
    });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it("fills in the form with the member's tenant, launches the job and finds it on the component's Jobs tab", async () => {
    await signIn(page, 'alice');

    // Create lists the Tenant Jobs templates.
    await page.goto(`${APP_URL}/create`);
    const card = page
      .locator('.MuiCard-root')
      .filter({ has: page.getByText(TEMPLATE, { exact: true }) });
    await card.getByRole('button', { name: 'Choose' }).click();

    // The TenantJobPicker field: alice's only tenant is chosen, with the
    // tiers of its plan and the billing report's own parameters.
    const tenant = page.locator('select#root_job-tenant');
    await tenant.waitFor({ timeout: 60_000 });
    await expect(tenant.locator('option:checked').textContent()).resolves.toBe(
      'Acme Analytics',
    );
    const tiers = await page
      .locator('select#root_job-tier option')
      .allTextContents();
    expect(tiers.map(t => t.split(':')[0])).toEqual([
      'Micro',
      'Small',
      'Medium',
      'Large',
    ]);
    await page.locator('#root_job-parameters-period').fill('2025-06');
    await page.getByRole('button', { name: 'Check with a dry run' }).click();
    await page.getByText(/checked by the (apiserver|plugin)/).waitFor();
    await screenshot(page, 'scaffolder-form');

    await page.getByRole('button', { name: 'Next' }).click();
    const component = page.getByRole('textbox', { name: 'Component' });
    await component.click();
    await page.getByRole('option', { name: COMPONENT.title }).click();
    await page.getByRole('button', { name: /^(Review|Next)$/ }).click();
    await page.getByRole('button', { name: 'Create' }).click();

    // The task waits for the job to finish and links to it.
    await page.getByText(/is Succeeded/).waitFor({ timeout: 180_000 });
    const summary = await page.getByText(/^Run [0-9a-f-]{36} is/).textContent();
    const runId = /Run ([0-9a-f-]{36})/.exec(summary ?? '')?.[1];
    expect(runId).toBeDefined();
    const jobLink = page.getByRole('link', { name: 'Open the job' });
    await expect(jobLink.getAttribute('href')).resolves.toContain(
      `/tenant-jobs?run=${runId}`,
    );
    await screenshot(page, 'scaffolder-task');

    // The run is on the Jobs tab of the component it was launched for.
    await page.goto(`${APP_URL}${COMPONENT.path}/tenant-jobs`);
    const runLink = page.locator(`a[href*="run=${runId}"]`).first();
    await runLink.waitFor({ timeout: 60_000 });
    await runLink.click();
    await page.getByText(runId!, { exact: false }).first().waitFor();
    await page.getByText('Succeeded').first().waitFor();
    await screenshot(page, 'scaffolder-run-on-jobs-tab');
  });
});
