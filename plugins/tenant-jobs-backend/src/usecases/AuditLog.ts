import { AuditEntry, AuditFilter, AuditStore } from '../database';
import { csvLine } from '../lib/csv';

/** The columns of the audit trail's CSV export, in order. */
export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'actor',
  'action',
  'tenantId',
  'runId',
  'outcome',
  'asAdmin',
  'detail',
] as const;

/** An export format: CSV or JSON Lines. */
export type AuditExportFormat = 'csv' | 'jsonl';

function toCsv(entry: AuditEntry): string {
  return csvLine([
    entry.id,
    entry.at,
    entry.actor,
    entry.action,
    entry.tenantId,
    entry.runId,
    entry.outcome,
    entry.asAdmin,
    entry.detail ? JSON.stringify(entry.detail) : undefined,
  ]);
}

/**
 * The audit trail as its readers see it: pages of entries for the portal,
 * and the whole of a time range as CSV or JSON Lines, the compliance
 * export, written as it is read so a long range never sits in memory.
 */
export class AuditLog {
  constructor(private readonly deps: { store: AuditStore }) {}

  page(filter: AuditFilter, page: { limit: number; cursor?: string }) {
    return this.deps.store.page(filter, page);
  }

  /**
   * Writes every matching entry to `write`, newest first; the count. Stops
   * reading when `signal` aborts (the client went away).
   */
  async export(
    filter: AuditFilter,
    format: AuditExportFormat,
    write: (chunk: string) => Promise<void> | void,
    signal?: AbortSignal,
  ): Promise<number> {
    let count = 0;
    let buffer = format === 'csv' ? csvLine([...AUDIT_CSV_COLUMNS]) : '';
    for await (const entry of this.deps.store.each(filter)) {
      if (signal?.aborted) return count;
      buffer += format === 'csv' ? toCsv(entry) : `${JSON.stringify(entry)}\n`;
      count += 1;
      if (buffer.length > 64 * 1024) {
        await write(buffer);
        buffer = '';
      }
    }
    if (buffer) await write(buffer);
    return count;
  }
}
