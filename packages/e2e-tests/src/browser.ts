import fs from 'node:fs';
import path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

/** Where the portal under test answers; the e2e driver starts it. */
export const APP_URL = process.env.E2E_APP_URL ?? 'http://localhost:3000';

/** Screenshots land here (git-ignored). */
export const ARTIFACTS_DIR = path.resolve(
  // A test package, run from source and never bundled.
  // eslint-disable-next-line no-restricted-syntax
  __dirname,
  '../../../artifacts/e2e',
);

/** Debian's Chromium, headless, without a browser download. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Saves a screenshot of the whole page, or of the viewport (dialogs). */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
  return file;
}

/** Signs in through the demo sign-in page as a demo user or as guest. */
export async function signIn(page: Page, user: string | 'guest') {
  await page.goto(APP_URL);
  await page
    .getByRole('button', { name: `Sign in as ${user}`, exact: true })
    .click();
  // Signed in: the portal's sidebar replaces the sign-in page.
  await page.getByRole('link', { name: 'Settings' }).waitFor();
}
