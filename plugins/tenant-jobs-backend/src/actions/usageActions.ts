import { parseUsageQuery, usageReportFor } from '../routes/usageRoutes';
import { UsageReports } from '../usecases/UsageReport';
import { ActionContext, userOf } from './context';

/**
 * `get-usage`: what the caller's tenants used in a window, as
 * `GET /usage` reports it, with the same tenant check.
 */
export function registerUsageActions(
  context: ActionContext,
  reports: UsageReports,
): void {
  const { registry, access } = context;
  registry.register({
    name: 'get-usage',
    title: 'Get usage',
    description:
      "CPU core-hours, memory GiB-hours, GPU-hours and run counts of the runs that finished in a window (this month, UTC, when absent), by tenant and job type or as asked. Members read their own tenants' usage; naming another tenant is refused.",
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          tenantId: z
            .array(z.string())
            .optional()
            .describe("Only these tenants; the caller's own when absent"),
          from: z
            .string()
            .optional()
            .describe('Start of the window, ISO 8601, inclusive'),
          to: z
            .string()
            .optional()
            .describe(
              'End of the window, ISO 8601, exclusive; at most 400 days after from',
            ),
          groupBy: z
            .array(z.enum(['tenant', 'jobType', 'day', 'month']))
            .optional()
            .describe(
              'How to group the figures; tenant and jobType when absent',
            ),
        }),
      output: z =>
        z
          .object({
            from: z.string(),
            to: z.string(),
            items: z
              .array(z.object({}).passthrough())
              .describe('One row per group with its figures'),
          })
          .passthrough(),
    },
    async action({ input, credentials }) {
      const user = userOf(credentials);
      const query = parseUsageQuery(
        Object.fromEntries(
          Object.entries({
            tenantId: input.tenantId?.join(','),
            from: input.from,
            to: input.to,
            groupBy: input.groupBy?.join(','),
          }).filter(([, value]) => value !== undefined),
        ),
        new Date(),
      );
      const report = await usageReportFor(access, reports, user, query);
      return { output: JSON.parse(JSON.stringify(report)) };
    },
  });
}
