import { BUILT_IN_JOB_TYPES } from './jobTypes';
import {
  DEFAULT_PLAN_LIMITS,
  allowedTiersFor,
  checkJobTypeAllowed,
  checkTierAllowed,
  resolvePlanLimits,
  checkPriorityAllowed,
  allowedPrioritiesFor,
  validateTenantPlan,
  checkConfigurationLimit,
} from './plans';
import type { TenantPlan } from './types';

const standard: TenantPlan = {
  id: 'standard',
  maxTier: 'large',
  allowedJobTypes: ['data-etl', 'billing-report', 'ml-training'],
  maxConcurrentJobs: 2,
  quota: { cpu: '8', memory: '16Gi' },
};

const enterprise: TenantPlan = {
  id: 'enterprise',
  maxTier: 'enterprise',
  quota: { cpu: '64', memory: '128Gi', gpu: 4, pods: 50, jobs: 500 },
};

const etl = BUILT_IN_JOB_TYPES['data-etl'];
const ml = BUILT_IN_JOB_TYPES['ml-training'];
const billing = BUILT_IN_JOB_TYPES['billing-report'];

describe('checkTierAllowed', () => {
  it('accepts a tier the type allows within the plan', () => {
    expect(checkTierAllowed(etl, standard, 'large')).toBeUndefined();
    expect(checkTierAllowed(etl, standard, 'small')).toBeUndefined();
    expect(checkTierAllowed(ml, enterprise, 'enterprise')).toBeUndefined();
  });

  it('refuses a GPU tier that needs more GPUs than the plan has', () => {
    const oneGpu = { ...enterprise, quota: { ...enterprise.quota, gpu: 1 } };
    expect(checkTierAllowed(ml, oneGpu, 'enterprise')).toBe(
      "tier 'enterprise' needs 2 GPUs and plan 'enterprise' has a GPU quota of 1",
    );
    expect(checkTierAllowed(ml, oneGpu, 'xlarge')).toBeUndefined();
  });

  it('refuses a tier the type does not allow', () => {
    expect(checkTierAllowed(etl, enterprise, 'micro')).toBe(
      "tier 'micro' is not allowed for job type 'data-etl'; allowed: small, medium, large, xlarge",
    );
    expect(checkTierAllowed(etl, enterprise, 'enterprise')).toContain(
      'is not allowed for job type',
    );
  });

  it('refuses a tier above the plan maximum', () => {
    expect(checkTierAllowed(etl, standard, 'xlarge')).toBe(
      "tier 'xlarge' exceeds the maximum tier 'large' of plan 'standard'",
    );
    expect(checkTierAllowed(ml, standard, 'xlarge')).toContain(
      "exceeds the maximum tier 'large'",
    );
  });

  it('refuses an unknown tier', () => {
    expect(checkTierAllowed(etl, standard, 'huge')).toBe(
      "unknown tier 'huge'; tiers are micro, small, medium, large, xlarge, enterprise",
    );
  });

  it('refuses a GPU type on a tier without GPU', () => {
    const sloppy = { ...ml, allowedTiers: ['large', 'xlarge'] as const };
    expect(checkTierAllowed(sloppy, enterprise, 'large')).toBe(
      "tier 'large' has no GPU, which job type 'ml-training' needs",
    );
  });

  it('lists the tiers a plan may use for a type', () => {
    expect(allowedTiersFor(etl, standard)).toEqual([
      'small',
      'medium',
      'large',
    ]);
    expect(allowedTiersFor(billing, standard)).toEqual([
      'micro',
      'small',
      'medium',
      'large',
    ]);
    expect(allowedTiersFor(ml, standard)).toEqual([]);
    expect(allowedTiersFor(ml, enterprise)).toEqual(['xlarge', 'enterprise']);
  });
});

describe('checkJobTypeAllowed', () => {
  it('accepts listed types and every type when none are listed', () => {
    expect(checkJobTypeAllowed(etl, standard)).toBeUndefined();
    expect(
      checkJobTypeAllowed(BUILT_IN_JOB_TYPES['security-scan'], enterprise),
    ).toBeUndefined();
  });

  it('refuses unlisted types', () => {
    expect(
      checkJobTypeAllowed(BUILT_IN_JOB_TYPES['tenant-backup'], standard),
    ).toBe(
      "job type 'tenant-backup' is not available on plan 'standard'; allowed: data-etl, billing-report, ml-training",
    );
    expect(
      checkJobTypeAllowed(etl, { ...standard, allowedJobTypes: [] }),
    ).toContain('allowed: none');
  });

  it('refuses GPU types without GPU quota', () => {
    expect(checkJobTypeAllowed(ml, standard)).toBe(
      "job type 'ml-training' needs a GPU and plan 'standard' has no GPU quota",
    );
    expect(checkJobTypeAllowed(ml, enterprise)).toBeUndefined();
  });
});

