/**
 * The line prefix of a job's result: a job reports one by printing
 * `TENANT_JOBS_RESULT {"...": ...}` (a JSON object on one line) to its
 * standard output. The last such line of the archived log of the run's
 * newest attempt is the run's result.
 *
 * @public
 */
export const TENANT_JOBS_RESULT_PREFIX = 'TENANT_JOBS_RESULT';

/**
 * Largest result line, in characters, that is read; longer ones are
 * ignored.
 *
 * @public
 */
export const TENANT_JOBS_RESULT_MAX_LENGTH = 16_384;

/**
 * What a finished run reported about its outcome (see
 * {@link TENANT_JOBS_RESULT_PREFIX}). Free-form JSON; the frontend knows
 * these keys:
 *
 * - every type: `summary` (one sentence), `reportUrl` (an http(s) link)
 * - `security-scan`: `findings` (`{ critical, high, medium, low }` counts)
 * - `tenant-backup`: `sizeBytes`, `location`
 * - `ml-training`: `metrics` (name to number, e.g. `accuracy`, `loss`)
 * - `data-etl`: `rowsRead`, `rowsWritten`
 *
 * Anything else is shown as a list of its keys and values.
 *
 * @public
 */
export type TenantJobResult = { [key: string]: unknown };
