import { BUILT_IN_JOB_TYPES, BUILT_IN_JOB_TYPE_IDS } from './jobTypes';
import { validateJobTypeDefinition } from './jobTypeValidation';
import { getTier } from './tiers';
import type { JobTypeDefinition } from './types';

const types = Object.values(BUILT_IN_JOB_TYPES) as JobTypeDefinition[];

/** Walks a JSON Schema property and returns why it is unbounded, if it is. */
function unbounded(name: string, schema: Record<string, any>): string[] {
  switch (schema.type) {
    case 'string':
      if (typeof schema.maxLength !== 'number' || schema.maxLength < 1) {
        return [`${name}: no maxLength`];
      }
      if (!Array.isArray(schema.enum) && typeof schema.pattern !== 'string') {
        return [`${name}: free string without pattern`];
      }
      return [];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' &&
        typeof schema.maximum === 'number' &&
        schema.minimum <= schema.maximum
        ? []
        : [`${name}: unbounded number`];
    case 'boolean':
      return [];
    case 'array':
      return typeof schema.maxItems === 'number'
        ? unbounded(`${name}[]`, schema.items)
        : [`${name}: no maxItems`];
    default:
      return [`${name}: no or unknown type ${JSON.stringify(schema.type)}`];
  }
}

describe('built-in job types', () => {
  it('are the five job types of the design', () => {
    expect(BUILT_IN_JOB_TYPE_IDS).toEqual([
      'ml-training',
      'data-etl',
      'tenant-backup',
      'security-scan',
      'billing-report',
    ]);
    for (const [id, type] of Object.entries(BUILT_IN_JOB_TYPES)) {
      expect(type.id).toBe(id);
    }
  });

  it.each(types.map(t => [t.id, t] as const))(
    '%s passes validateJobTypeDefinition',
    (_id, type) => {
      expect(validateJobTypeDefinition(type)).toEqual([]);
    },
  );

  it.each(types.map(t => [t.id, t] as const))(
    '%s has a closed, bounded parameter schema',
    (_id, type) => {
      const schema = type.parameterSchema as unknown as Record<string, any>;
      expect(schema.type).toBe('object');
      expect(schema.additionalProperties).toBe(false);
      expect(typeof schema.properties).toBe('object');
      expect(Object.keys(schema.properties).length).toBeGreaterThan(0);
      // Draft-07 and 2020-12 agree on everything used; no $schema pins one.
      expect(schema).not.toHaveProperty('$schema');
      const problems = Object.entries(schema.properties).flatMap(
        ([name, property]) => unbounded(name, property as Record<string, any>),
      );
      expect(problems).toEqual([]);
      for (const name of schema.required ?? []) {
        expect(schema.properties).toHaveProperty(name);
      }
      // Patterns are anchored and compile.
      const patterns = Object.values<any>(schema.properties)
        .map(property => property.pattern)
        .filter((pattern): pattern is string => pattern !== undefined);
      for (const pattern of patterns) {
        expect(pattern).toMatch(/^\^.*\$$/);
        expect(() => new RegExp(pattern, 'u')).not.toThrow();
      }
    },
  );

  it.each(types.map(t => [t.id, t] as const))(
    '%s is exec form with a tag-pinned image and coherent tiers',
    (_id, type) => {
      expect(Array.isArray(type.command)).toBe(true);
      expect(type.command.length).toBeGreaterThan(0);
      expect(type.command).not.toContain('sh');
      expect(type.command).not.toContain('-c');
      expect(type.image).toMatch(/:[A-Za-z0-9][A-Za-z0-9._-]*$/);
      expect(type.image).not.toMatch(/:latest$/);
      expect(type.allowedTiers).toContain(type.defaultTier);
      expect(Number.isInteger(type.defaultDeadlineSeconds)).toBe(true);
      expect(type.defaultDeadlineSeconds).toBeGreaterThan(0);
      expect(Number.isInteger(type.retries)).toBe(true);
    },
  );

  it('makes only ml-training need a GPU, on GPU tiers only', () => {
    expect(types.filter(t => t.gpu).map(t => t.id)).toEqual(['ml-training']);
    const ml = BUILT_IN_JOB_TYPES['ml-training'];
    expect(ml.allowedTiers).toEqual(['xlarge', 'enterprise']);
    expect(ml.allowedTiers.every(tier => getTier(tier).gpu)).toBe(true);
  });

  it('has the parameters the design names', () => {
    const props = (id: keyof typeof BUILT_IN_JOB_TYPES) =>
      BUILT_IN_JOB_TYPES[id].parameterSchema.properties as Record<string, any>;
    expect(props('ml-training').epochs).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 1000,
    });
    expect(props('ml-training')).toHaveProperty('learningRate');
    expect(props('data-etl').mode.enum).toEqual(['full', 'incremental']);
    expect(props('tenant-backup').target.enum).toEqual([
      'database',
      'files',
      'all',
    ]);
    expect(props('tenant-backup')).toHaveProperty('retentionDays');
    expect(props('security-scan').scanType.enum).toEqual([
      'image',
      'dependencies',
      'config',
    ]);
    expect(props('security-scan')).toHaveProperty('severityThreshold');
    expect(props('billing-report').format.enum).toEqual(['csv', 'pdf', 'json']);
    const period = new RegExp(props('billing-report').period.pattern, 'u');
    expect(period.test('2025-06')).toBe(true);
    expect(period.test('2025-13')).toBe(false);
    expect(period.test('2025-6')).toBe(false);
  });

  it('keeps resource names from naming paths or options', () => {
    const pattern = new RegExp(
      (
        BUILT_IN_JOB_TYPES['data-etl'].parameterSchema.properties as any
      ).source.pattern,
      'u',
    );
    expect(pattern.test('events-db')).toBe(true);
    expect(pattern.test('../etc/passwd')).toBe(false);
    expect(pattern.test('a/b')).toBe(false);
    expect(pattern.test('--help')).toBe(false);
    expect(pattern.test('x; rm -rf /')).toBe(false);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(BUILT_IN_JOB_TYPES)).toBe(true);
    expect(Object.isFrozen(BUILT_IN_JOB_TYPES['data-etl'].command)).toBe(true);
    expect(
      Object.isFrozen(
        BUILT_IN_JOB_TYPES['data-etl'].parameterSchema.properties,
      ),
    ).toBe(true);
  });
});
