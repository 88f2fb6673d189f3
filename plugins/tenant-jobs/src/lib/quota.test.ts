import { ACME, INITECH } from '../__testUtils__/fakeData';
import { quotaBars, shareOf } from './quota';

describe('quotaBars', () => {
  it('reads cpu, memory and GPU use from the quota and jobs from the plan', () => {
    const bars = quotaBars(ACME);
    expect(bars.map(b => [b.id, b.usedText, b.hardText])).toEqual([
      ['cpu', '48 cores', '64 cores'],
      ['memory', '16.0 GiB', '256.0 GiB'],
      ['gpu', '0', '8'],
      ['jobs', '3', '10'],
    ]);
    expect(shareOf(bars[0])).toBe(0.75);
  });

  it('falls back to the plan without a quota, and has no GPU bar without GPUs', () => {
    const bars = quotaBars(INITECH);
    expect(bars.map(b => b.id)).toEqual(['cpu', 'memory', 'jobs']);
    expect(bars[0]).toEqual(
      expect.objectContaining({ used: undefined, hardText: '4 cores' }),
    );
    expect(shareOf(bars[0])).toBeUndefined();
    expect(bars[2]).toEqual(expect.objectContaining({ used: 0, hard: 2 }));
  });
});
