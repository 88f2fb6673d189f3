// create-*-job and create-tenant-jobs: launch runs through the plugin's
// launch-run action, as the signed-in user, within their tenant's plan.
import { ApiError } from './client.mjs';
import { flag, parametersFrom, UsageError } from './variables.mjs';

/** Tiers from the smallest, as the plugin orders them. */
const TIERS = ['micro', 'small', 'medium', 'large', 'xlarge', 'enterprise'];

/** The job types and the caller's tenants, with the tenant to use. */
async function catalogOf(client, variables) {
  const { jobTypes, tenants } = await client.invoke('list-job-types');
  const ids = tenants.map(tenant => tenant.id);
  let tenantId = variables.TENANT_ID;
  if (!tenantId) {
    if (ids.length !== 1) {
      throw new UsageError(
        ids.length === 0
          ? 'you are a member of no tenant: ask your platform team to add you to a tenant group'
          : `TENANT_ID is not set: one of your tenants ${ids.join(', ')}`,
      );
    }
    [tenantId] = ids;
  }
  const tenant = tenants.find(t => t.id === tenantId);
  return { jobTypes, tenants, tenant, tenantId };
}

function describeParameters(sources) {
  return sources
    .map(({ parameter, name, example }) =>
      example ? `${parameter} (example)` : `${parameter} (${name})`,
    )
    .join(', ');
}

function printOutcome(out, output, input) {
  if (output.outcome === 'dryRun') {
    out.log(
      `Dry run of ${input.jobType} in ${input.tenantId}: allowed, nothing was created.`,
    );
    const dry = output.dryRun ?? {};
    const pod = dry.manifest?.spec?.template?.spec ?? {};
    const container = pod.containers?.[0] ?? {};
    const requests = Object.entries(container.resources?.requests ?? {})
      .map(([name, value]) => `${name} ${value}`)
      .join(', ');
    const parameters = (container.env ?? [])
      .filter(variable => variable.name.startsWith('TJ_PARAM_'))
      .map(
        variable => `${variable.name.slice(9).toLowerCase()}=${variable.value}`,
      )
      .join(' ');
    out.log(`  Job ${dry.jobName} in namespace ${dry.namespace}`);
    out.log(
      `  priority ${dry.priority} (PriorityClass ${pod.priorityClassName}), tier ${dry.tier}: ${requests}`,
    );
    out.log(`  parameters ${parameters}`);
    if (dry.message) {
      out.log(`  ${dry.message}`);
    }
    out.log('  OUTPUT=json shows the whole Job.');
    return;
  }
  const { run } = output;
  const what = `${run.jobType} in ${run.tenantId}, tier ${run.tier}, priority ${run.priority}`;
  out.log(
    output.outcome === 'existing'
      ? `Run ${run.id} was launched before with IDEMPOTENCY_KEY=${input.idempotencyKey}: ${what}, ${run.status}`
      : `Launched run ${run.id}: ${what}, ${run.status}`,
  );
  out.log(`Follow it: make monitor-job RUN=${run.id}`);
}

/** create-<type>-job: one run of `jobTypeId` from the make variables. */
export async function createJob(client, variables, jobTypeId, out) {
  const { jobTypes, tenantId } = await catalogOf(client, variables);
  const jobType = jobTypes.find(type => type.id === jobTypeId);
  if (!jobType) {
    throw new UsageError(
      `no job type '${jobTypeId}' on this Backstage; it has ${jobTypes
        .map(type => type.id)
        .join(', ')}`,
    );
  }
  const { parameters, sources } = parametersFrom(
    variables,
    jobType.parameterSchema,
  );
  const input = {
    tenantId,
    jobType: jobTypeId,
    parameters,
    tier: variables.RESOURCE_TIER || undefined,
    priority: variables.PRIORITY || undefined,
    entityRef: variables.ENTITY || undefined,
    idempotencyKey: variables.IDEMPOTENCY_KEY || undefined,
    dryRun: flag(variables, 'DRY_RUN') || undefined,
  };
  if (sources.length > 0 && variables.OUTPUT !== 'json') {
    out.log(`Parameters from ${describeParameters(sources)}`);
  }
  const output = await client.invoke('launch-run', input);
  if (variables.OUTPUT === 'json') {
    out.log(JSON.stringify(output, null, 2));
  } else {
    printOutcome(out, output, input);
  }
  return 0;
}

/** The tier a job type runs on under a plan: its default, else the largest that fits. */
export function tierFor(jobType, plan) {
  const max = TIERS.indexOf(plan?.maxTier ?? 'enterprise');
  const fits = tier => TIERS.indexOf(tier) <= max;
  if (fits(jobType.defaultTier)) {
    return jobType.defaultTier;
  }
  const allowed = (jobType.allowedTiers ?? TIERS).filter(fits);
  return allowed.sort((a, b) => TIERS.indexOf(b) - TIERS.indexOf(a))[0];
}

/**
 * create-tenant-jobs: one run of each job type the tenant's plan allows,
 * with the parameters' defaults (their first example where a required
 * parameter has none), each on its default tier or the largest the plan
 * allows. Goes on past a refusal; fails if any was refused.
 */
export async function createTenantJobs(client, variables, out) {
  const { jobTypes, tenant, tenantId } = await catalogOf(client, variables);
  if (!tenant) {
    throw new ApiError(
      404,
      `NotFoundError: you are not a member of tenant '${tenantId}'`,
    );
  }
  const allowed = tenant.plan?.allowedJobTypes;
  const chosen = jobTypes.filter(type => !allowed || allowed.includes(type.id));
  const dryRun = flag(variables, 'DRY_RUN') || undefined;
  out.log(
    `Tenant ${tenantId} (plan ${tenant.plan?.id}): ${chosen.length} job types${
      dryRun ? ', dry run' : ''
    }`,
  );
  let refused = 0;
  for (const jobType of chosen) {
    const tier = variables.RESOURCE_TIER || tierFor(jobType, tenant.plan);
    if (!tier) {
      out.log(
        `  ${jobType.id}: skipped, none of its tiers fits the plan's maxTier '${tenant.plan.maxTier}'`,
      );
      continue;
    }
    try {
      const { parameters } = parametersFrom({}, jobType.parameterSchema, {
        examples: true,
      });
      const output = await client.invoke('launch-run', {
        tenantId,
        jobType: jobType.id,
        parameters,
        tier,
        priority: variables.PRIORITY || undefined,
        dryRun,
      });
      out.log(
        output.outcome === 'dryRun'
          ? `  ${jobType.id}: allowed on tier ${tier}, nothing created`
          : `  ${jobType.id}: run ${output.run.id} on tier ${tier}, ${output.run.status}`,
      );
    } catch (error) {
      refused += 1;
      out.log(`  ${jobType.id}: refused: ${error.message}`);
    }
  }
  return refused > 0 ? 1 : 0;
}