describe('resolvePlanLimits', () => {
  it('fills in defaults', () => {
    expect(resolvePlanLimits(standard)).toEqual({
      maxConcurrentJobs: 2,
      cpu: '8',
      memory: '16Gi',
      gpu: DEFAULT_PLAN_LIMITS.gpu,
      pods: DEFAULT_PLAN_LIMITS.pods,
      jobs: DEFAULT_PLAN_LIMITS.jobs,
      maxPriority: 'high',
      highPriorityPods: Math.ceil(DEFAULT_PLAN_LIMITS.pods / 2),
      maxSchedules: 25,
      maxTriggers: 25,
    });
    expect(
      resolvePlanLimits({ ...enterprise, maxConcurrentJobs: undefined })
        .maxConcurrentJobs,
    ).toBe(4);
    expect(resolvePlanLimits(enterprise)).toMatchObject({
      gpu: 4,
      pods: 50,
      jobs: 500,
    });
  });
});

describe('checkConfigurationLimit', () => {
  it('allows up to the plan limit, counting what exists and what is added', () => {
    const plan = { ...standard, maxSchedules: 3, maxTriggers: 0 };
    expect(checkConfigurationLimit(plan, 'schedules', 2, 1)).toBeUndefined();
    expect(checkConfigurationLimit(plan, 'schedules', 3, 1)).toBe(
      "schedules: plan 'standard' allows at most 3 schedules per tenant (maxSchedules); the tenant has 3; delete some first or ask the platform team for a larger plan",
    );
    expect(checkConfigurationLimit(plan, 'schedules', 1, 5)).toContain(
      'the tenant has 1 and this adds 5',
    );
    expect(checkConfigurationLimit(plan, 'triggers', 0, 1)).toContain(
      'at most 0 trigger rules per tenant (maxTriggers)',
    );
    expect(
      checkConfigurationLimit(standard, 'triggers', 24, 1),
    ).toBeUndefined();
  });

  it('is checked in plans', () => {
    expect(validateTenantPlan({ ...standard, maxSchedules: -1 })).toContain(
      "plan 'standard': maxSchedules must be a whole number (0 for none)",
    );
  });
});

describe('checkPriorityAllowed', () => {
  it('keeps critical for plans granted it', () => {
    expect(checkPriorityAllowed(standard, 'high')).toBeUndefined();
    expect(checkPriorityAllowed(standard, 'critical')).toBe(
      "priority 'critical' is above the highest priority of plan 'standard', which is 'high'",
    );
    const granted = { ...enterprise, maxPriority: 'critical' as const };
    expect(checkPriorityAllowed(granted, 'critical')).toBeUndefined();
    expect(allowedPrioritiesFor({ ...standard, maxPriority: 'low' })).toEqual([
      'low',
      'batch',
    ]);
    expect(checkPriorityAllowed(standard, 'urgent')).toContain(
      "unknown priority 'urgent'",
    );
  });
});

describe('validateTenantPlan', () => {
  it('accepts coherent plans', () => {
    expect(validateTenantPlan(standard)).toEqual([]);
    expect(validateTenantPlan(enterprise)).toEqual([]);
  });

  it('reports malformed amounts', () => {
    const problems = validateTenantPlan({
      id: 'broken',
      maxTier: 'micro',
      maxConcurrentJobs: 0,
      quota: { cpu: 'lots', memory: '-1Gi', gpu: 1.5, pods: -1, jobs: 3 },
    });
    expect(problems).toEqual([
      "plan 'broken': quota.cpu 'lots' is not a quantity",
      "plan 'broken': quota.memory '-1Gi' is not a quantity",
      "plan 'broken': quota.gpu must be a whole number",
      "plan 'broken': quota.pods must be a whole number",
      "plan 'broken': maxConcurrentJobs must be a positive whole number",
    ]);
  });

  it('reports an unknown maximum tier', () => {
    expect(validateTenantPlan({ ...standard, maxTier: 'huge' as any })).toEqual(
      [
        "plan 'standard': maxTier 'huge' is not one of micro, small, medium, large, xlarge, enterprise",
      ],
    );
  });

  it('reports a quota that cannot fit one job of the maximum tier', () => {
    expect(
      validateTenantPlan({
        ...standard,
        quota: { cpu: '1500m', memory: '2Gi' },
      }),
    ).toEqual([
      "plan 'standard': quota.cpu 1500m cannot fit one 'large' job (2)",
      "plan 'standard': quota.memory 2Gi cannot fit one 'large' job (4Gi)",
    ]);
  });
});
