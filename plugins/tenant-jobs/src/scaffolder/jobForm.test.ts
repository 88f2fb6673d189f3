import { BUILT_IN_JOB_TYPES } from '@tenant-jobs/plugin-tenant-jobs-common';
import {
  cleanParameters,
  defaultParameters,
  initialValue,
  parameterProblems,
  prioritiesFor,
  tenantChoices,
  tiersFor,
  withTenant,
} from './jobForm';
import { ACME, apiJobType, INITECH } from './testData';

const ml = apiJobType(BUILT_IN_JOB_TYPES['ml-training']);
const etl = apiJobType(BUILT_IN_JOB_TYPES['data-etl']);
const billing = apiJobType(BUILT_IN_JOB_TYPES['billing-report']);

describe('jobForm', () => {
  it("offers the caller's tenants, saying why a plan refuses the type", () => {
    expect(
      tenantChoices(ml, [ACME, INITECH]).map(c => [c.tenant.id, c.refusal]),
    ).toEqual([
      ['acme', undefined],
      [
        'initech',
        "job type 'ml-training' is not available on plan 'starter'; allowed: data-etl, security-scan, billing-report",
      ],
    ]);
  });

  it("offers the tiers of the type within the plan's maximum, and the plan's priorities", () => {
    expect(tiersFor(etl, INITECH)).toEqual(['small', 'medium']);
    expect(tiersFor(etl, ACME)).toEqual(['small', 'medium', 'large', 'xlarge']);
    expect(tiersFor(ml, ACME)).toEqual(['xlarge', 'enterprise']);
    expect(prioritiesFor(INITECH)).toEqual(['high', 'normal', 'low', 'batch']);
    expect(prioritiesFor(ACME)).toEqual([
      'critical',
      'high',
      'normal',
      'low',
      'batch',
    ]);
  });

  it("starts with the only eligible tenant, the plan's defaults and the type's default parameters", () => {
    expect(initialValue(ml, [ACME, INITECH], {})).toEqual({
      tenantId: 'acme',
      tier: 'xlarge',
      priority: 'normal',
      parameters: { epochs: 10, learningRate: 0.001, batchSize: 32 },
    });
    // Two eligible tenants: the user chooses.
    expect(initialValue(etl, [ACME, INITECH], {})).toEqual({
      tenantId: undefined,
      tier: undefined,
      priority: undefined,
      parameters: { mode: 'incremental' },
    });
  });

  it("lets the template's defaults override the schema's, for known parameters only", () => {
    expect(
      defaultParameters(billing.parameterSchema, {
        format: 'pdf',
        unknown: 1,
      }),
    ).toEqual({ format: 'pdf' });
  });

  it('keeps what the user chose and refits tier and priority to a newly chosen tenant', () => {
    const chosen = initialValue(
      etl,
      [ACME, INITECH],
      {},
      {
        tenantId: 'acme',
        tier: 'xlarge',
        priority: 'critical',
        parameters: { source: 'a' },
      },
    );
    expect(chosen).toMatchObject({
      tier: 'xlarge',
      priority: 'critical',
      parameters: { source: 'a' },
    });
    // initech's plan stops at medium and high: its defaults instead.
    expect(
      withTenant(etl, [ACME, INITECH], { ...chosen, tenantId: 'initech' }),
    ).toMatchObject({ tenantId: 'initech', tier: 'small', priority: 'normal' });
  });

  it("checks parameters as the type's schema says", () => {
    const schema = ml.parameterSchema;
    expect(parameterProblems(schema, {})).toEqual({
      model: 'is required',
      dataset: 'is required',
    });
    expect(
      parameterProblems(schema, {
        model: '-rf',
        dataset: 'ok',
        epochs: 0,
        learningRate: 'fast',
        batchSize: 1.5,
        extra: true,
      }),
    ).toEqual({
      model: 'is not in the expected form, e.g. recommender-v2',
      epochs: 'must be between 1 and 1000',
      learningRate: 'must be a number',
      batchSize: 'must be a whole number',
      extra: 'is not a parameter of this job type',
    });
    expect(
      parameterProblems(etl.parameterSchema, {
        source: 'a',
        destination: 'b',
        mode: 'sometimes',
      }),
    ).toEqual({ mode: 'must be one of full, incremental' });
    expect(
      parameterProblems(billing.parameterSchema, { period: '2025-06' }),
    ).toEqual({});
  });

  it('sends only the answers given', () => {
    expect(
      cleanParameters({ a: '', b: undefined, c: 0, d: false, e: [] }),
    ).toEqual({ c: 0, d: false });
  });
});
