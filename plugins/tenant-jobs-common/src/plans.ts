import { PRIORITY_IDS, isPriorityAtMost, isPriorityId } from './priorities';
import { parseQuantity } from './quantity';
import { TIER_IDS, getTier, isTierAtMost, isTierId } from './tiers';
import type {
  JobTypeDefinition,
  PriorityId,
  TenantPlan,
  TierId,
} from './types';

/**
 * Values of a plan's optional limits when app-config leaves them out.
 * `jobs` counts finished Jobs too, until `ttlSecondsAfterFinished` removes
 * them, so it must cover a day's runs with the default TTL.
 *
 * @public
 */
export const DEFAULT_PLAN_LIMITS = Object.freeze({
  maxConcurrentJobs: 4,
  maxPriority: 'high' as PriorityId,
  gpu: 0,
  pods: 20,
  jobs: 200,
  maxSchedules: 25,
  maxTriggers: 25,
});

/**
 * A plan's limits with defaults filled in.
 *
 * @public
 */
export interface ResolvedPlanLimits {
  maxConcurrentJobs: number;
  maxPriority: PriorityId;
  cpu: string;
  memory: string;
  gpu: number;
  pods: number;
  jobs: number;
  highPriorityPods: number;
  maxSchedules: number;
  maxTriggers: number;
}

/**
 * A plan's limits with {@link DEFAULT_PLAN_LIMITS} filled in.
 *
 * @public
 */
export function resolvePlanLimits(plan: TenantPlan): ResolvedPlanLimits {
  const pods = plan.quota.pods ?? DEFAULT_PLAN_LIMITS.pods;
  return {
    maxConcurrentJobs:
      plan.maxConcurrentJobs ?? DEFAULT_PLAN_LIMITS.maxConcurrentJobs,
    maxPriority: plan.maxPriority ?? DEFAULT_PLAN_LIMITS.maxPriority,
    cpu: plan.quota.cpu,
    memory: plan.quota.memory,
    gpu: plan.quota.gpu ?? DEFAULT_PLAN_LIMITS.gpu,
    pods,
    jobs: plan.quota.jobs ?? DEFAULT_PLAN_LIMITS.jobs,
    highPriorityPods: plan.quota.highPriorityPods ?? Math.ceil(pods / 2),
    maxSchedules: plan.maxSchedules ?? DEFAULT_PLAN_LIMITS.maxSchedules,
    maxTriggers: plan.maxTriggers ?? DEFAULT_PLAN_LIMITS.maxTriggers,
  };
}

/**
 * Why a tenant on `plan` may not submit at `priority`, or `undefined` when
 * it may: the priority must be no more urgent than the plan's
 * `maxPriority`.
 *
 * @public
 */
export function checkPriorityAllowed(
  plan: TenantPlan,
  priority: string,
): string | undefined {
  if (!isPriorityId(priority)) {
    return `unknown priority '${priority}'; priorities are ${PRIORITY_IDS.join(
      ', ',
    )}`;
  }
  const max = resolvePlanLimits(plan).maxPriority;
  if (!isPriorityAtMost(priority, max)) {
    return `priority '${priority}' is above the highest priority of plan '${plan.id}', which is '${max}'`;
  }
  return undefined;
}

/**
 * The priorities a tenant on `plan` may use, most urgent first.
 *
 * @public
 */
export function allowedPrioritiesFor(plan: TenantPlan): PriorityId[] {
  return PRIORITY_IDS.filter(
    id => checkPriorityAllowed(plan, id) === undefined,
  );
}

/**
 * Why a tenant on `plan` may not run `jobType` at all, or `undefined` when
 * it may: the plan must list the type (or list none) and, for a GPU type,
 * have GPU quota.
 *
 * @public
 */
export function checkJobTypeAllowed(
  jobType: Pick<JobTypeDefinition, 'id' | 'gpu'>,
  plan: TenantPlan,
): string | undefined {
  if (plan.allowedJobTypes && !plan.allowedJobTypes.includes(jobType.id)) {
    return `job type '${jobType.id}' is not available on plan '${
      plan.id
    }'; allowed: ${plan.allowedJobTypes.join(', ') || 'none'}`;
  }
  if (jobType.gpu && resolvePlanLimits(plan).gpu <= 0) {
    return `job type '${jobType.id}' needs a GPU and plan '${plan.id}' has no GPU quota`;
  }
  return undefined;
}

/**
 * Why `tier` may not be used for `jobType` on `plan`, or `undefined` when
 * it may: the tier must be one of the type's allowed tiers, no larger than
 * the plan's maximum tier, and offer a GPU when the type needs one.
 *
 * @public
 */
