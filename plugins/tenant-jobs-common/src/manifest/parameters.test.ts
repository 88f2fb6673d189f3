import type { JobTypeDefinition } from '../types';
import {
  buildArgs,
  buildParameterEnv,
  defaultParameterEnvName,
  effectiveParameters,
  isEnvVarName,
  parameterEnvName,
  parameterValueToString,
} from './parameters';

const jobType: JobTypeDefinition = {
  id: 'demo',
  title: 'Demo',
  description: 'Demo',
  category: 'test',
  image: 'busybox:1.36',
  command: ['/bin/demo'],
  args: [
    'run',
    { param: 'name', flag: '--name' },
    { param: 'count' },
    { param: 'verbose', flag: '--verbose' },
  ],
  parameterSchema: {
    type: 'object',
    properties: {
      name: { type: 'string', maxLength: 63, pattern: '^.*$' },
      count: { type: 'integer', minimum: -10, maximum: 10, default: 3 },
      verbose: { type: 'boolean' },
      tags: {
        type: 'array',
        maxItems: 3,
        items: { type: 'string', maxLength: 5, pattern: '^.*$' },
      },
      retention_days: { type: 'integer', minimum: 1, maximum: 3 },
    },
    additionalProperties: false,
  },
  env: { verbose: 'DEMO_VERBOSE' },
  defaultTier: 'micro',
  allowedTiers: ['micro'],
  defaultDeadlineSeconds: 60,
  retries: 0,
};

describe('parameter env names', () => {
  it.each([
    ['epochs', 'TJ_PARAM_EPOCHS'],
    ['learningRate', 'TJ_PARAM_LEARNING_RATE'],
    ['retention_days', 'TJ_PARAM_RETENTION_DAYS'],
    ['scanType2', 'TJ_PARAM_SCAN_TYPE2'],
    ['HTTPProxy', 'TJ_PARAM_HTTPPROXY'],
  ])('maps %s to %s', (name, env) => {
    expect(defaultParameterEnvName(name)).toBe(env);
  });

  it('uses the type mapping first', () => {
    expect(parameterEnvName(jobType, 'verbose')).toBe('DEMO_VERBOSE');
    expect(parameterEnvName(jobType, 'count')).toBe('TJ_PARAM_COUNT');
  });

  it('checks env names', () => {
    expect(isEnvVarName('TJ_PARAM_X')).toBe(true);
    expect(isEnvVarName('_x1')).toBe(true);
    expect(isEnvVarName('1X')).toBe(false);
    expect(isEnvVarName('A-B')).toBe(false);
    expect(isEnvVarName('A=B')).toBe(false);
  });
});

describe('parameter values', () => {
  it.each([
    ['text', 'text'],
    ['', ''],
    [42, '42'],
    [0.001, '0.001'],
    [true, 'true'],
    [['a', 'b'], '["a","b"]'],
    [{ k: 'v' }, '{"k":"v"}'],
  ])('renders %j as %s', (value, text) => {
    expect(parameterValueToString(value)).toBe(text);
  });
});

describe('effectiveParameters', () => {
  it('fills defaults, keeps schema order and drops absent values', () => {
    expect(
      effectiveParameters(jobType, { verbose: false, name: 'x', tags: null }),
    ).toEqual([
      ['name', 'x', jobType.parameterSchema.properties.name],
      ['count', 3, jobType.parameterSchema.properties.count],
      ['verbose', false, jobType.parameterSchema.properties.verbose],
    ]);
  });

  it('refuses undeclared parameters', () => {
    expect(() => effectiveParameters(jobType, { extra: 1 })).toThrow(
      "Job type 'demo' has no parameter 'extra'",
    );
    expect(() =>
      effectiveParameters(jobType, JSON.parse('{"__proto__": 1}')),
    ).toThrow("has no parameter '__proto__'");
  });
});

describe('buildParameterEnv', () => {
  it('passes every parameter as a string variable', () => {
    expect(
      buildParameterEnv(jobType, {
        name: 'a b',
        verbose: true,
        tags: ['x'],
        retention_days: 2,
      }),
    ).toEqual([
      { name: 'TJ_PARAM_NAME', value: 'a b' },
      { name: 'TJ_PARAM_COUNT', value: '3' },
      { name: 'DEMO_VERBOSE', value: 'true' },
      { name: 'TJ_PARAM_TAGS', value: '["x"]' },
      { name: 'TJ_PARAM_RETENTION_DAYS', value: '2' },
    ]);
  });
});

describe('buildArgs', () => {
  it('puts each value in an argv entry of its own', () => {
    expect(
      buildArgs(jobType, { name: 'two words; $(id)', verbose: true }),
    ).toEqual(['run', '--name', 'two words; $(id)', '3', '--verbose', 'true']);
  });

  it('leaves out absent parameters with their flag', () => {
    expect(buildArgs(jobType, {})).toEqual(['run', '3']);
  });

  it('allows negative numbers but no option-like strings', () => {
    expect(buildArgs(jobType, { count: -2 })).toEqual(['run', '-2']);
    expect(() => buildArgs(jobType, { name: '--rm' })).toThrow(
      "Parameter 'name' of job type 'demo' starts with '-'",
    );
  });

  it('returns undefined without a template', () => {
    expect(buildArgs({ ...jobType, args: undefined }, {})).toBeUndefined();
  });
});
