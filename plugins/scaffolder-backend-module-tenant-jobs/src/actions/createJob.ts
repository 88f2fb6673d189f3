import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  PRIORITY_IDS,
  PriorityId,
  RunStatus,
  TIER_IDS,
  TierId,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { SubmitBody, TenantJobsClient } from '../client';
import { createJobExamples } from './createJob.examples';
import {
  ActionSettings,
  idempotencyKeyFor,
  requestDigest,
  runOutputs,
} from './util';
import { describeRun, PollInterval, watchRun, WaitUntil } from './watchRun';

/** Seconds a step waits for its run when the template does not say. */
export const DEFAULT_TIMEOUT_SECONDS = 3600;
/** The longest wait a template may ask for: a day. */
export const MAX_TIMEOUT_SECONDS = 86_400;

const tiers = TIER_IDS as [TierId, ...TierId[]];
const priorities = PRIORITY_IDS as [PriorityId, ...PriorityId[]];

/** What a checkpoint keeps of a submission, so a retry does not submit again. */
type Submitted = {
  runId: string;
  jobName: string;
  namespace: string;
  cluster: string;
  status: string;
  replayed: boolean;
};

/**
 * `tenant-jobs:run:create`: launches a tenant job on behalf of the user who
 * runs the template, and optionally waits for it to start or finish.
 *
 * @public
 */
