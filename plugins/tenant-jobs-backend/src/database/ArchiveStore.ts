import { Knex } from 'knex';
import { RUNS_TABLE } from './RunStore';
import { RunArchive } from './types';

const LOGS_TABLE = 'tenant_jobs_run_logs';

/**
 * The archive of finished runs: the tail of each pod's log and the last
 * events of the Job and its pods, so both stay readable after Kubernetes
 * deletes the Job (`ttlSecondsAfterFinished`).
 */
export class ArchiveStore {
  constructor(private readonly db: Knex) {}

  /** Stores the archive of a run; a second call replaces the first. */
  async save(runId: string, archive: RunArchive): Promise<void> {
    const now = new Date();
    await this.db.transaction(async tx => {
      await tx(LOGS_TABLE).where({ run_id: runId }).delete();
      for (const log of archive.logs) {
        await tx(LOGS_TABLE).insert({
          run_id: runId,
          pod_name: log.podName,
          log: log.log,
          truncated: log.truncated,
          archived_at: now,
        });
      }
      await tx(RUNS_TABLE)
        .where({ id: runId })
        .update({
          archived_events: JSON.stringify(archive.events),
          archived_at: now,
        });
    });
  }

  /** Archived logs of a run, by pod, in pod name order. */
  async getLogs(runId: string): Promise<RunArchive['logs']> {
    const rows = await this.db(LOGS_TABLE)
      .where({ run_id: runId })
      .orderBy('pod_name');
    return rows.map(row => ({
      podName: row.pod_name,
      log: row.log,
      truncated: Boolean(row.truncated),
    }));
  }

  /** Archived events of a run; undefined when it was never archived. */
  async getEvents(runId: string): Promise<RunArchive['events'] | undefined> {
    const row = await this.db(RUNS_TABLE)
      .select('archived_events')
      .where({ id: runId })
      .first();
    return row?.archived_events ? JSON.parse(row.archived_events) : undefined;
  }

  /** Deletes logs archived before `date`; their runs stay. */
  async deleteLogsBefore(date: Date): Promise<number> {
    return this.db(LOGS_TABLE).where('archived_at', '<', date).delete();
  }
}