export function checkTierAllowed(
  jobType: Pick<JobTypeDefinition, 'id' | 'allowedTiers' | 'gpu'>,
  plan: Pick<TenantPlan, 'id' | 'maxTier'> & {
    quota?: Pick<TenantPlan['quota'], 'gpu'>;
  },
  tier: string,
): string | undefined {
  if (!isTierId(tier)) {
    return `unknown tier '${tier}'; tiers are ${TIER_IDS.join(', ')}`;
  }
  if (!jobType.allowedTiers.includes(tier)) {
    return `tier '${tier}' is not allowed for job type '${
      jobType.id
    }'; allowed: ${jobType.allowedTiers.join(', ')}`;
  }
  if (!isTierAtMost(tier, plan.maxTier)) {
    return `tier '${tier}' exceeds the maximum tier '${plan.maxTier}' of plan '${plan.id}'`;
  }
  if (jobType.gpu && !getTier(tier).gpu) {
    return `tier '${tier}' has no GPU, which job type '${jobType.id}' needs`;
  }
  const gpus = getTier(tier).gpu ?? 0;
  if (jobType.gpu && plan.quota && gpus > (plan.quota.gpu ?? 0)) {
    return `tier '${tier}' needs ${gpus} GPUs and plan '${
      plan.id
    }' has a GPU quota of ${plan.quota.gpu ?? 0}`;
  }
  return undefined;
}

/**
 * The tiers of `jobType` a tenant on `plan` may use, smallest first.
 *
 * @public
 */
export function allowedTiersFor(
  jobType: Pick<JobTypeDefinition, 'id' | 'allowedTiers' | 'gpu'>,
  plan: Pick<TenantPlan, 'id' | 'maxTier'> & {
    quota?: Pick<TenantPlan['quota'], 'gpu'>;
  },
): TierId[] {
  return TIER_IDS.filter(
    tier => checkTierAllowed(jobType, plan, tier) === undefined,
  );
}

function isCount(value: number | undefined): boolean {
  return value === undefined || (Number.isInteger(value) && value >= 0);
}

/**
 * Why a tenant on `plan` that has `existing` schedules (or trigger rules)
 * may not add `adding` more, or undefined when it may: the plan's
 * `maxSchedules` (`maxTriggers`) bounds them.
 *
 * @public
 */
export function checkConfigurationLimit(
  plan: TenantPlan,
  what: 'schedules' | 'triggers',
  existing: number,
  adding: number,
): string | undefined {
  const limits = resolvePlanLimits(plan);
  const [max, key] =
    what === 'schedules'
      ? [limits.maxSchedules, 'maxSchedules']
      : [limits.maxTriggers, 'maxTriggers'];
  if (existing + adding <= max) return undefined;
  const noun = what === 'schedules' ? 'schedules' : 'trigger rules';
  return `${what}: plan '${
    plan.id
  }' allows at most ${max} ${noun} per tenant (${key}); the tenant has ${existing}${
    adding > 1 ? ` and this adds ${adding}` : ''
  }; delete some first or ask the platform team for a larger plan`;
}

/**
 * Problems of a configured plan, empty when there are none: an unknown
 * maximum tier, malformed or negative amounts, or a quota too small for
 * one job of the plan's maximum tier.
 *
 * @public
 */
export function validateTenantPlan(plan: TenantPlan): string[] {
  const problems: string[] = [];
  const where = `plan '${plan.id}'`;
  const cpu = parseQuantity(plan.quota.cpu);
  const memory = parseQuantity(plan.quota.memory);
  if (cpu === undefined) {
    problems.push(`${where}: quota.cpu '${plan.quota.cpu}' is not a quantity`);
  }
  if (memory === undefined) {
    problems.push(
      `${where}: quota.memory '${plan.quota.memory}' is not a quantity`,
    );
  }
  if (plan.maxPriority !== undefined && !isPriorityId(plan.maxPriority)) {
    problems.push(
      `${where}: maxPriority '${
        plan.maxPriority
      }' is not one of ${PRIORITY_IDS.join(', ')}`,
    );
  }
  for (const key of ['gpu', 'pods', 'jobs', 'highPriorityPods'] as const) {
    if (!isCount(plan.quota[key])) {
      problems.push(`${where}: quota.${key} must be a whole number`);
    }
  }
  if (
    plan.maxConcurrentJobs !== undefined &&
    !(Number.isInteger(plan.maxConcurrentJobs) && plan.maxConcurrentJobs > 0)
  ) {
    problems.push(
      `${where}: maxConcurrentJobs must be a positive whole number`,
    );
  }
  for (const key of ['maxSchedules', 'maxTriggers'] as const) {
    if (!isCount(plan[key])) {
      problems.push(`${where}: ${key} must be a whole number (0 for none)`);
    }
  }
  if (!isTierId(plan.maxTier)) {
    problems.push(
      `${where}: maxTier '${plan.maxTier}' is not one of ${TIER_IDS.join(
        ', ',
      )}`,
    );
    return problems;
  }
  const tier = getTier(plan.maxTier);
  if (cpu !== undefined && cpu < (parseQuantity(tier.cpu) ?? 0)) {
    problems.push(
      `${where}: quota.cpu ${plan.quota.cpu} cannot fit one '${tier.id}' job (${tier.cpu})`,
    );
  }
  if (memory !== undefined && memory < (parseQuantity(tier.memory) ?? 0)) {
    problems.push(
      `${where}: quota.memory ${plan.quota.memory} cannot fit one '${tier.id}' job (${tier.memory})`,
    );
  }
  return problems;
}
