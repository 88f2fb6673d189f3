import { BUILT_IN_JOB_TYPES } from './jobTypes';
import { validateJobTypeDefinition } from './jobTypeValidation';
import type { JobTypeDefinition } from './types';

const base: JobTypeDefinition = BUILT_IN_JOB_TYPES['data-etl'];

function problemsOf(changes: Partial<JobTypeDefinition>): string[] {
  return validateJobTypeDefinition({ ...base, ...changes });
}

function withProperties(
  properties: Record<string, unknown>,
): Partial<JobTypeDefinition> {
  return {
    parameterSchema: {
      type: 'object',
      properties: properties as any,
      additionalProperties: false,
    },
  };
}

describe('validateJobTypeDefinition', () => {
  it('accepts a coherent definition', () => {
    expect(problemsOf({})).toEqual([]);
  });

  it('prefixes problems with the job type id', () => {
    expect(problemsOf({ title: '' })).toEqual([
      "job type 'data-etl': title is required",
    ]);
  });

  it.each([
    ['Upper', 'id must be a DNS-1123 label'],
    ['a'.repeat(31), 'at most 30 characters'],
    ['-x', 'id must be a DNS-1123 label'],
  ])('refuses id %s', (id, problem) => {
    expect(problemsOf({ id }).join()).toContain(problem);
  });

  it.each([
    ['python', 'must be pinned'],
    ['python:latest', 'must be pinned'],
    ['registry:5000/python', 'must be pinned'],
    ['python 3', 'without whitespace'],
  ])('refuses image %s', (image, problem) => {
    expect(problemsOf({ image }).join()).toContain(problem);
  });

  it.each(['python:3.12-slim', 'registry:5000/team/app:1.2', 'app@sha256:abc'])(
    'accepts image %s',
    image => {
      expect(problemsOf({ image })).toEqual([]);
    },
  );

  it('refuses an empty command', () => {
    expect(problemsOf({ command: [] }).join()).toContain('command must be');
    expect(problemsOf({ command: ['run', ''] }).join()).toContain(
      'command must be',
    );
  });

  it('refuses an open schema', () => {
    const schema = { ...base.parameterSchema, additionalProperties: true };
    expect(problemsOf({ parameterSchema: schema as any }).join()).toContain(
      'additionalProperties: false',
    );
  });

  it.each([
    [{ type: 'string', pattern: '^a$' }, 'needs a positive maxLength'],
    [{ type: 'string', maxLength: 5 }, 'needs a pattern or an enum'],
    [{ type: 'string', maxLength: 5, pattern: '[' }, 'invalid pattern'],
    [{ type: 'string', maxLength: 5, pattern: 'a+' }, 'must be anchored'],
    [{ type: 'string', maxLength: 2, enum: ['long'] }, 'longer than maxLength'],
    [{ type: 'integer', minimum: 1 }, 'needs finite minimum <= maximum'],
    [{ type: 'number', minimum: 5, maximum: 1 }, 'minimum <= maximum'],
    [{ type: 'array', items: { type: 'boolean' } }, 'positive maxItems'],
    [
      { type: 'array', maxItems: 2, items: { type: 'array' } },
      'may not be an array',
    ],
    [{ type: 'object' }, "unsupported type 'object'"],
    [{}, "unsupported type 'undefined'"],
  ])('refuses parameter schema %j', (property, problem) => {
    expect(problemsOf(withProperties({ p: property })).join()).toContain(
      problem,
    );
  });

  it('refuses badly named and undeclared required parameters', () => {
    const problems = problemsOf({
      parameterSchema: {
        type: 'object',
        properties: { 'bad-name': { type: 'boolean' } },
        required: ['missing'],
        additionalProperties: false,
      },
    }).join();
    expect(problems).toContain("parameter name 'bad-name'");
    expect(problems).toContain("required parameter 'missing' is not declared");
  });

  it('refuses colliding, reserved, invalid and dangling env names', () => {
    const problems = problemsOf({
      ...withProperties({
        retentionDays: { type: 'boolean' },
        retentionDAYS: { type: 'boolean' },
        home: { type: 'boolean' },
        odd: { type: 'boolean' },
      }),
      env: { home: 'HOME', odd: '1X', ghost: 'GHOST' },
    }).join();
    expect(problems).toContain(
      "parameters 'retentionDays' and 'retentionDAYS' both map to 'TJ_PARAM_RETENTION_DAYS'",
    );
    expect(problems).toContain("reserved variable 'HOME'");
    expect(problems).toContain("invalid variable '1X'");
    expect(problems).toContain("env maps undeclared parameter 'ghost'");
  });

  it('checks argument templates', () => {
    const problems = problemsOf({
      args: ['run', { param: 'nope' }, { param: 'mode', flag: '; rm' }],
    }).join();
    expect(problems).toContain("undeclared parameter 'nope'");
    expect(problems).toContain("flag '; rm' must look like");
    expect(
      problemsOf({ args: ['run', { param: 'mode', flag: '--mode' }] }),
    ).toEqual([]);
  });

  it('checks tiers', () => {
    expect(problemsOf({ allowedTiers: [] }).join()).toContain(
      'at least one tier',
    );
    expect(problemsOf({ allowedTiers: ['huge' as any] }).join()).toContain(
      "'huge' is not one of",
    );
    expect(problemsOf({ defaultTier: 'micro' }).join()).toContain(
      "defaultTier 'micro' is not in allowedTiers",
    );
    expect(
      problemsOf({ gpu: true, allowedTiers: ['large'], defaultTier: 'large' }),
    ).toEqual([
      "job type 'data-etl': allowedTiers: 'large' has no GPU, which this type needs",
    ]);
  });

  it.each([0, -1, 1.5, 8 * 24 * 3600])('refuses deadline %d', deadline => {
    expect(problemsOf({ defaultDeadlineSeconds: deadline }).join()).toContain(
      'defaultDeadlineSeconds',
    );
  });

  it.each([-1, 0.5, 11])('refuses retries %d', retries => {
    expect(problemsOf({ retries }).join()).toContain('retries');
  });

  it('checks secret names', () => {
    expect(problemsOf({ secretRefs: ['db-credentials', 'a.b'] })).toEqual([]);
    expect(problemsOf({ secretRefs: ['Bad_Name'] }).join()).toContain(
      "'Bad_Name' is not a valid Secret name",
    );
  });
});
