import { ConsoleMessage, Page } from 'playwright-core';

/** A console error or uncaught exception of a page, with where it came from. */
export interface PageError {
  text: string;
  /** The component stack React adds to its warnings, or the script's url. */
  source: string;
}

/**
 * Development-mode warnings React prints through console.error for
 * Backstage's and Material UI's own components. They are not errors of
 * the page: React's `Warning:` messages whose component stack does not
 * run through this project's plugins, and `findDOMNode`, which Material UI
 * 4 (Backstage's component library) triggers under React's StrictMode on
 * every page with a button or a dialog.
 */
export function isFrameworkWarning(error: PageError): boolean {
  if (!error.text.startsWith('Warning:')) return false;
  if (error.text.includes('findDOMNode is deprecated')) return true;
  return !/plugins\/tenant-jobs\//.test(error.source);
}

async function describe(message: ConsoleMessage): Promise<PageError> {
  const args = await Promise.all(
    message.args().map(arg => arg.jsonValue().catch(() => '')),
  );
  const [format, ...rest] = args.map(String);
  return {
    text: format ?? message.text(),
    source: rest.join(' ') || message.location().url,
  };
}

/**
 * Collects a page's console errors and uncaught exceptions, leaving out
 * framework warnings (see {@link isFrameworkWarning}) and, when given,
 * failed requests the test expects (e.g. a 404 it provokes).
 */
export function collectPageErrors(
  page: Page,
  options: { expectedFailedRequests?: RegExp } = {},
): PageError[] {
  const errors: PageError[] = [];
  page.on('console', async message => {
    if (message.type() !== 'error') return;
    const error = await describe(message);
    if (isFrameworkWarning(error)) return;
    if (
      options.expectedFailedRequests &&
      error.text.startsWith('Failed to load resource') &&
      options.expectedFailedRequests.test(message.location().url)
    ) {
      return;
    }
    errors.push(error);
  });
  page.on('pageerror', error =>
    errors.push({ text: error.message, source: error.stack ?? '' }),
  );
  return errors;
}
