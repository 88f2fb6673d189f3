import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Browser } from 'playwright-core';
import { screenshot, signIn } from './browser';

/** The repository's root, where the Makefile is. */
export const REPO_ROOT = path.resolve(
  // A test package, run from source and never bundled.
  // eslint-disable-next-line no-restricted-syntax
  __dirname,
  '../../..',
);

/** How a terminal command runs. */
export type RunOptions = {
  /** Sees stdout as it comes (the sign-in prints an address to open). */
  onOutput?: (text: string) => void;
  /** Who runs it, for the transcript. */
  user?: string;
  /** Keep it out of the transcript (a token). */
  unrecorded?: boolean;
};

/** What a command printed and how it ended. */
export type Outcome = { code: number; stdout: string; stderr: string };

/**
 * A terminal of its own: a home for backstage-cli's sign-in (its config
 * and secrets under a temporary XDG directory), and a transcript of every
 * command with what it printed, for the record.
 */
export class Terminal {
  readonly home = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-jobs-cli-'));
  readonly transcript: string[] = [];

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      XDG_CONFIG_HOME: path.join(this.home, 'config'),
      XDG_DATA_HOME: path.join(this.home, 'data'),
      // Not make's own variables of the test runner
      MAKEFLAGS: '',
      MAKELEVEL: '',
    };
  }

  /**
   * Runs `command args` in the repository's root, to its end. `onOutput`
   * sees stdout as it comes (the sign-in prints an address to open).
   */
  run(
    command: string,
    args: string[],
    options: RunOptions = {},
  ): Promise<Outcome> {
    return this.start(command, args, options).done;
  }

  /** As `run`, with a way to stop the command early. */
  start(
    command: string,
    args: string[],
    options: RunOptions = {},
  ): { done: Promise<Outcome>; kill(): void } {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: this.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const done = new Promise<Outcome>((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', chunk => {
        stdout += chunk;
        options.onOutput?.(stdout);
      });
      child.stderr.on('data', chunk => {
        stderr += chunk;
      });
      child.on('error', reject);
      child.on('close', code => {
        const outcome = { code: code ?? -1, stdout, stderr };
        if (!options.unrecorded) {
          this.record(options.user, [command, ...args].join(' '), outcome);
        }
        resolve(outcome);
      });
    });
    return {
      done,
      kill: () => {
        // The whole group: make, yarn and the CLI below them
        if (child.pid && child.exitCode === null) {
          process.kill(-child.pid, 'SIGTERM');
        }
      },
    };
  }

  /** `make <args>`. */
  make(args: string[], user?: string): Promise<Outcome> {
    return this.run('make', args, { user });
  }

  private record(user: string | undefined, line: string, outcome: Outcome) {
    const output = `${outcome.stdout}${outcome.stderr}`
      .split('\n')
      .filter(text => text !== '' && !text.startsWith('➤'))
      .map(text => `  ${text}`)
      .join('\n');
    this.transcript.push(
      `${user ?? ''}$ ${line}\n${output}${
        outcome.code === 0 ? '' : `\n  (exit ${outcome.code})`
      }`,
    );
  }

  /**
   * `make login` as a demo user: the CLI prints the address of the
   * authorization page, the user (signed in to the portal) approves the
   * Backstage CLI there, and the CLI stores the token it is sent back.
   */
  async login(browser: Browser, user: string, shot?: string): Promise<Outcome> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    await signIn(page, user);
    let opened: (address: string) => void = () => {};
    const address = new Promise<string>(resolve => {
      opened = resolve;
    });
    const login = this.start('make', ['login', 'NO_BROWSER=true'], {
      user,
      onOutput: text => {
        const found = text.match(/Open this URL to continue: (\S+)/)?.[1];
        if (found) opened(found);
      },
    });
    try {
      const ended = login.done.then(outcome => {
        throw new Error(
          `make login ended (exit ${outcome.code}) before it printed an address to open: ${outcome.stdout}${outcome.stderr}`,
        );
      });
      const approved = Promise.race([address, ended]).then(async url => {
        await page.goto(url);
        const authorize = page.getByRole('button', { name: 'Authorize' });
        await authorize.waitFor({ timeout: 60_000 });
        if (shot) await screenshot(page, shot);
        await authorize.click();
        await page
          .getByText('You may now close this window.')
          .waitFor({ timeout: 60_000 });
      });
      const [outcome] = await Promise.all([login.done, approved]);
      return outcome;
    } finally {
      login.kill();
      await context.close();
    }
  }

  remove() {
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}
