import { isDns1123Label, isDns1123Subdomain } from './names';
import { RUN_ENV, isEnvVarName, parameterEnvName } from './manifest/parameters';
import { TIER_IDS, getTier, isTierId } from './tiers';
import type { JobTypeDefinition, ParameterSchema } from './types';

/**
 * Maximum length of a job type id, so that run names keep room for the
 * tenant id.
 *
 * @public
 */
export const JOB_TYPE_ID_MAX_LENGTH = 30;

const PARAMETER_NAME = /^[a-zA-Z][a-zA-Z0-9]{0,62}$/;
const MAX_DEADLINE_SECONDS = 7 * 24 * 3600;
const MAX_RETRIES = 10;

function isPositiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function isBoundedNumber(schema: { minimum: number; maximum: number }) {
  return (
    Number.isFinite(schema.minimum) &&
    Number.isFinite(schema.maximum) &&
    schema.minimum <= schema.maximum
  );
}

function isValidPattern(pattern: string): boolean {
  try {
    // JSON Schema patterns are ECMA-262 regular expressions.
    return Boolean(new RegExp(pattern, 'u'));
  } catch {
    return false;
  }
}

function propertyProblems(
  name: string,
  schema: ParameterSchema,
  nested = false,
): string[] {
  const where = `parameter '${name}'${nested ? ' items' : ''}`;
  switch (schema.type) {
    case 'string': {
      const problems: string[] = [];
      if (!isPositiveInteger(schema.maxLength)) {
        problems.push(`${where} needs a positive maxLength`);
      }
      if (!schema.enum && schema.pattern === undefined) {
        problems.push(`${where} needs a pattern or an enum`);
      }
      if (schema.pattern !== undefined) {
        if (!isValidPattern(schema.pattern)) {
          problems.push(`${where} has an invalid pattern`);
        } else if (
          !schema.pattern.startsWith('^') ||
          !schema.pattern.endsWith('$')
        ) {
          problems.push(`${where} pattern must be anchored with ^ and $`);
        }
      }
      if (
        schema.enum &&
        schema.enum.some(option => option.length > schema.maxLength)
      ) {
        problems.push(`${where} has enum values longer than maxLength`);
      }
      return problems;
    }
    case 'integer':
    case 'number':
      return isBoundedNumber(schema)
        ? []
        : [`${where} needs finite minimum <= maximum`];
    case 'boolean':
      return [];
    case 'array': {
      const problems: string[] = [];
      if (nested) {
        return [`${where} may not be an array`];
      }
      if (!isPositiveInteger(schema.maxItems)) {
        problems.push(`${where} needs a positive maxItems`);
      }
      return [...problems, ...propertyProblems(name, schema.items, true)];
    }
    default:
      return [
        `${where} has unsupported type '${
          (schema as { type?: unknown }).type
        }'`,
      ];
  }
}

function schemaProblems(jobType: JobTypeDefinition): string[] {
  const schema = jobType.parameterSchema;
  if (!schema || schema.type !== 'object') {
    return ['parameterSchema must be a JSON Schema of type object'];
  }
  const problems: string[] = [];
  if (schema.additionalProperties !== false) {
    problems.push('parameterSchema must set additionalProperties: false');
  }
  const properties = schema.properties ?? {};
  for (const [name, property] of Object.entries(properties)) {
    if (!PARAMETER_NAME.test(name)) {
      problems.push(
        `parameter name '${name}' must be letters and digits, starting with a letter`,
      );
    }
    problems.push(...propertyProblems(name, property));
  }
  for (const name of schema.required ?? []) {
    if (!(name in properties)) {
      problems.push(`required parameter '${name}' is not declared`);
    }
  }
  return problems;
}

function envProblems(jobType: JobTypeDefinition): string[] {
  const problems: string[] = [];
  const properties = jobType.parameterSchema?.properties ?? {};
  const reserved = new Set<string>(Object.values(RUN_ENV));
  const seen = new Map<string, string>();
  for (const name of Object.keys(jobType.env ?? {})) {
    if (!(name in properties)) {
      problems.push(`env maps undeclared parameter '${name}'`);
    }
  }
  for (const name of Object.keys(properties)) {
    const envName = parameterEnvName(jobType, name);
    if (!isEnvVarName(envName)) {
      problems.push(
        `parameter '${name}' maps to invalid variable '${envName}'`,
      );
    } else if (reserved.has(envName)) {
      problems.push(
        `parameter '${name}' maps to reserved variable '${envName}'`,
      );
    } else if (seen.has(envName)) {
      problems.push(
        `parameters '${seen.get(
          envName,
        )}' and '${name}' both map to '${envName}'`,
      );
    }
    seen.set(envName, name);
  }
  return problems;
}

