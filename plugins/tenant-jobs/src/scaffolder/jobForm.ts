/*
 * What the TenantJobPicker field offers and checks, without React: the
 * tenants that may run a job type, the tiers and priorities a tenant's plan
 * allows, the starting values of a form, and the parameter checks of a job
 * type's JSON Schema (the same rules the backend enforces, so a form the
 * field accepts is one the backend accepts).
 */
import {
  allowedPrioritiesFor,
  allowedTiersFor,
  checkJobTypeAllowed,
  DEFAULT_PRIORITY,
  JobParametersSchema,
  ParameterSchema,
  PriorityId,
  TierId,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type { TenantJobType, TenantSummary } from '../api';

/**
 * The value of the TenantJobPicker field, what a template passes to the
 * `tenant-jobs:run:create` action.
 *
 * @public
 */
export interface TenantJobPickerValue {
  tenantId?: string;
  tier?: TierId;
  priority?: PriorityId;
  parameters?: Record<string, unknown>;
}

/**
 * The `ui:options` of the TenantJobPicker field in a template.
 *
 * @public
 */
export interface TenantJobPickerUiOptions {
  /** The job type the template launches. */
  jobType?: string;
  /** Starting values of some of the type's parameters. */
  defaults?: Record<string, unknown>;
}

/** One tenant of the caller, and why it cannot run the type, if it cannot. */
export type TenantChoice = { tenant: TenantSummary; refusal?: string };

/** The caller's tenants, each with the reason its plan refuses the type. */
export function tenantChoices(
  type: TenantJobType,
  tenants: TenantSummary[],
): TenantChoice[] {
  return tenants.map(tenant => ({
    tenant,
    refusal: checkJobTypeAllowed(type, tenant.plan),
  }));
}

export function tiersFor(type: TenantJobType, tenant: TenantSummary): TierId[] {
  return allowedTiersFor(type, tenant.plan);
}

export function prioritiesFor(tenant: TenantSummary): PriorityId[] {
  return allowedPrioritiesFor(tenant.plan);
}

/** The type's default tier when the plan allows it, else its smallest. */
export function defaultTier(
  type: TenantJobType,
  tenant: TenantSummary,
): TierId | undefined {
  const tiers = tiersFor(type, tenant);
  return tiers.includes(type.defaultTier) ? type.defaultTier : tiers[0];
}

/** `normal` when the plan allows it, else its least urgent allowed. */
export function defaultPriority(tenant: TenantSummary): PriorityId | undefined {
  const priorities = prioritiesFor(tenant);
  return priorities.includes(DEFAULT_PRIORITY)
    ? DEFAULT_PRIORITY
    : priorities[priorities.length - 1];
}

/** Parameter values to start from: the schema's defaults, then the template's. */
export function defaultParameters(
  schema: JobParametersSchema,
  templateDefaults: Record<string, unknown> = {},
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties)) {
    if (property.default !== undefined) values[name] = property.default;
  }
  for (const [name, value] of Object.entries(templateDefaults)) {
    if (name in schema.properties) values[name] = value;
  }
  return values;
}

/**
 * The value a form starts with: the only tenant that may run the type (when
 * there is one), its default tier and priority, and default parameters.
 */
export function initialValue(
  type: TenantJobType,
  tenants: TenantSummary[],
  options: TenantJobPickerUiOptions,
  current: TenantJobPickerValue = {},
): TenantJobPickerValue {
  const allowed = tenantChoices(type, tenants).filter(c => !c.refusal);
  const tenantId =
    current.tenantId ??
    (allowed.length === 1 ? allowed[0].tenant.id : undefined);
  return withTenant(type, tenants, {
    ...current,
    tenantId,
    parameters:
      current.parameters ??
      defaultParameters(type.parameterSchema, options.defaults),
  });
}

/**
 * `value` with a tier and priority the chosen tenant's plan allows: kept
 * when allowed, else the defaults.
 */
export function withTenant(
  type: TenantJobType,
  tenants: TenantSummary[],
  value: TenantJobPickerValue,
): TenantJobPickerValue {
  const tenant = tenants.find(t => t.id === value.tenantId);
  if (!tenant) {
    return { ...value, tier: undefined, priority: undefined };
  }
  const tier =
    value.tier && tiersFor(type, tenant).includes(value.tier)
      ? value.tier
      : defaultTier(type, tenant);
  const priority =
    value.priority && prioritiesFor(tenant).includes(value.priority)
      ? value.priority
      : defaultPriority(tenant);
  return { ...value, tier, priority };
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0)
  );
}

function checkScalar(
  schema: Exclude<ParameterSchema, { type: 'array' }>,
  value: unknown,
): string | undefined {
  switch (schema.type) {
    case 'string': {
      if (typeof value !== 'string') return 'must be text';
      if (schema.enum && !schema.enum.includes(value)) {
        return `must be one of ${schema.enum.join(', ')}`;
      }
      if (value.length > schema.maxLength) {
        return `must be at most ${schema.maxLength} characters`;
      }
      if (schema.minLength !== undefined && value.length < schema.minLength) {
        return `must be at least ${schema.minLength} characters`;
      }
      if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) {
        return schema.examples?.length
          ? `is not in the expected form, e.g. ${schema.examples[0]}`
          : `must match ${schema.pattern}`;
      }
      return undefined;
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return 'must be a number';
      }
      if (schema.type === 'integer' && !Number.isInteger(value)) {
        return 'must be a whole number';
      }
      if (value < schema.minimum || value > schema.maximum) {
        return `must be between ${schema.minimum} and ${schema.maximum}`;
      }
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be yes or no';
    default:
      return 'has an unknown type';
  }
}

/**
 * Problems of `values` against a job type's parameter schema, by parameter
 * name; empty when there are none. Empty values count as absent.
 */
export function parameterProblems(
  schema: JobParametersSchema,
  values: Record<string, unknown> = {},
): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const name of schema.required ?? []) {
    if (isEmpty(values[name])) problems[name] = 'is required';
  }
  for (const [name, value] of Object.entries(values)) {
    if (isEmpty(value)) continue;
    const property = schema.properties[name];
    if (!property) {
      problems[name] = 'is not a parameter of this job type';
      continue;
    }
    if (property.type === 'array') {
      if (!Array.isArray(value)) {
        problems[name] = 'must be a list';
      } else if (value.length > property.maxItems) {
        problems[name] = `must have at most ${property.maxItems} entries`;
      } else {
        const bad = value
          .map(item => checkScalar(property.items, item))
          .find(Boolean);
        if (bad) problems[name] = `has an entry that ${bad}`;
      }
      continue;
    }
    const problem = checkScalar(property, value);
    if (problem) problems[name] = problem;
  }
  return problems;
}

/** The parameters to send: empty answers left out. */
export function cleanParameters(
  values: Record<string, unknown> = {},
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => !isEmpty(value)),
  );
}
