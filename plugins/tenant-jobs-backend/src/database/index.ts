import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { AuditStore } from './AuditStore';
import { KnexRunStore, RunStore } from './RunStore';

export type { RunStore, ListRunsOptions } from './RunStore';
export { KnexRunStore } from './RunStore';
export { AuditStore } from './AuditStore';
export type {
  AuditAction,
  AuditEntry,
  AuditOutcome,
  NewAuditEntry,
} from './AuditStore';
export * from './types';

/** Migrates the plugin's database (unless told to skip) and opens its stores. */
export async function openDatabase(options: {
  database: DatabaseService;
}): Promise<{ runs: RunStore; audit: AuditStore }> {
  const client = await options.database.getClient();
  if (!options.database.migrations?.skip) {
    await client.migrate.latest({
      directory: resolvePackagePath(
        '@tenant-jobs/plugin-tenant-jobs-backend',
        'migrations',
      ),
    });
  }
  return { runs: new KnexRunStore(client), audit: new AuditStore(client) };
}
