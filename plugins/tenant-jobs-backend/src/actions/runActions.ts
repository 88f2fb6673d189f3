import {
  PRIORITY_IDS,
  RUN_STATUSES,
  TIER_IDS,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { parseListQuery } from '../routes/listQuery';
import { SubmitResult } from '../usecases/RunService';
import { ActionContext, jsonObject, userOf } from './context';

/** A launch's or retry's answer: the run, or what a dry run would create. */
function resultOf(result: SubmitResult) {
  const output =
    result.kind === 'dryRun'
      ? { outcome: 'dryRun', dryRun: result.dryRun }
      : { outcome: result.kind, run: result.run };
  return JSON.parse(JSON.stringify(output));
}

/** Comma-joined, as the REST API's query takes lists. */
const joined = (values?: string[]) =>
  values && values.length > 0 ? values.join(',') : undefined;

const runDescription =
  'The run: id, tenantId, jobType, status (Pending, Queued, Running, Succeeded, Failed, Cancelled, …), priority, tier, parameters, who submitted it and when, attempts and timings';

/**
 * Runs: launch (or dry-run), get, list, cancel and retry, each through
 * the same access checks, run commands, plan limits and audit as the REST
 * API's `/runs` routes.
 */
export function registerRunActions(context: ActionContext): void {
  const { registry, access, useCases, runs } = context;

  registry.register({
    name: 'launch-run',
    title: 'Launch a run',
    description:
      "Launches a run of a job type in one of the caller's tenants, as POST /api/tenant-jobs/runs does, under the caller's permissions and the tenant's plan (job types, tier, priority, concurrent runs and quota). Call list-job-types first for the tenant ids, job types and their parameters. With dryRun true nothing is created: the cluster checks the Job and the answer says what would run. An idempotencyKey makes a repeated launch return the run it created the first time.",
    attributes: { readOnly: false, destructive: false, idempotent: false },
    examples: [
      {
        title: 'Check a data ETL without launching it',
        input: {
          tenantId: 'acme',
          jobType: 'data-etl',
          parameters: { source: 'events-db', destination: 'warehouse' },
          dryRun: true,
        },
      },
      {
        title: 'Launch an urgent billing report once',
        input: {
          tenantId: 'acme',
          jobType: 'billing-report',
          priority: 'high',
          parameters: { period: '2026-11' },
          idempotencyKey: 'billing-2026-11',
        },
      },
    ],
    schema: {
      input: z =>
        z.object({
          tenantId: z
            .string()
            .describe(
              "The tenant to launch in, e.g. 'acme'; one the caller is a member of",
            ),
          jobType: z
            .string()
            .describe("The job type's id from list-job-types, e.g. 'data-etl'"),
          parameters: z
            .record(z.unknown())
            .optional()
            .describe(
              "The job type's parameters, matching its parameterSchema",
            ),
          tier: z
            .enum(TIER_IDS as [string, ...string[]])
            .optional()
            .describe(
              "The resource tier; the job type's defaultTier when absent, at most the plan's maxTier",
            ),
          priority: z
            .enum(PRIORITY_IDS as [string, ...string[]])
            .optional()
            .describe(
              "The priority; 'normal' when absent, at most the plan's maxPriority",
            ),
          entityRef: z
            .string()
            .optional()
            .describe(
              'A catalog entity the run belongs to, kind:namespace/name, e.g. component:default/my-service',
            ),
          idempotencyKey: z
            .string()
            .optional()
            .describe(
              'A key of your choosing: launching again with the same key returns the first run instead of a second',
            ),
          dryRun: z
            .boolean()
            .optional()
            .describe('true to only check the launch: nothing is created'),
        }),
      output: z =>
        z.object({
          outcome: z
            .enum(['created', 'existing', 'dryRun'])
            .describe(
              'created: a new run; existing: the run of the same idempotencyKey; dryRun: nothing was created',
            ),
          run: jsonObject(z, runDescription).optional(),
          dryRun: jsonObject(z, 'What the dry run would create').optional(),
        }),
    },
    async action({ input, credentials }) {
      const caller = { credentials: userOf(credentials) };
      return { output: resultOf(await runs.submit(caller, input)) };
    },
  });

  registry.register({
    name: 'get-run',
    title: 'Get a run',
    description:
      "A run with its status, attempts, pods, outcome and, while it waits, its place in its tenant's queue. A run the caller may not read answers the same 'not found' as one that does not exist.",
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          runId: z
            .string()
            .describe('The run id, as launch-run or list-runs return it'),
        }),
      output: z => z.object({ run: jsonObject(z, runDescription) }),
    },
    async action({ input, credentials }) {
      const user = userOf(credentials);
      const run = await access.readableRun(user, input.runId);
      const queue = await useCases.queue?.placeOf(run);
      const detail = {
        ...(await useCases.queries.detail(run)),
        ...(queue && { queue }),
      };
      return { output: { run: JSON.parse(JSON.stringify(detail)) } };
    },
  });

  registry.register({
    name: 'list-runs',
    title: 'List runs',
    description:
      'Lists the runs the caller may read, newest first, filtered like GET /api/tenant-jobs/runs. Pass nextCursor back as cursor for the next page.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          tenantId: z
            .array(z.string())
            .optional()
            .describe('Only these tenants'),
          status: z
            .array(z.enum(RUN_STATUSES as unknown as [string, ...string[]]))
            .optional()
            .describe(
              'Only runs in these statuses, e.g. ["Running"] or ["Failed"]',
            ),
          jobType: z
            .array(z.string())
            .optional()
            .describe('Only these job types'),
          submittedBy: z
            .string()
            .optional()
            .describe('Only runs this user launched, e.g. user:default/alice'),
          from: z
            .string()
            .optional()
            .describe('Only runs submitted at or after this ISO 8601 time'),
          to: z
            .string()
            .optional()
            .describe('Only runs submitted before this ISO 8601 time'),
          limit: z
            .number()
            .int()
            .optional()
            .describe('How many runs at most (1 to 200; 50 when absent)'),
          cursor: z
            .string()
            .optional()
            .describe('nextCursor of the previous page'),
        }),
      output: z =>
        z.object({
          items: z.array(jsonObject(z, runDescription)),
          nextCursor: z
            .string()
            .optional()
            .describe('Pass as cursor for the next page; absent on the last'),
        }),
    },
    async action({ input, credentials }) {
      const user = userOf(credentials);
      const query = Object.fromEntries(
        Object.entries({
          tenantId: joined(input.tenantId),
          status: joined(input.status),
          type: joined(input.jobType),
          submittedBy: input.submittedBy,
          from: input.from,
          to: input.to,
          limit: input.limit,
          cursor: input.cursor,
        }).filter(([, value]) => value !== undefined),
      );
      const { filter, page } = parseListQuery(query);
      const permitted = await access.readableRuns(user);
      const result = await useCases.queries.list(filter, permitted, page);
      return { output: JSON.parse(JSON.stringify(result)) };
    },
  });

  registry.register({
    name: 'cancel-run',
    title: 'Cancel a run',
    description:
      "Cancels a run that has not finished: its Job and pods are deleted and the run ends Cancelled. For members of the run's tenant (and the platform team). A run that already finished stays as it finished.",
    attributes: { readOnly: false, destructive: true, idempotent: true },
    schema: {
      input: z => z.object({ runId: z.string().describe('The run id') }),
      output: z => z.object({ run: jsonObject(z, runDescription) }),
    },
    async action({ input, credentials }) {
      const caller = { credentials: userOf(credentials) };
      const run = await runs.cancel(caller, input.runId);
      return { output: { run: JSON.parse(JSON.stringify(run)) } };
    },
  });

  registry.register({
    name: 'retry-run',
    title: 'Retry a run',
    description:
      'Launches a finished run again as a new run with the same job type, parameters, tier and priority, under the plan as it is now. For members of its tenant.',
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({ runId: z.string().describe('The id of the finished run') }),
      output: z =>
        z.object({
          outcome: z.enum(['created', 'existing', 'dryRun']),
          run: jsonObject(z, 'The new run').optional(),
          dryRun: jsonObject(z, 'What would be created').optional(),
        }),
    },
    async action({ input, credentials }) {
      const caller = { credentials: userOf(credentials) };
      return { output: resultOf(await runs.retry(caller, input.runId)) };
    },
  });
}
