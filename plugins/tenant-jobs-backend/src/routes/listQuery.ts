import { InputError } from '@backstage/errors';
import {
  isCompleteEntityRef,
  isValidTenantId,
  normalizeEntityRef,
  PRIORITY_IDS,
  RUN_STATUSES,
  TENANT_JOB_STATS_BUCKET_SIZES,
  TenantJobStatsBucketSize,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { z } from 'zod';
import { MAX_PAGE_SIZE, RunFilter } from '../database';
import { countBuckets, MAX_STATS_BUCKETS } from '../usecases/stats';

export const list = (values: readonly string[], what: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform(value =>
      (Array.isArray(value) ? value : [value]).flatMap(v => v.split(',')),
    )
    .refine(items => items.every(item => values.includes(item)), {
      message: `must be one or more of ${values.join(
        ', ',
      )} (comma-separated or repeated)`,
    })
    .refine(items => items.length <= 20, { message: `too many ${what}` });

const dns = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const idList = (what: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform(value =>
      (Array.isArray(value) ? value : [value]).flatMap(v => v.split(',')),
    )
    .refine(items => items.length <= 50 && items.every(i => dns.test(i)), {
      message: `must be ${what} ids (lowercase letters, digits and '-'), comma-separated, at most 50`,
    });

/**
 * An ISO 8601 date (UTC midnight) or date and time with a zone, e.g.
 * `2026-11-27` or `2026-11-27T10:00:00Z`. Stricter than `Date.parse`,
 * which takes `0`, `-1`, `2026-02-30` (as 2 March) or trailing garbage.
 */
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d))?$/;

function isIsoTime(value: string): boolean {
  const match = ISO_TIME.exec(value);
  if (!match) return false;
  const [, year, month, day] = match.map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    !Number.isNaN(Date.parse(value))
  );
}

export const time = z
  .string()
  .refine(isIsoTime, {
    message:
      'must be an ISO 8601 time, e.g. 2026-11-27T10:00:00Z or 2026-11-27',
  })
  .transform(value => new Date(value).toISOString());

/**
 * A whole number between `min` and `max`: digits only in a query string
 * (no sign, exponent, hex, blanks or repeated parameter), or a number.
 */
export function wholeNumber(min: number, max: number) {
  const range = `must be a whole number from ${min} to ${max}`;
  return z
    .union([z.number(), z.string().regex(/^[0-9]{1,15}$/, { error: range })], {
      error: range,
    })
    .transform(Number)
    .pipe(
      z
        .number()
        .int({ error: range })
        .min(min, { error: range })
        .max(max, { error: `must be at most ${max}` }),
    );
}

const filterSchema = z
  .object({
    tenantId: idList('tenant').optional(),
    entityRef: z
      .string()
      .max(512)
      .refine(isCompleteEntityRef, {
        message: 'must be a complete entity ref kind:namespace/name',
      })
      .transform(normalizeEntityRef)
      .optional(),
    status: list(RUN_STATUSES, 'statuses').optional(),
    type: idList('job type').optional(),
    priority: list(PRIORITY_IDS, 'priorities').optional(),
    submittedBy: z
      .string()
      .max(512)
      .refine(isCompleteEntityRef, {
        message: 'must be a complete entity ref, e.g. user:default/alice',
      })
      .transform(normalizeEntityRef)
      .optional(),
    scheduleId: z
      .string()
      .regex(/^[A-Za-z0-9][-A-Za-z0-9]{0,63}$/, {
        error: 'must be a schedule id as GET /schedules returns it',
      })
      .optional(),
    from: time.optional(),
    to: time.optional(),
  })
  .strict();

const pageSchema = z
  .object({
    limit: wholeNumber(1, MAX_PAGE_SIZE).optional(),
    cursor: z.string().max(512).optional(),
  })
  .strict();

export function describe(error: z.ZodError): string {
  return error.issues
    .map(issue =>
      issue.code === 'unrecognized_keys'
        ? `unknown query parameter(s) ${issue.keys.join(', ')}`
        : `${issue.path.join('.') || 'query'}: ${issue.message}`,
    )
    .join('; ');
}

function toFilter(parsed: z.infer<typeof filterSchema>): RunFilter {
  return {
    tenantIds: parsed.tenantId,
    entityRef: parsed.entityRef,
    statuses: parsed.status as RunFilter['statuses'],
    jobTypes: parsed.type,
    priorities: parsed.priority,
    submittedBy: parsed.submittedBy,
    scheduleId: parsed.scheduleId,
    createdAfter: parsed.from,
    createdBefore: parsed.to,
  };
}

