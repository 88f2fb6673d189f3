import { InputError, NotAllowedError } from '@backstage/errors';
import { z } from 'zod';
import { TenantAccess, UserCredentials } from '../access';
import { USAGE_GROUPINGS, UsageGrouping } from '../database';
import { Clock, systemClock } from '../lib/clock';
import { currentMonth, UsageReports } from '../usecases/UsageReport';
import { RouteContext } from './context';
import { describe, idList, list, time } from './listQuery';

/** The longest window `GET /usage` sums over. */
export const MAX_USAGE_WINDOW_DAYS = 400;

const usageSchema = z
  .object({
    tenantId: idList('tenant').optional(),
    from: time.optional(),
    to: time.optional(),
    groupBy: list(USAGE_GROUPINGS, 'groupings').optional(),
    format: z
      .enum(['json', 'csv'], { error: 'must be json or csv' })
      .optional(),
  })
  .strict();

/** The query of `GET /usage`, its window defaulting to this month (UTC). */
export function parseUsageQuery(query: unknown, now: Date) {
  const parsed = usageSchema.safeParse(query ?? {});
  if (!parsed.success) throw new InputError(describe(parsed.error));
  const month = currentMonth(now);
  const from = parsed.data.from ? new Date(parsed.data.from) : month.from;
  const to = parsed.data.to ? new Date(parsed.data.to) : month.to;
  if (from >= to) throw new InputError('from: must be before to');
  if (to.getTime() - from.getTime() > MAX_USAGE_WINDOW_DAYS * 86_400_000) {
    throw new InputError(
      `from: the window is longer than ${MAX_USAGE_WINDOW_DAYS} days; narrow it with from and to`,
    );
  }
  const groupBy = [
    ...new Set(parsed.data.groupBy ?? ['tenant', 'jobType']),
  ] as UsageGrouping[];
  if (groupBy.includes('day') && groupBy.includes('month')) {
    throw new InputError('groupBy: choose day or month, not both');
  }
  return {
    tenantIds: parsed.data.tenantId,
    from,
    to,
    groupBy,
    format: parsed.data.format ?? 'json',
  };
}

/**
 * The usage report the caller may read: members their tenants' (naming
 * another tenant is a 403, as on `GET /audit`), the platform team every
 * tenant's. The REST API and the actions both ask here.
 */
export async function usageReportFor(
  access: TenantAccess,
  reports: UsageReports,
  credentials: UserCredentials,
  query: ReturnType<typeof parseUsageQuery>,
) {
  const admin = await access.isAdmin(credentials);
  const tenantIds =
    admin && !query.tenantIds
      ? undefined
      : await access.readableTenantIds(credentials, query.tenantIds);
  const refused = (query.tenantIds ?? []).filter(
    id => !tenantIds?.includes(id),
  );
  if (refused.length > 0) {
    throw new NotAllowedError(
      `You may not read the usage of tenant '${refused[0]}': you are not a member of it`,
    );
  }
  return reports.report({ ...query, tenantIds });
}

/**
 * `GET /usage`: CPU core-hours, memory GiB-hours, GPU-hours and runs of
 * the runs that finished in a window, by tenant, job type and period
 * (`format=csv` for a download). Members get their tenants' usage (naming
 * another tenant is a 403, as on `GET /audit`); the platform team every
 * tenant's.
 */
export function registerUsageRoutes(
  context: RouteContext,
  reports: UsageReports,
  clock: Clock = systemClock,
) {
  const { access, route } = context;

  route('get', '/usage', undefined, async (req, res) => {
    const credentials = await access.user(req);
    const query = parseUsageQuery(req.query, new Date(clock.now()));
    const report = await usageReportFor(access, reports, credentials, query);
    if (query.format === 'csv') {
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader(
          'Content-Disposition',
          `attachment; filename="tenant-jobs-usage-${report.from.slice(
            0,
            10,
          )}-${report.to.slice(0, 10)}.csv"`,
        );
      res.send(UsageReports.toCsv(report));
      return;
    }
    res.json(report);
  });
}