function argsProblems(jobType: JobTypeDefinition): string[] {
  const properties = jobType.parameterSchema?.properties ?? {};
  const problems: string[] = [];
  for (const arg of jobType.args ?? []) {
    if (typeof arg === 'string') {
      continue;
    }
    if (!(arg.param in properties)) {
      problems.push(`args refers to undeclared parameter '${arg.param}'`);
    }
    if (
      arg.flag !== undefined &&
      !/^-{1,2}[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(arg.flag)
    ) {
      problems.push(`args flag '${arg.flag}' must look like -x or --name`);
    }
  }
  return problems;
}

function imageProblems(image: string): string[] {
  if (typeof image !== 'string' || !/^[^\s]+$/.test(image)) {
    return ['image must be a non-empty reference without whitespace'];
  }
  const digest = image.includes('@sha256:');
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':')
    ? lastSegment.slice(lastSegment.indexOf(':') + 1)
    : undefined;
  if (!digest && (tag === undefined || tag === 'latest')) {
    return [
      `image '${image}' must be pinned by a tag other than latest or by digest`,
    ];
  }
  return [];
}

/**
 * Problems of a job type definition, empty when there are none. The
 * backend runs this on every type it merges from app-config and extension
 * points and refuses to start on any problem, so that the manifest builder
 * only ever sees coherent types.
 *
 * @public
 */
export function validateJobTypeDefinition(
  jobType: JobTypeDefinition,
): string[] {
  const problems: string[] = [];
  if (
    typeof jobType.id !== 'string' ||
    jobType.id.length > JOB_TYPE_ID_MAX_LENGTH ||
    !isDns1123Label(jobType.id)
  ) {
    problems.push(
      `id must be a DNS-1123 label of at most ${JOB_TYPE_ID_MAX_LENGTH} characters`,
    );
  }
  if (!jobType.title) {
    problems.push('title is required');
  }
  problems.push(...imageProblems(jobType.image));
  if (
    !Array.isArray(jobType.command) ||
    jobType.command.length === 0 ||
    !jobType.command.every(part => typeof part === 'string' && part !== '')
  ) {
    problems.push('command must be a non-empty list of non-empty strings');
  }
  problems.push(...schemaProblems(jobType));
  problems.push(...envProblems(jobType));
  problems.push(...argsProblems(jobType));

  const allowed = jobType.allowedTiers ?? [];
  if (allowed.length === 0) {
    problems.push('allowedTiers must list at least one tier');
  }
  for (const tier of allowed) {
    if (!isTierId(tier)) {
      problems.push(
        `allowedTiers: '${tier}' is not one of ${TIER_IDS.join(', ')}`,
      );
    } else if (jobType.gpu && !getTier(tier).gpu) {
      problems.push(
        `allowedTiers: '${tier}' has no GPU, which this type needs`,
      );
    }
  }
  if (!allowed.includes(jobType.defaultTier)) {
    problems.push(
      `defaultTier '${jobType.defaultTier}' is not in allowedTiers`,
    );
  }
  if (
    !isPositiveInteger(jobType.defaultDeadlineSeconds) ||
    jobType.defaultDeadlineSeconds > MAX_DEADLINE_SECONDS
  ) {
    problems.push(
      `defaultDeadlineSeconds must be a whole number from 1 to ${MAX_DEADLINE_SECONDS}`,
    );
  }
  if (
    !Number.isInteger(jobType.retries) ||
    jobType.retries < 0 ||
    jobType.retries > MAX_RETRIES
  ) {
    problems.push(`retries must be a whole number from 0 to ${MAX_RETRIES}`);
  }
  for (const secret of jobType.secretRefs ?? []) {
    if (!isDns1123Subdomain(secret)) {
      problems.push(`secretRefs: '${secret}' is not a valid Secret name`);
    }
  }
  return problems.map(problem => `job type '${jobType.id}': ${problem}`);
}