/** Filters and page of `GET /runs`; InputError naming what to fix. */
export function parseListQuery(query: unknown): {
  filter: RunFilter;
  page: { limit?: number; cursor?: string };
} {
  const { limit, cursor, ...rest } = (query ?? {}) as Record<string, unknown>;
  const filter = filterSchema.safeParse(rest);
  const page = pageSchema.safeParse({ limit, cursor });
  if (!filter.success) throw new InputError(describe(filter.error));
  if (!page.success) throw new InputError(describe(page.error));
  return { filter: toFilter(filter.data), page: page.data };
}

/** The longest window `GET /stats` computes over. */
export const MAX_STATS_WINDOW_DAYS = 400;

/**
 * Filters of `GET /stats`: the list filters; the window defaults to 30
 * days. Its `bucket` option is read by {@link parseStatsOptions}.
 */
export function parseStatsQuery(query: unknown, now = new Date()): RunFilter {
  const { bucket: _bucket, ...rest } = (query ?? {}) as Record<string, unknown>;
  const filter = filterSchema.safeParse(rest);
  if (!filter.success) throw new InputError(describe(filter.error));
  const result = toFilter(filter.data);
  result.createdAfter ??= new Date(
    now.getTime() - 30 * 86_400_000,
  ).toISOString();
  const to = result.createdBefore
    ? Date.parse(result.createdBefore)
    : now.getTime();
  if (
    to - Date.parse(result.createdAfter) >
    MAX_STATS_WINDOW_DAYS * 86_400_000
  ) {
    throw new InputError(
      `from: the window from ${result.createdAfter} to ${new Date(
        to,
      ).toISOString()} is longer than ${MAX_STATS_WINDOW_DAYS} days; narrow it with from and to`,
    );
  }
  return result;
}

/**
 * Filters and bucket of `GET /stats`: `bucket` (`hour`, `day` or `week`)
 * splits the window into at most {@link MAX_STATS_BUCKETS} buckets.
 */
export function parseStatsOptions(
  query: unknown,
  now = new Date(),
): { filter: RunFilter; bucket?: TenantJobStatsBucketSize } {
  const filter = parseStatsQuery(query, now);
  const raw = ((query ?? {}) as Record<string, unknown>).bucket;
  if (raw === undefined) return { filter };
  if (
    typeof raw !== 'string' ||
    !TENANT_JOB_STATS_BUCKET_SIZES.includes(raw as TenantJobStatsBucketSize)
  ) {
    throw new InputError(
      `bucket: must be one of ${TENANT_JOB_STATS_BUCKET_SIZES.join(', ')}`,
    );
  }
  const bucket = raw as TenantJobStatsBucketSize;
  const from = Date.parse(filter.createdAfter!);
  const to = filter.createdBefore
    ? Date.parse(filter.createdBefore)
    : now.getTime();
  if (countBuckets(from, to, bucket) > MAX_STATS_BUCKETS) {
    throw new InputError(
      `bucket: the window from ${filter.createdAfter} to ${new Date(
        to,
      ).toISOString()} has more than ${MAX_STATS_BUCKETS} ${bucket} buckets; narrow it with from and to, or use a wider bucket`,
    );
  }
  return { filter, bucket };
}

const logSchema = z
  .object({
    pod: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, {
        message: 'must be a pod name of this run',
      })
      .optional(),
    follow: z.enum(['true', 'false']).optional(),
    tailLines: wholeNumber(1, 100_000).optional(),
  })
  .strict();

/** Options of `GET /runs/:runId/logs`. */
export function parseLogQuery(query: unknown): {
  pod?: string;
  follow: boolean;
  tailLines?: number;
} {
  const parsed = logSchema.safeParse(query ?? {});
  if (!parsed.success) throw new InputError(describe(parsed.error));
  return {
    pod: parsed.data.pod,
    follow: parsed.data.follow === 'true',
    tailLines: parsed.data.tailLines,
  };
}

/**
 * For routes that take no query parameters: any parameter is a 400 that
 * names it, as for the routes that take some.
 */
export function rejectQuery(query: Record<string, unknown>): void {
  const keys = Object.keys(query ?? {});
  if (keys.length > 0) {
    throw new InputError(
      `unknown query parameter(s) ${keys
        .map(key => key.slice(0, 64))
        .join(', ')}; this route takes none`,
    );
  }
}

/**
 * The query of a list of a tenant's things (`GET /schedules`,
 * `GET /triggers`): an optional `tenantId`, nothing else. Undefined when it
 * names no tenant, for the caller's own tenants.
 */
export function parseTenantQuery(
  query: Record<string, unknown>,
): string[] | undefined {
  const { tenantId, ...rest } = query;
  if (Object.keys(rest).length > 0) {
    throw new InputError(
      `Unknown query parameters: ${Object.keys(rest).join(
        ', ',
      )}; allowed: tenantId`,
    );
  }
  if (tenantId === undefined) return undefined;
  if (typeof tenantId !== 'string' || !isValidTenantId(tenantId)) {
    throw new InputError('tenantId: must be a tenant id');
  }
  return [tenantId];
}
