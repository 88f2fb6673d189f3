import {
  forbiddenTriggerTopic,
  mapTriggerParameters,
  matchesTriggerFilter,
  parseTriggerRequest,
  triggerPayloadValue,
} from './trigger';

describe('trigger rules', () => {
  const payload = {
    repository: { name: 'warehouse', private: true, stars: 3 },
    ref: 'main',
  };

  it('matches a payload when every path equals its value', () => {
    expect(matchesTriggerFilter({}, payload)).toBe(true);
    expect(
      matchesTriggerFilter(
        { 'repository.name': 'warehouse', 'repository.private': true },
        payload,
      ),
    ).toBe(true);
    expect(matchesTriggerFilter({ 'repository.stars': 4 }, payload)).toBe(
      false,
    );
    expect(
      matchesTriggerFilter({ 'repository.owner.name': 'x' }, payload),
    ).toBe(false);
    // Only own properties: no prototype walking.
    expect(matchesTriggerFilter({ 'ref.length': 4 }, payload)).toBe(false);
    expect(
      matchesTriggerFilter({ 'constructor.name': 'Object' }, payload),
    ).toBe(false);
  });

  it('maps parameters from the payload or constants', () => {
    expect(
      mapTriggerParameters(
        {
          ref: { from: 'ref' },
          repo: { from: 'repository.name' },
          mode: { value: 'full' },
          missing: { from: 'nope' },
        },
        payload,
      ),
    ).toEqual({ ref: 'main', repo: 'warehouse', mode: 'full' });
  });

  it('says what to fix in a rule', () => {
    const bad = parseTriggerRequest({
      tenantId: 'acme',
      jobType: 'data-etl',
      topic: 'has spaces',
      filter: { '../x': 'y' },
      parameters: { ref: 'main' },
      owner: 'me',
    });
    expect(bad.success).toBe(false);
    const message = (bad as { message: string }).message;
    expect(message).toContain('topic: must be an events topic');
    expect(message).toContain('must map dotted paths into the event payload');
    expect(message).toContain(
      "each parameter must be { from: '<payload path>' }",
    );
    expect(message).toContain('owner: unknown field');
    expect(
      parseTriggerRequest({
        tenantId: 'acme',
        jobType: 'data-etl',
        topic: 'github.push',
      }),
    ).toMatchObject({
      success: true,
      request: { filter: {}, parameters: {}, priority: 'normal' },
    });
  });
});

describe('forbiddenTriggerTopic', () => {
  it.each([
    'signals',
    'Signals',
    'notifications',
    'scaffolder.task',
    'scaffolder',
    'scaffolder:task',
    'tenant-jobs',
    'tenant-jobs:run',
    'tenant-jobs.run.changed',
    'signals/anything',
  ])('refuses %s, naming why', topic => {
    expect(forbiddenTriggerTopic(topic)).toMatch(
      /carries other tenants' or users' data/,
    );
  });

  it.each([
    'tenant-data.arrived',
    'tenant-jobs-test.push',
    'signalsx',
    'github.push',
  ])('leaves %s to the allowlist', topic => {
    expect(forbiddenTriggerTopic(topic)).toBeUndefined();
  });
});

describe('triggerPayloadValue', () => {
  it('reads own properties along a dotted path only', () => {
    const payload = { a: { b: { c: 'x' } }, n: null };
    expect(triggerPayloadValue(payload, 'a.b.c')).toBe('x');
    expect(triggerPayloadValue(payload, 'a.b.missing')).toBeUndefined();
    expect(triggerPayloadValue(payload, 'n.x')).toBeUndefined();
    expect(triggerPayloadValue(payload, 'a.toString')).toBeUndefined();
  });
});

describe('payload paths', () => {
  it.each(['__proto__.polluted', 'a.constructor', 'prototype'])(
    'refuses %s, which names no data',
    path => {
      const filter = parseTriggerRequest({
        tenantId: 'acme',
        jobType: 'data-etl',
        topic: 'git.push',
        filter: { [path]: 'x' },
      });
      expect(filter.success).toBe(false);
      const mapping = parseTriggerRequest({
        tenantId: 'acme',
        jobType: 'data-etl',
        topic: 'git.push',
        parameters: { source: { from: path } },
      });
      expect(mapping).toMatchObject({
        success: false,
        message: expect.stringContaining(
          'no __proto__, constructor or prototype',
        ),
      });
    },
  );
});
