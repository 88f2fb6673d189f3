import type { V1EnvVar } from '@kubernetes/client-node';
import { PARAMETER_ENV_PREFIX } from '../constants';
import type { JobTypeDefinition, ParameterSchema } from '../types';

/**
 * Environment variables every run gets besides its parameters. Parameter
 * variables may not reuse these names.
 *
 * @public
 */
export const RUN_ENV = {
  tenantId: 'TJ_TENANT_ID',
  runId: 'TJ_RUN_ID',
  jobType: 'TJ_JOB_TYPE',
  tier: 'TJ_TIER',
  priority: 'TJ_PRIORITY',
  home: 'HOME',
  tmpDir: 'TMPDIR',
} as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Whether `name` is a portable environment variable name.
 *
 * @public
 */
export function isEnvVarName(name: string): boolean {
  return name.length <= 128 && ENV_NAME.test(name);
}

/**
 * The default environment variable of a parameter: `TJ_PARAM_` and the
 * name in upper snake case (`learningRate` becomes `TJ_PARAM_LEARNING_RATE`,
 * `retention_days` becomes `TJ_PARAM_RETENTION_DAYS`).
 *
 * @public
 */
export function defaultParameterEnvName(parameter: string): string {
  const snake = parameter
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
  return `${PARAMETER_ENV_PREFIX}${snake}`;
}

/**
 * The environment variable that carries `parameter` for `jobType`: its
 * `env` mapping if it has one, else {@link defaultParameterEnvName}.
 *
 * @public
 */
export function parameterEnvName(
  jobType: Pick<JobTypeDefinition, 'env'>,
  parameter: string,
): string {
  return jobType.env?.[parameter] ?? defaultParameterEnvName(parameter);
}

/**
 * A parameter value as a string: strings as they are, numbers and
 * booleans in their JSON form, objects and arrays JSON-encoded.
 *
 * @public
 */
export function parameterValueToString(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The request's parameters with the schema's defaults filled in, in the
 * schema's property order. Throws for a parameter the schema does not
 * declare: the backend must have refused it already.
 */
export function effectiveParameters(
  jobType: JobTypeDefinition,
  parameters: Readonly<Record<string, unknown>>,
): Array<[name: string, value: unknown, schema: ParameterSchema]> {
  const properties = jobType.parameterSchema.properties;
  for (const name of Object.keys(parameters)) {
    if (!Object.prototype.hasOwnProperty.call(properties, name)) {
      throw new Error(`Job type '${jobType.id}' has no parameter '${name}'`);
    }
  }
  const result: Array<[string, unknown, ParameterSchema]> = [];
  for (const [name, schema] of Object.entries(properties)) {
    const value = parameters[name] ?? schema.default;
    if (value !== undefined && value !== null) {
      result.push([name, value, schema]);
    }
  }
  return result;
}

/**
 * The environment variables that carry a run's parameters.
 */
export function buildParameterEnv(
  jobType: JobTypeDefinition,
  parameters: Readonly<Record<string, unknown>>,
): V1EnvVar[] {
  return effectiveParameters(jobType, parameters).map(([name, value]) => ({
    name: parameterEnvName(jobType, name),
    value: parameterValueToString(value),
  }));
}

/**
 * The container's argv after `command`, from the job type's argument
 * template. Each parameter value is one argv entry of its own. A string
 * value starting with `-` is refused so it cannot pose as an option.
 */
export function buildArgs(
  jobType: JobTypeDefinition,
  parameters: Readonly<Record<string, unknown>>,
): string[] | undefined {
  if (!jobType.args) {
    return undefined;
  }
  const values = new Map(
    effectiveParameters(jobType, parameters).map(([name, value, schema]) => [
      name,
      { value, schema },
    ]),
  );
  const args: string[] = [];
  for (const arg of jobType.args) {
    if (typeof arg === 'string') {
      args.push(arg);
      continue;
    }
    const entry = values.get(arg.param);
    if (!entry) {
      continue;
    }
    const text = parameterValueToString(entry.value);
    const numeric =
      entry.schema.type === 'integer' || entry.schema.type === 'number';
    if (text.startsWith('-') && !numeric) {
      throw new Error(
        `Parameter '${arg.param}' of job type '${jobType.id}' starts with '-' and cannot be passed as an argument`,
      );
    }
    if (arg.flag !== undefined) {
      args.push(arg.flag);
    }
    args.push(text);
  }
  return args;
}
