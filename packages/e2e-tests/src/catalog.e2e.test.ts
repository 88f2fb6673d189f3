import fs from 'node:fs';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { APP_URL, launchBrowser, screenshot, signIn } from './browser';

jest.setTimeout(120_000);

const TENANTS = ['Acme Analytics', 'Globex Retail', 'Initech Labs'];

describe('demo portal', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
    });
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
  });

  it('offers guest and the demo users on the sign-in page', async () => {
    await page.goto(APP_URL);
    for (const name of ['guest', 'alice', 'bob', 'carol', 'erin', 'dave']) {
      await page
        .getByRole('button', { name: `Sign in as ${name}`, exact: true })
        .waitFor();
    }
    const file = await screenshot(page, 'sign-in');
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  });

  it('signs in as a tenant member and finds the three tenants in the catalog', async () => {
    await signIn(page, 'carol');
    await page.goto(
      `${APP_URL}/?filters%5Bkind%5D=group&filters%5Buser%5D=all`,
    );
    const table = page.getByRole('table');
    for (const tenant of TENANTS) {
      await table.getByRole('link', { name: tenant }).waitFor();
    }
    expect(
      await table.getByRole('link', { name: /Acme|Globex|Initech/ }).count(),
    ).toBe(3);
    await screenshot(page, 'catalog-tenants');

    // The settings page shows who is signed in: carol, in both her tenants.
    await page.goto(`${APP_URL}/settings`);
    await page.getByText('Ownership Entities').waitFor();
    const identityCard = page;
    await identityCard
      .getByRole('link', { name: 'Carol Chen' })
      .first()
      .waitFor();
    await identityCard.getByRole('link', { name: 'Acme Analytics' }).waitFor();
    await identityCard.getByRole('link', { name: 'Initech Labs' }).waitFor();
    expect(
      await identityCard.getByRole('link', { name: 'Globex Retail' }).count(),
    ).toBe(0);
    await screenshot(page, 'settings-identity');
  });

  it('opens a tenant group page with its tenant annotation', async () => {
    await signIn(page, 'guest');
    await page.goto(`${APP_URL}/catalog/default/group/globex-retail`);
    await page.getByText('Globex Retail').first().waitFor();
    await page.getByText('bob', { exact: false }).first().waitFor();
    await screenshot(page, 'tenant-group');
    await expect(page.title()).resolves.toContain('Tenant Jobs');
  });
});
