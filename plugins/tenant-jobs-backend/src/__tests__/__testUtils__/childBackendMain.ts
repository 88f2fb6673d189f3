/*
 * The child-process side of childBackend.ts: a test backend on the
 * database and with the settings the parent wrote. Prints its URL once
 * listening.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import createKnex from 'knex';
import type { ChildDatabase } from './childBackend';
import { tenantJobsTestFeatures, TestBackendSettings } from './features';

async function main() {
  const [settingsFile] = process.argv.slice(2);
  const parsed = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as {
    settings: TestBackendSettings;
    database: ChildDatabase;
  };
  const settings: TestBackendSettings = {
    ...parsed.settings,
    org: {
      ...parsed.settings.org,
      // It travels as entries (see childBackend.ts).
      ownership: new Map(
        parsed.settings.org.ownership as unknown as [string, string[]][],
      ),
    },
  };
  const knex = createKnex({
    ...parsed.database,
    useNullAsDefault: parsed.database.client === 'better-sqlite3',
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
