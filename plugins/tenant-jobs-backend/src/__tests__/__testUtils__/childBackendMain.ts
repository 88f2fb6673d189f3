/*
 * The child-process side of childBackend.ts: a test backend on a SQLite
 * file with the settings the parent wrote. Prints its URL once listening.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import createKnex from 'knex';
import { tenantJobsTestFeatures, TestBackendSettings } from './features';

async function main() {
  const [settingsFile, dbFile] = process.argv.slice(2);
  const parsed = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
  const settings: TestBackendSettings = {
    ...parsed,
    org: { ...parsed.org, ownership: new Map(parsed.org.ownership) },
  };
  const knex = createKnex({
    client: 'better-sqlite3',
    connection: { filename: dbFile },
    useNullAsDefault: true,
  });
  const backend = await startTestBackend({
    features: [
      ...tenantJobsTestFeatures(settings),
      mockServices.database.factory({ knex }),
      mockServices.auditor.factory(),
    ],
  });
  process.stdout.write(
    `tenant-jobs test backend listening on http://127.0.0.1:${backend.server.port()}\n`,
  );
  process.once('SIGTERM', () => {
    backend.stop().finally(() => process.exit(0));
  });
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
