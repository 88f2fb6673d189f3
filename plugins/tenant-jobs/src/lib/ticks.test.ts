import { niceTicks } from './ticks';

describe('niceTicks', () => {
  it('uses round durations', () => {
    expect(niceTicks(8400, true)).toEqual([0, 3600, 7200, 10800]);
    expect(niceTicks(200, true)).toEqual([0, 60, 120, 180, 240]);
    expect(niceTicks(7, true)).toEqual([0, 2, 4, 6, 8]);
  });

  it('uses 1, 2 or 5 times a power of ten otherwise', () => {
    expect(niceTicks(1)).toEqual([0, 0.5, 1]);
    expect(niceTicks(37)).toEqual([0, 10, 20, 30, 40]);
  });
});
