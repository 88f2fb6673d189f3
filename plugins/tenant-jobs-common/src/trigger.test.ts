import {
  mapTriggerParameters,
  matchesTriggerFilter,
  parseTriggerRequest,
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
