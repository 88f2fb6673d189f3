import { parseQuantity } from './quantity';

describe('parseQuantity', () => {
  it.each([
    ['1', 1],
    ['500m', 0.5],
    ['2.5', 2.5],
    ['.5', 0.5],
    ['1Ki', 1024],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1k', 1000],
    ['1M', 1e6],
    ['1G', 1e9],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1E', 1e18],
    ['+2', 2],
  ])('reads %s as %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  it.each(['', 'lots', '-1', '1 Gi', '1gi', '1Gb', 'Gi', '1e'])(
    'refuses %j',
    text => {
      expect(parseQuantity(text)).toBeUndefined();
    },
  );
});
