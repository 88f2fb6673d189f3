import { InputError } from '@backstage/errors';
import { BUILT_IN_JOB_TYPES } from '@tenant-jobs/plugin-tenant-jobs-common';
import { validateParameters } from './parameters';

const billing = BUILT_IN_JOB_TYPES['billing-report'];

function messageOf(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('validateParameters', () => {
  it('accepts parameters that fit the schema', () => {
    const required = Object.fromEntries(
      (billing.parameterSchema.required ?? []).map(name => {
        const schema = billing.parameterSchema.properties[name];
        return [name, (schema as { examples?: unknown[] }).examples?.[0]];
      }),
    );
    expect(() => validateParameters(billing, required)).not.toThrow();
  });

  it('names an unknown parameter', () => {
    expect(
      messageOf(() => validateParameters(billing, { shell: 'x' })),
    ).toContain('parameters.shell: is not a parameter of this job type');
  });

  it('names a missing required parameter', () => {
    const [first] = billing.parameterSchema.required ?? [];
    expect(first).toBeDefined();
    expect(messageOf(() => validateParameters(billing, {}))).toContain(
      `parameters.${first}: is required`,
    );
  });

  it('lists the allowed values of an enum', () => {
    const [name, schema] = Object.entries(
      billing.parameterSchema.properties,
    ).find(([, s]) => 'enum' in s && s.enum)!;
    const message = messageOf(() =>
      validateParameters(billing, { [name]: 'nope' }),
    );
    expect(message).toContain(`parameters.${name}: must be one of`);
    expect(message).toContain(
      String((schema as unknown as { enum: string[] }).enum[0]),
    );
  });
});
