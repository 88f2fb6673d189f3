import { z } from 'zod';
import {
  describeIssues,
  describeValue,
  formatProblems,
} from './validationMessages';

describe('describeValue', () => {
  it.each([
    ['huge', "'huge'"],
    ["it's", "'it\\'s'"],
    ['line\nbreak', "'line\\nbreak'"],
    ['x'.repeat(50), `'${'x'.repeat(40)}…'`],
    [3, '3'],
    [true, 'true'],
    [null, 'null'],
    [[1], 'an array'],
    [{ a: 1 }, 'an object'],
  ])('renders %j as %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});

describe('describeIssues', () => {
  const schema = z.strictObject({
    list: z.array(z.object({ n: z.number({ error: 'must be a number' }) })),
  });

  it('formats nested paths and takes the value from the input', () => {
    const input = { list: [{ n: 1 }, { n: 'two' }], more: true };
    const result = schema.safeParse(input);
    expect(result.success).toBe(false);
    const problems = describeIssues(result.error!.issues, input);
    expect(problems).toEqual([
      { path: 'list[1].n', message: "must be a number (got 'two')" },
      { path: 'more', message: expect.stringMatching(/^Unrecognized key/) },
    ]);
  });

  it('omits the value when it is unknown', () => {
    const result = schema.safeParse({ list: [{ n: 'x' }] });
    expect(describeIssues(result.error!.issues)).toEqual([
      { path: 'list[0].n', message: 'must be a number' },
    ]);
  });
});

describe('formatProblems', () => {
  it('joins problems and names the body', () => {
    expect(
      formatProblems([
        { path: '', message: 'must be a JSON object' },
        { path: 'tier', message: 'is odd' },
      ]),
    ).toBe('request body: must be a JSON object; tier: is odd');
  });
});
