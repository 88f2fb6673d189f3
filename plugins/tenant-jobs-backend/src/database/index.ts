import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { AuditStore } from './AuditStore';
import { ArchiveStore } from './ArchiveStore';
import { KnexRunStore, RunStore } from './RunStore';
import { QueueStore } from './QueueStore';
import { ScheduleStore } from './ScheduleStore';
import { TriggerStore } from './TriggerStore';
import { UsageStore } from './UsageStore';

export type { RunPage, RunStore, TenantCriteria } from './RunStore';
export { ConcurrencyLimitError, KnexRunStore, MAX_PAGE_SIZE } from './RunStore';
export { ArchiveStore } from './ArchiveStore';
export { QueueStore } from './QueueStore';
export type { QueuePlace } from './QueueStore';
export { ScheduleStore } from './ScheduleStore';
export type { ScheduleRecord } from './ScheduleStore';
export { TriggerStore } from './TriggerStore';
export type { TriggerRecord } from './TriggerStore';
export { AUDIT_ACTIONS, AUDIT_OUTCOMES, AuditStore } from './AuditStore';
export type {
  AuditAction,
  AuditEntry,
  AuditFilter,
  AuditOutcome,
  NewAuditEntry,
} from './AuditStore';
export { USAGE_GROUPINGS, UsageStore } from './UsageStore';
export type { TenantRunFigures, UsageGrouping, UsageRow } from './UsageStore';
export * from './types';

/** Migrates the plugin's database (unless told to skip) and opens its stores. */
export async function openDatabase(options: {
  database: DatabaseService;
}): Promise<{
  runs: RunStore;
  audit: AuditStore;
  archives: ArchiveStore;
  queue: QueueStore;
  schedules: ScheduleStore;
  triggers: TriggerStore;
  usage: UsageStore;
}> {
  const client = await options.database.getClient();
  if (!options.database.migrations?.skip) {
    await client.migrate.latest({
      directory: resolvePackagePath(
        '@tenant-jobs/plugin-tenant-jobs-backend',
        'migrations',
      ),
    });
  }
  return {
    runs: new KnexRunStore(client),
    audit: new AuditStore(client),
    archives: new ArchiveStore(client),
    queue: new QueueStore(client),
    schedules: new ScheduleStore(client),
    triggers: new TriggerStore(client),
    usage: new UsageStore(client),
  };
}
