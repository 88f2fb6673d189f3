import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { isTerminalRunStatus } from '@tenant-jobs/plugin-tenant-jobs-common';
import { TenantJobsClient } from '../client';
import { cancelJobExamples } from './cancelJob.examples';
import { describeRun } from './watchRun';

/**
 * `tenant-jobs:run:cancel`: cancels a queued or running run as the user who
 * runs the template.
 *
 * @public
 */
export function createTenantJobCancelAction(options: {
  client: TenantJobsClient;
}) {
  const { client } = options;
  return createTemplateAction({
    id: 'tenant-jobs:run:cancel',
    description:
      "Cancels a queued or running Tenant Jobs run: its Job and pods are deleted and the run becomes Cancelled. Acts as the user who runs the template, who must be a member of the run's tenant. A run that already finished fails the step unless ignoreFinished is set.",
    examples: cancelJobExamples,
    supportsDryRun: true,
    schema: {
      input: {
        runId: z => z.string().min(1).describe('Id of the run to cancel.'),
        ignoreFinished: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Succeed without cancelling when the run already finished (default: fail the step).',
            ),
      },
      output: {
        status: z =>
          z
            .string()
            .optional()
            .describe('Status of the run afterwards, `Cancelled` normally.'),
        reason: z => z.string().optional().describe('Reason of that status.'),
      },
    },
    async handler(ctx) {
      const { runId } = ctx.input;
      const credentials = await ctx.getInitiatorCredentials();
      if (ctx.isDryRun) {
        // Reading it checks that the user may see the run; nothing changes.
        const run = runId ? await client.getRun(credentials, runId) : undefined;
        ctx.logger.info(
          run
            ? `Dry run: would cancel run ${runId}, now ${describeRun(
                run,
              )}; nothing was cancelled`
            : 'Dry run: no run to cancel',
        );
        ctx.output('status', 'DryRun');
        return;
      }
      // A retried task finds the cancellation it already made, instead of
      // failing on a run that is now finished.
      const result = await ctx.checkpoint<{ status: string; reason?: string }>({
        key: `cancel-${runId}`,
        fn: async () => {
          const before = await client.getRun(credentials, runId);
          if (ctx.input.ignoreFinished && isTerminalRunStatus(before.status)) {
            ctx.logger.info(
              `Run ${runId} already finished (${describeRun(
                before,
              )}); nothing to cancel`,
            );
            return { status: before.status, reason: before.reason };
          }
          const run = await client.cancel(credentials, runId);
          ctx.logger.info(`Run ${runId}: ${describeRun(run)}`);
          return { status: run.status, reason: run.reason };
        },
      });
      ctx.output('status', result.status);
      if (result.reason) ctx.output('reason', result.reason);
    },
  });
}
