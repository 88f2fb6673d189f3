import { ActionContext, jsonObject, userOf } from './context';

/**
 * `list-job-types`: what the caller may launch, as `GET /job-types` and
 * `GET /tenants` answer it: each job type with its parameter schema, and
 * the caller's tenants with the plan each is on.
 */
export function registerJobTypeActions(context: ActionContext): void {
  const { registry, access, useCases } = context;
  registry.register({
    name: 'list-job-types',
    title: 'List job types and plans',
    description:
      "Lists the job types a run can be launched from, each with its parameters as JSON Schema, its default and allowed resource tiers and its deadline, and the caller's tenants with their plan: the job types (allowedJobTypes; all when absent), the largest tier (maxTier), the most urgent priority (maxPriority) and how many runs at once (maxConcurrentJobs) it allows. Call this before launch-run to choose a tenantId, jobType, tier and parameters.",
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z => z.object({}),
      output: z =>
        z.object({
          jobTypes: z.array(
            jsonObject(
              z,
              'A job type: id, title, description, category, gpu, defaultTier, allowedTiers, defaultDeadlineSeconds, retries and parameterSchema (JSON Schema of its parameters)',
            ),
          ),
          tenants: z.array(
            jsonObject(
              z,
              'A tenant the caller is a member of: id, title, plan (its limits), cluster, namespace, activeJobs and quota use',
            ),
          ),
        }),
    },
    async action({ credentials }) {
      const user = userOf(credentials);
      const tenants = await useCases.tenants.summariesFor(
        await access.ownership(user),
      );
      const jobTypes = useCases.jobTypes.describe();
      return { output: JSON.parse(JSON.stringify({ jobTypes, tenants })) };
    },
  });
}
