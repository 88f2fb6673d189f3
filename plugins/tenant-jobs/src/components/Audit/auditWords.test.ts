import { actorRef, detailText, isoOfLocal, localOf } from './auditWords';

describe('detailText', () => {
  it("says a refusal's message with its status, else the fields as JSON", () => {
    expect(detailText({ status: 409, message: 'Quota exceeded' })).toBe(
      'Quota exceeded (HTTP 409)',
    );
    expect(detailText({ message: 'Created' })).toBe('Created');
    expect(detailText({ schedules: 2, triggers: 1 })).toBe(
      '{"schedules":2,"triggers":1}',
    );
    expect(detailText({})).toBe('');
    expect(detailText(undefined)).toBe('');
  });
});

describe('actorRef', () => {
  it('reads a user name or an entity ref', () => {
    expect(actorRef(' Dave ')).toBe('user:default/dave');
    expect(actorRef('user:ops/erin')).toBe('user:ops/erin');
    expect(actorRef('  ')).toBeUndefined();
  });
});

describe('local times', () => {
  it('turns a datetime-local value into ISO 8601 and back', () => {
    const iso = isoOfLocal('2026-11-01T08:30')!;
    expect(localOf(Date.parse(iso))).toBe('2026-11-01T08:30');
    expect(isoOfLocal('')).toBeUndefined();
    expect(isoOfLocal('not a time')).toBeUndefined();
  });
});
