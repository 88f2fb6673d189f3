import { InputError } from '@backstage/errors';
import { JobTypeDefinition } from '@tenant-jobs/plugin-tenant-jobs-common';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';

const ajv = new Ajv({ allErrors: true, strict: true });
const compiled = new WeakMap<JobTypeDefinition, ValidateFunction>();

function describe(error: ErrorObject): string {
  const path = error.instancePath
    ? `parameters${error.instancePath.replace(/\//g, '.')}`
    : 'parameters';
  switch (error.keyword) {
    case 'additionalProperties':
      return `parameters.${error.params.additionalProperty}: is not a parameter of this job type`;
    case 'required':
      return `parameters.${error.params.missingProperty}: is required`;
    case 'enum':
      return `${path}: must be one of ${(
        error.params.allowedValues as unknown[]
      ).join(', ')}`;
    default:
      return `${path}: ${error.message}`;
  }
}

/** Checks parameters against the job type's JSON Schema; 400 on failure. */
export function validateParameters(
  jobType: JobTypeDefinition,
  parameters: Record<string, unknown>,
): void {
  let validate = compiled.get(jobType);
  if (!validate) {
    validate = ajv.compile(jobType.parameterSchema);
    compiled.set(jobType, validate);
  }
  if (!validate(parameters)) {
    const problems = (validate.errors ?? []).map(describe);
    throw new InputError(
      `Invalid parameters for job type '${jobType.id}': ${[
        ...new Set(problems),
      ].join('; ')}`,
    );
  }
}
