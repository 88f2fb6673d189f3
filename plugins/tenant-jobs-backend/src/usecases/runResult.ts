import {
  TENANT_JOBS_RESULT_MAX_LENGTH,
  TENANT_JOBS_RESULT_PREFIX,
  TenantJobResult,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type { RunArchive } from '../database';

/**
 * A log line that reports a result: the prefix, blanks, then a JSON object,
 * optionally after a timestamp (`kubectl logs --timestamps` style).
 */
const RESULT_LINE = new RegExp(
  `^(?:\\S+Z\\s+)?${TENANT_JOBS_RESULT_PREFIX}\\s+(\\{.*\\})\\s*$`,
);

/**
 * The result a job reported in one log: its last `TENANT_JOBS_RESULT {...}`
 * line that holds a JSON object of at most
 * {@link TENANT_JOBS_RESULT_MAX_LENGTH} characters, or undefined.
 */
export function parseResultFromLog(log: string): TenantJobResult | undefined {
  const lines = log.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (
      line.length > TENANT_JOBS_RESULT_MAX_LENGTH ||
      !line.includes(TENANT_JOBS_RESULT_PREFIX)
    ) {
      continue;
    }
    const match = RESULT_LINE.exec(line);
    if (!match) continue;
    try {
      const value: unknown = JSON.parse(match[1]);
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        return value as TenantJobResult;
      }
    } catch {
      // Not JSON: a line that only looks like a result; look further up.
    }
  }
  return undefined;
}

/**
 * The result of a finished run from its archived logs: read from the log
 * of its newest attempt (the last of `podNames`, else the last archived
 * log), so an earlier failed attempt's report never counts.
 */
export function extractRunResult(
  logs: RunArchive['logs'],
  podNames: string[],
): TenantJobResult | undefined {
  if (logs.length === 0) return undefined;
  const newest = podNames[podNames.length - 1];
  const log =
    (newest && logs.find(entry => entry.podName === newest)) ||
    logs[logs.length - 1];
  return parseResultFromLog(log.log);
}
