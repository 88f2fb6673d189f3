import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { TenantJobsClient } from '../client';
import { DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS } from './createJob';
import { ActionSettings, runOutputs } from './util';
import { waitForJobExamples } from './waitForJob.examples';
import { describeRun, PollInterval, watchRun } from './watchRun';

/**
 * `tenant-jobs:run:wait`: waits for a run to start or finish, as the user
 * who runs the template, writing each status change to the task log.
 *
 * @public
 */
export function createTenantJobWaitAction(options: {
  client: TenantJobsClient;
  settings: ActionSettings;
  pollInterval?: PollInterval;
}) {
  const { client, settings } = options;
  return createTemplateAction({
    id: 'tenant-jobs:run:wait',
    description:
      'Waits until a Tenant Jobs run started or finished, writing each status change to the task log. A failed or cancelled run fails the step; cancelling the task cancels the run. Reads the run as the user who runs the template, who must be allowed to see it.',
    examples: waitForJobExamples,
    supportsDryRun: true,
    schema: {
      input: {
        runId: z =>
          z
            .string()
            .min(1)
            .describe(
              'Id of the run, e.g. `${{ steps.launch.output.runId }}`.',
            ),
        until: z =>
          z
            .enum(['started', 'finished'])
            .optional()
            .describe(
              '`started`: until its pod runs. `finished` (default): until it succeeded.',
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
        runId: z => z.string().optional().describe('Id of the run.'),
        jobName: z =>
          z.string().optional().describe('Name of the Kubernetes Job.'),
        namespace: z =>
          z.string().optional().describe("The tenant's namespace."),
        cluster: z =>
          z.string().optional().describe('The cluster the Job runs in.'),
        status: z =>
          z
            .string()
            .optional()
            .describe('Status of the run when the wait ended.'),
        reason: z =>
          z
            .string()
            .optional()
            .describe('Reason of that status, e.g. `Completed`.'),
        link: z =>
          z
            .string()
            .optional()
            .describe("Link to the run's page in the portal."),
      },
    },
    async handler(ctx) {
      const { runId } = ctx.input;
      const until = ctx.input.until ?? 'finished';
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would wait until run ${
            runId || '(none)'
          } ${until}; nothing was read`,
        );
        ctx.output('status', 'DryRun');
        return;
      }
      const credentials = await ctx.getInitiatorCredentials();
      const run = await watchRun({
        runId,
        until,
        fetchRun: () => client.getRun(credentials, runId),
        cancelRun: () => client.cancel(credentials, runId),
        logger: ctx.logger,
        timeoutMs: (ctx.input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
        cancelOnTimeout: ctx.input.cancelOnTimeout,
        signal: ctx.signal,
        pollInterval: options.pollInterval,
      });
      const outputs = runOutputs(settings, run);
      ctx.output('runId', outputs.runId);
      ctx.output('jobName', outputs.jobName);
      ctx.output('namespace', outputs.namespace);
      ctx.output('cluster', outputs.cluster);
      ctx.output('status', outputs.status);
      if (run.reason) ctx.output('reason', run.reason);
      if (outputs.link) ctx.output('link', outputs.link);
      ctx.logger.info(
        `Run ${run.id} ${
          until === 'started' ? 'started' : 'finished'
        }: ${describeRun(run)}`,
      );
    },
  });
}