export function createTenantJobCreateAction(options: {
  client: TenantJobsClient;
  settings: ActionSettings;
  pollInterval?: PollInterval;
}) {
  const { client, settings } = options;
  return createTemplateAction({
    id: 'tenant-jobs:run:create',
    description:
      "Launches a Tenant Jobs job (ML training, data ETL, backup, scan, report...) in the tenant's Kubernetes namespace, as the user who runs the template: that user must be a member of the tenant, and the tenant's plan decides the tiers, priorities and job types allowed. Optionally waits until the job started or finished, writing each status change to the task log. A retried task never submits twice, and cancelling the task cancels the job it waits for.",
    examples: createJobExamples,
    supportsDryRun: true,
    schema: {
      input: {
        tenantId: z =>
          z
            .string()
            .min(1)
            .describe(
              'Id of the tenant to run the job for: the `tenant-jobs.io/tenant-id` of its Group. The user who runs the template must be a member of that Group.',
            ),
        jobType: z =>
          z
            .string()
            .min(1)
            .describe(
              'Job type id: ml-training, data-etl, tenant-backup, security-scan, billing-report, or one the platform team added (GET /api/tenant-jobs/job-types lists them).',
            ),
        tier: z =>
          z
            .enum(tiers)
            .optional()
            .describe(
              "Resource tier (cpu, memory, GPUs), at most the plan's maxTier and one of the type's allowed tiers; the type's default tier when absent.",
            ),
        priority: z =>
          z
            .enum(priorities)
            .optional()
            .describe(
              "Priority, at most the plan's maxPriority; `normal` when absent.",
            ),
        parameters: z =>
          z
            .record(z.any())
            .optional()
            .describe(
              "The job type's parameters, checked against its parameter JSON Schema by the backend.",
            ),
        entityRef: z =>
          z
            .string()
            .optional()
            .describe(
              "Catalog entity the run belongs to (owned by the tenant's Group or annotated with its tenant id), e.g. the component the template runs for; its Jobs tab shows the run.",
            ),
        dryRun: z =>
          z
            .boolean()
            .optional()
            .describe(
              "Only check the job (plan, tier, priority, parameters, entity and, when the tenant's namespace exists, the apiserver's admission and quota) and create nothing. Always on when the template itself runs as a dry run.",
            ),
        wait: z =>
          z
            .enum(['none', 'started', 'finished'])
            .optional()
            .describe(
              '`none` (default): return once the run is recorded. `started`: wait until its pod runs. `finished`: wait until it succeeded; a failed or cancelled run fails the step.',
            ),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .min(1)
            .max(MAX_TIMEOUT_SECONDS)
            .optional()
            .describe(
              `How long to wait, in seconds (default ${DEFAULT_TIMEOUT_SECONDS}). When it passes the step fails; the run goes on unless cancelOnTimeout is set.`,
            ),
        cancelOnTimeout: z =>
          z
            .boolean()
            .optional()
            .describe('Cancel the run when the wait times out.'),
      },
      output: {
        runId: z =>
          z
            .string()
            .optional()
            .describe('Id of the run (absent in a dry run).'),
        jobName: z =>
          z.string().optional().describe('Name of the Kubernetes Job.'),
        namespace: z =>
          z.string().optional().describe("The tenant's namespace."),
        cluster: z =>
          z
            .string()
            .optional()
            .describe('The cluster the Job runs in (absent in a dry run).'),
        status: z =>
          z
            .string()
            .optional()
            .describe(
              'Status of the run when the step ended: Queued, Pending, Running, Succeeded (or DryRun).',
            ),
        link: z =>
          z
            .string()
            .optional()
            .describe("Link to the run's page in the portal."),
        checkedBy: z =>
          z
            .string()
            .optional()
            .describe(
              'In a dry run, who judged the Job: `apiserver` or `plugin`.',
            ),
        message: z =>
          z.string().optional().describe('In a dry run, the verdict in words.'),
      },
    },
    async handler(ctx) {
      const input = ctx.input;
      const dryRun = Boolean(ctx.isDryRun || input.dryRun);
      const body: SubmitBody = {
        tenantId: input.tenantId,
        jobType: input.jobType,
        ...(input.tier ? { tier: input.tier } : {}),
        ...(input.priority ? { priority: input.priority } : {}),
        parameters: input.parameters ?? {},
        ...(input.entityRef ? { entityRef: input.entityRef } : {}),
      };
      const credentials = await ctx.getInitiatorCredentials();

      if (dryRun) {
        const answer = await client.submit(credentials, {
          ...body,
          dryRun: true,
        });
        if (answer.kind !== 'dryRun') {
          throw new Error('The tenant-jobs backend did not answer a dry run');
        }
        const { dryRun: result } = answer;
        ctx.logger.info(
          `Dry run: the ${result.jobType} job of tenant '${result.tenantId}' would run as Job ${result.namespace}/${result.jobName} (tier ${result.tier}, priority ${result.priority}); checked by the ${result.checkedBy}: ${result.message}. Nothing was created.`,
        );
        ctx.output('jobName', result.jobName);
        ctx.output('namespace', result.namespace);
        ctx.output('status', 'DryRun');
        ctx.output('checkedBy', result.checkedBy);
        ctx.output('message', result.message);
        return;
      }

      if (ctx.signal?.aborted) {
        throw new Error(
          `The task was cancelled before the ${input.jobType} job was submitted; nothing was created`,
        );
      }
      const digest = requestDigest(body);
      const idempotencyKey = idempotencyKeyFor(
        ctx.task.id,
        ctx.step?.id,
        digest,
      );
      let submittedNow = false;
      const submitted = await ctx.checkpoint<Submitted>({
        key: `submit-${digest}`,
        fn: async () => {
          submittedNow = true;
          const answer = await client.submit(credentials, {
            ...body,
            idempotencyKey,
          });
          if (answer.kind === 'dryRun') {
            throw new Error('The tenant-jobs backend answered a dry run');
          }
          const { run } = answer;
          return {
            runId: run.id,
            jobName: run.jobName,
            namespace: run.namespace,
            cluster: run.cluster,
            status: run.status,
            replayed: answer.kind === 'existing',
          };
        },
      });
      const where = `Job ${submitted.namespace}/${submitted.jobName} on cluster '${submitted.cluster}'`;
      if (!submittedNow) {
        ctx.logger.info(
          `Run ${submitted.runId} was submitted by an earlier attempt of this task (${where}); not submitting again`,
        );
      } else if (submitted.replayed) {
        ctx.logger.info(
          `Run ${submitted.runId} already existed for this task and step (idempotency key ${idempotencyKey}); not submitted again (${where})`,
        );
      } else {
        ctx.logger.info(
          `Submitted run ${submitted.runId} of ${input.jobType} for tenant '${input.tenantId}' as ${where}`,
        );
      }

      const outputs = runOutputs(settings, {
        id: submitted.runId,
        jobName: submitted.jobName,
        namespace: submitted.namespace,
        cluster: submitted.cluster,
        status: submitted.status as RunStatus,
      });
      ctx.output('runId', outputs.runId);
      ctx.output('jobName', outputs.jobName);
      ctx.output('namespace', outputs.namespace);
      ctx.output('cluster', outputs.cluster);
      ctx.output('status', outputs.status);
      if (outputs.link) ctx.output('link', outputs.link);
      if (outputs.link) {
        ctx.logger.info(`Follow the run at ${outputs.link}`);
      }

      const wait = input.wait ?? 'none';
      if (wait === 'none') return;
      const run = await watchRun({
        runId: submitted.runId,
        until: wait as WaitUntil,
        fetchRun: () => client.getRun(credentials, submitted.runId),
        cancelRun: () => client.cancel(credentials, submitted.runId),
        logger: ctx.logger,
        timeoutMs: (input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
        cancelOnTimeout: input.cancelOnTimeout,
        signal: ctx.signal,
        pollInterval: options.pollInterval,
      });
      ctx.output('status', run.status);
      ctx.logger.info(
        `Run ${run.id} ${
          wait === 'started' ? 'started' : 'finished'
        }: ${describeRun(run)}`,
      );
    },
  });
}
