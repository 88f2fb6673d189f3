import { InputError, NotAllowedError } from '@backstage/errors';
import {
  isCompleteEntityRef,
  normalizeEntityRef,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import express from 'express';
import { z } from 'zod';
import { UserCredentials } from '../access';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, AuditFilter } from '../database';
import { AuditLog } from '../usecases/AuditLog';
import { RouteContext } from './context';
import { describe, idList, list, time, wholeNumber } from './listQuery';

const filterFields = {
  tenantId: idList('tenant').optional(),
  action: list(AUDIT_ACTIONS, 'actions').optional(),
  actor: z
    .string()
    .max(512)
    .refine(isCompleteEntityRef, {
      message: 'must be a complete entity ref, e.g. user:default/alice',
    })
    .transform(normalizeEntityRef)
    .optional(),
  outcome: list(AUDIT_OUTCOMES, 'outcomes').optional(),
  from: time.optional(),
  to: time.optional(),
};

const pageSchema = z
  .object({
    ...filterFields,
    limit: wholeNumber(1, 200).optional(),
    // base64url, as the API writes it: Node's decoder skips what is not,
    // so `YTEw%00` would be read as the cursor `YTEw`.
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, {
        error: 'not a cursor this API returned; start again without it',
      })
      .optional(),
  })
  .strict();

const exportSchema = z
  .object({
    ...filterFields,
    from: time,
    to: time,
    format: z
      .enum(['csv', 'jsonl'], { error: 'must be csv or jsonl' })
      .default('csv'),
  })
  .strict();

function parse<T extends z.ZodTypeAny>(schema: T, query: unknown): z.output<T> {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) throw new InputError(describe(parsed.error));
  return parsed.data;
}

/** The longest time range one export covers. */
export const MAX_EXPORT_WINDOW_DAYS = 400;

/** The export's query; its time range is required. */
function parseExport(query: unknown) {
  const given = (query ?? {}) as Record<string, unknown>;
  const missing = ['from', 'to'].filter(key => given[key] === undefined);
  if (missing.length > 0) {
    throw new InputError(
      `${missing.join(
        ' and ',
      )}: required; give the export's time range as from and to (ISO 8601, e.g. 2026-12-01)`,
    );
  }
  const parsed = parse(exportSchema, query);
  const days = (Date.parse(parsed.to) - Date.parse(parsed.from)) / 86_400_000;
  if (days > MAX_EXPORT_WINDOW_DAYS) {
    throw new InputError(
      `from: the range is longer than ${MAX_EXPORT_WINDOW_DAYS} days; export it in parts`,
    );
  }
  return parsed;
}

/**
 * Reading the audit trail: `GET /audit` (pages, newest first) and
 * `GET /audit/export` (a time range as CSV or JSON Lines). The platform
 * team reads every entry; anyone else the entries of the tenants it may
 * read, and naming another tenant is a 403.
 */
export function registerAuditRoutes(context: RouteContext, log: AuditLog) {
  const { access, route } = context;

  /** The filter as the caller may read it. */
  async function readable(
    credentials: UserCredentials,
    query: z.output<typeof pageSchema> | z.output<typeof exportSchema>,
  ): Promise<AuditFilter> {
    const filter: AuditFilter = {
      tenantIds: query.tenantId,
      actions: query.action as AuditFilter['actions'],
      actor: query.actor,
      outcomes: query.outcome as AuditFilter['outcomes'],
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    };
    if (filter.from && filter.to && filter.from >= filter.to) {
      throw new InputError('from: must be before to');
    }
    if (await access.isAdmin(credentials)) return filter;
    const readableIds = await access.readableTenantIds(
      credentials,
      query.tenantId,
    );
    const refused = (query.tenantId ?? []).filter(
      id => !readableIds.includes(id),
    );
    if (refused.length > 0) {
      throw new NotAllowedError(
        `You may not read the audit trail of tenant '${refused[0]}': you are not a member of it`,
      );
    }
    return { ...filter, tenantIds: readableIds };
  }

  route('get', '/audit', undefined, async (req, res) => {
    const credentials = await access.user(req);
    const query = parse(pageSchema, req.query);
    const filter = await readable(credentials, query);
    res.json(
      await log.page(filter, {
        limit: query.limit ?? 50,
        cursor: query.cursor,
      }),
    );
  });

  route('get', '/audit/export', undefined, async (req, res) => {
    const credentials = await access.user(req);
    const query = parseExport(req.query);
    const filter = await readable(credentials, query);
    const day = (iso: string) => iso.slice(0, 10);
    res.status(200);
    res.setHeader(
      'Content-Type',
      query.format === 'csv'
        ? 'text/csv; charset=utf-8'
        : 'application/x-ndjson; charset=utf-8',
    );
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="tenant-jobs-audit-${day(query.from)}-${day(
        query.to,
      )}.${query.format}"`,
    );
    res.setHeader('Cache-Control', 'no-store');
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    await log.export(
      filter,
      query.format,
      chunk => writeChunk(res, chunk),
      gone.signal,
    );
    res.end();
  });
}

/**
 * Writes `chunk`, waiting while the client reads slower than we write;
 * a client gone away ends the wait.
 */
function writeChunk(res: express.Response, chunk: string): Promise<void> {
  return new Promise(resolve => {
    if (res.destroyed || res.write(chunk)) {
      resolve();
      return;
    }
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
