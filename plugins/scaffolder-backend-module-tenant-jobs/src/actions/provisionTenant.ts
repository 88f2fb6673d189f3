import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { TenantJobsClient } from '../client';
import { provisionTenantExamples } from './provisionTenant.examples';

/**
 * `tenant-jobs:tenant:provision`: provisions a tenant's namespace ahead of
 * its first job, as the user who runs the template. The backend allows it
 * to holders of `tenant-jobs.tenant.provision` (the platform team) only.
 *
 * @public
 */
export function createTenantProvisionAction(options: {
  client: TenantJobsClient;
}) {
  const { client } = options;
  return createTemplateAction({
    id: 'tenant-jobs:tenant:provision',
    description:
      "Provisions a Tenant Jobs tenant now rather than with its first job: its namespace (restricted Pod Security), ResourceQuota, LimitRange, network policy and runner ServiceAccount, from the plan the platform team configured. The tenant's Group must be in the catalog. Acts as the user who runs the template, who needs the permission tenant-jobs.tenant.provision (the platform team).",
    examples: provisionTenantExamples,
    supportsDryRun: true,
    schema: {
      input: {
        tenantId: z =>
          z
            .string()
            .min(1)
            .describe(
              'Id of the tenant: the `tenant-jobs.io/tenant-id` annotation of its Group.',
            ),
      },
      output: {
        namespace: z => z.string().describe("The tenant's namespace."),
        cluster: z => z.string().describe('The cluster it is in.'),
        plan: z => z.string().describe("Id of the tenant's plan."),
        groupRef: z =>
          z.string().describe("Entity ref of the tenant's owning Group."),
      },
    },
    async handler(ctx) {
      const { tenantId } = ctx.input;
      const credentials = await ctx.getInitiatorCredentials();
      const dryRun = Boolean(ctx.isDryRun);
      if (ctx.signal?.aborted) {
        throw new Error(
          `The task was cancelled before tenant '${tenantId}' was provisioned; nothing was applied`,
        );
      }
      const result = await client.provision(credentials, tenantId, { dryRun });
      ctx.logger.info(
        dryRun
          ? `Dry run: tenant '${tenantId}' (plan '${result.plan.id}') would be provisioned in namespace ${result.namespace} on cluster '${result.cluster}'; nothing was applied`
          : `Provisioned tenant '${tenantId}' (plan '${result.plan.id}', group ${result.groupRef}) in namespace ${result.namespace} on cluster '${result.cluster}'`,
      );
      ctx.output('namespace', result.namespace);
      ctx.output('cluster', result.cluster);
      ctx.output('plan', result.plan.id);
      ctx.output('groupRef', result.groupRef);
    },
  });
}
