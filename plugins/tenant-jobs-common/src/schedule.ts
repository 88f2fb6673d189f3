import type { RunStatus } from './types';
import { z } from 'zod';
import { requestFields } from './request';
import {
  type ValidationProblem,
  describeIssues,
  formatProblems,
} from './validationMessages';

const MACROS = [
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
];
const FIELDS: Array<{ name: string; min: number; max: number }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];
const NAMES =
  /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat)$/i;

/**
 * Why a cron expression is not one a Kubernetes CronJob accepts (five
 * fields: minute, hour, day of month, month, day of week; or a macro such
 * as `@daily`), or `undefined` when it is fine.
 *
 * @public
 */
export function cronProblem(expression: string): string | undefined {
  const trimmed = expression.trim();
  if (MACROS.includes(trimmed)) return undefined;
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) {
    return `must have five fields (minute hour day-of-month month day-of-week) or be one of ${MACROS.join(
      ', ',
    )}; got ${fields.length} field${fields.length === 1 ? '' : 's'}`;
  }
  for (const [i, field] of fields.entries()) {
    const { name, min, max } = FIELDS[i];
    for (const part of field.split(',')) {
      const [range, step] = part.split('/');
      if (step !== undefined && !/^[1-9]\d*$/.test(step)) {
        return `${name}: step '${step}' must be a positive whole number`;
      }
      if (range === '*' || range === '?') continue;
      for (const bound of range.split('-')) {
        if (NAMES.test(bound) && (i === 3 || i === 4)) continue;
        if (
          !/^\d+$/.test(bound) ||
          Number(bound) < min ||
          Number(bound) > max
        ) {
          return `${name}: '${bound}' must be ${min}-${max}${
            i >= 3 ? ' or a name' : ''
          }`;
        }
      }
    }
  }
  return undefined;
}

/**
 * Whether `timeZone` is an IANA time zone this runtime knows.
 *
 * @public
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    // Throws a RangeError for a zone the runtime does not know.
    const known = new Intl.DateTimeFormat('en-US', { timeZone });
    return (
      known.resolvedOptions().timeZone !== undefined &&
      /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(timeZone)
    );
  } catch {
    return false;
  }
}

const scheduleFields = {
  tenantId: requestFields.tenantId,
  jobType: requestFields.jobType,
  tier: requestFields.tier,
  priority: requestFields.priority,
  parameters: requestFields.parameters,
  entityRef: requestFields.entityRef,
  cron: z
    .string({ error: 'is required: a cron expression, e.g. 0 3 * * *' })
    .superRefine((value, ctx) => {
      const problem = cronProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  timeZone: z
    .string({ error: 'must be an IANA time zone, e.g. Europe/Berlin' })
    .refine(isTimeZone, {
      error: 'must be an IANA time zone, e.g. Europe/Berlin or UTC',
    })
    .default('UTC'),
  concurrencyPolicy: z
    .enum(['Forbid', 'Allow', 'Replace'], {
      error: 'must be Forbid, Allow or Replace',
    })
    .default('Forbid'),
  startingDeadlineSeconds: z
    .number({ error: 'must be a whole number of seconds' })
    .int({ error: 'must be a whole number of seconds' })
    .min(10, { error: 'must be at least 10 seconds' })
    .max(86_400, { error: 'must be at most 86400 seconds (a day)' })
    .default(300),
  paused: z.boolean({ error: 'must be true or false' }).default(false),
};

const allowed = Object.keys(scheduleFields).join(', ');

/**
 * Zod schema of the body of `POST /api/tenant-jobs/schedules`; strict.
 *
 * @public
 */
export const scheduleRequestSchema = z.strictObject(scheduleFields, {
  error: issue =>
    issue.code === 'unrecognized_keys'
      ? `unknown field; allowed fields are ${allowed}`
      : 'must be a JSON object',
});

/**
 * A validated schedule request, defaults applied.
 *
 * @public
 */
export type ScheduleRequest = z.output<typeof scheduleRequestSchema>;

/**
 * Validates a schedule body; on failure `message` names every offending
 * field and what it allows.
 *
 * @public
 */
export function parseScheduleRequest(
  body: unknown,
):
  | { success: true; request: ScheduleRequest }
  | { success: false; message: string; problems: ValidationProblem[] } {
  const result = scheduleRequestSchema.safeParse(body, { reportInput: true });
  if (result.success) return { success: true, request: result.data };
  const problems = describeIssues(result.error.issues, body);
  return { success: false, message: formatProblems(problems), problems };
}

/**
 * A schedule as the REST API returns it.
 *
 * @public
 */
export interface TenantJobSchedule extends ScheduleRequest {
  id: string;
  /** The CronJob in the tenant's namespace. */
  cronJobName: string;
  namespace: string;
  cluster: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** The next times it fires (none while paused), ISO 8601. */
  nextRunTimes: string[];
  /** The newest run it created, if any. */
  lastRun?: { id: string; status: RunStatus; createdAt: string };
}
