// Make variables as the job commands read them: the common ones
// (TENANT_ID, PRIORITY, RESOURCE_TIER, DRY_RUN, ...) and a job type's
// parameters, each under its name in upper snake case (learningRate is
// LEARNING_RATE), converted to the type its JSON Schema asks for.

/** A usage mistake: the message says which variable to set and how. */
export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `learningRate` → `LEARNING_RATE`, `model` → `MODEL`. */
export function variableName(parameter) {
  return parameter
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

/**
 * The variables a command may read. Under make, only those given on its
 * command line (the Makefile exports their names in
 * TENANT_JOBS_CLI_VARIABLES), so a variable that happens to be set in the
 * shell never becomes a job's parameter; run directly, the environment.
 */
export function variablesFrom(env) {
  const listed = env.TENANT_JOBS_CLI_VARIABLES;
  if (listed === undefined) {
    return { ...env };
  }
  const names = listed.split(/\s+/).filter(Boolean);
  return Object.fromEntries(
    names
      .filter(name => env[name] !== undefined)
      .map(name => [name, env[name]]),
  );
}

/** `true`, `1`, `yes` are true; `false`, `0`, `no` and absent are false. */
export function flag(variables, name) {
  const value = variables[name];
  if (value === undefined || value === '') {
    return false;
  }
  if (/^(true|1|yes)$/i.test(value)) {
    return true;
  }
  if (/^(false|0|no)$/i.test(value)) {
    return false;
  }
  throw new UsageError(`${name}=${value}: expected true or false`);
}

/** A variable the command cannot do without. */
export function required(variables, name, hint) {
  const value = variables[name];
  if (value === undefined || value === '') {
    throw new UsageError(`${name} is not set: ${hint}`);
  }
  return value;
}

function convert(name, value, schema) {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'integer':
    case 'number': {
      const number = Number(value);
      if (value.trim() === '' || !Number.isFinite(number)) {
        throw new UsageError(`${name}=${value}: expected a number`);
      }
      return number;
    }
    case 'boolean':
      return flag({ [name]: value }, name);
    case 'array':
    case 'object':
      try {
        return JSON.parse(value);
      } catch {
        throw new UsageError(`${name}=${value}: expected JSON (${type})`);
      }
    default:
      return value;
  }
}

/**
 * The parameters of a job type from its variables: each property of its
 * parameter schema that has a variable set. The server validates them;
 * this only names the variables of required parameters that are missing.
 */
export function parametersFrom(variables, schema, options = {}) {
  const properties = schema?.properties ?? {};
  const parameters = {};
  const sources = [];
  for (const [parameter, property] of Object.entries(properties)) {
    const name = variableName(parameter);
    const value = variables[name];
    if (value !== undefined) {
      parameters[parameter] = convert(name, value, property);
      sources.push({ parameter, name });
    } else if (options.examples && property.default === undefined) {
      const example = property.examples?.[0];
      if (example !== undefined) {
        parameters[parameter] = example;
        sources.push({ parameter, name, example: true });
      }
    }
  }
  const missing = (schema?.required ?? []).filter(
    parameter => parameters[parameter] === undefined,
  );
  if (missing.length > 0) {
    const hints = missing.map(parameter => {
      const property = properties[parameter] ?? {};
      const example = property.examples?.[0];
      const text = (
        property.description ??
        property.title ??
        parameter
      ).replace(/\.$/, '');
      const what = text.charAt(0).toLowerCase() + text.slice(1);
      return `${variableName(parameter)} (${what}${
        example === undefined ? '' : `, e.g. ${example}`
      })`;
    });
    throw new UsageError(`set ${hints.join(', ')}`);
  }
  return { parameters, sources };
}
