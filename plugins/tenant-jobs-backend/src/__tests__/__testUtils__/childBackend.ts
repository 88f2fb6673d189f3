/*
 * Runs a Tenant Jobs test backend in a child process (childBackendMain.ts,
 * through sucrase), so a test can kill it with SIGKILL as a crash would,
 * or run two of them on one database as two replicas would.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestBackendSettings } from './features';

/**
 * The database of a child backend, as knex connects to it: a SQLite file,
 * or a PostgreSQL database (which several children may share).
 */
export type ChildDatabase =
  | { client: 'better-sqlite3'; connection: { filename: string } }
  | { client: 'pg'; connection: Record<string, unknown> | string };

/** A running child backend. */
export type ChildBackend = {
  url: string;
  kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
};

/** Starts the child and resolves once it listens. */
export async function spawnChildBackend(
  settings: TestBackendSettings,
  database: ChildDatabase,
  settingsFile: string,
): Promise<ChildBackend> {
  // The ownership Map travels as entries.
  const json = JSON.stringify({
    settings: {
      ...settings,
      org: { ...settings.org, ownership: [...settings.org.ownership] },
    },
    database,
  });
  fs.writeFileSync(settingsFile, json, { mode: 0o600 });
  const sucrase = require.resolve('sucrase/register/ts');
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', sucrase, path.join(__dirname, 'childBackendMain.ts'), settingsFile],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'test' },
    },
  );
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  let output = '';
  child.stderr!.on('data', chunk => {
    output = (output + chunk).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Never left behind holding the database and the test's pipes.
      child.kill('SIGKILL');
      reject(new Error(`The child backend did not start: ${output}`));
    }, 120_000);
    child.stdout!.on('data', chunk => {
      output = (output + chunk).slice(-4000);
      const match = /tenant-jobs test backend listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`The child backend exited with ${code}: ${output}`));
    });
  });
  return {
    url,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
      }
      await exited;
    },
  };
}
