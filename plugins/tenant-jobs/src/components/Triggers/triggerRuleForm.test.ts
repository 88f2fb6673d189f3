import {
  constantOf,
  filterOf,
  filterValueOf,
  parametersOf,
  rowProblems,
} from './triggerRuleForm';

describe('triggerRuleForm', () => {
  it('reads filter values: true, false and numbers as such, the rest as text', () => {
    expect(filterValueOf('true')).toBe(true);
    expect(filterValueOf('false')).toBe(false);
    expect(filterValueOf('42')).toBe(42);
    expect(filterValueOf('-1.5')).toBe(-1.5);
    expect(filterValueOf('refs/heads/main')).toBe('refs/heads/main');
    expect(filterValueOf('')).toBe('');
  });

  it('reads constants as JSON when they are JSON, else as text', () => {
    expect(constantOf('42')).toBe(42);
    expect(constantOf('["a","b"]')).toEqual(['a', 'b']);
    expect(constantOf('full')).toBe('full');
  });

  it('builds the filter and the mapping, skipping empty rows', () => {
    expect(
      filterOf([
        { path: ' repository.name ', value: 'etl' },
        { path: '', value: '' },
      ]),
    ).toEqual({ 'repository.name': 'etl' });
    expect(
      parametersOf([
        { name: 'repository', source: 'from', text: ' repository.url ' },
        { name: 'depth', source: 'value', text: '3' },
        { name: '', source: 'from', text: '' },
      ]),
    ).toEqual({
      repository: { from: 'repository.url' },
      depth: { value: 3 },
    });
  });

  it('names what is wrong with each row', () => {
    expect(
      rowProblems(
        [
          { path: 'repository.name', value: 'a' },
          { path: 'repository.name', value: 'b' },
          { path: '__proto__.x', value: 'c' },
          { path: '', value: '' },
        ],
        [
          { name: 'source', source: 'from', text: 'a..b' },
          { name: 'source', source: 'value', text: 'x' },
          { name: '1st', source: 'value', text: 'x' },
          { name: 'mode', source: 'value', text: 'anything' },
        ],
      ),
    ).toEqual({
      filter: {
        1: 'Path is already in the filter',
        2: expect.stringMatching(/^Path must be a dotted path/),
      },
      parameters: {
        0: expect.stringMatching(/^Path must be a dotted path/),
        1: 'Name is already mapped',
        2: 'Name must be letters and digits, starting with a letter',
      },
    });
  });
});
