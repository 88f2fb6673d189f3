import {
  TIERS,
  TIER_IDS,
  compareTiers,
  getTier,
  isTierAtMost,
  isTierId,
  tierRank,
  tierResources,
} from './tiers';

describe('tiers', () => {
  it('lists the six tiers smallest first', () => {
    expect(TIER_IDS).toEqual([
      'micro',
      'small',
      'medium',
      'large',
      'xlarge',
      'enterprise',
    ]);
    expect(TIERS.map(t => t.id)).toEqual(TIER_IDS);
  });

  it.each([
    ['micro', '100m', '128Mi', undefined],
    ['small', '250m', '512Mi', undefined],
    ['medium', '500m', '1Gi', undefined],
    ['large', '2', '4Gi', undefined],
    ['xlarge', '8', '16Gi', 1],
    ['enterprise', '16', '32Gi', 2],
  ] as const)('%s has cpu %s, memory %s and gpu %s', (id, cpu, memory, gpu) => {
    const tier = getTier(id);
    expect(tier.cpu).toBe(cpu);
    expect(tier.memory).toBe(memory);
    expect(tier.gpu).toBe(gpu);
    expect(tier.tmpSize).toMatch(/^[0-9]+(Mi|Gi)$/);
  });

  it.each([
    ['micro', '100m', '128Mi'],
    ['small', '250m', '512Mi'],
    ['medium', '500m', '1Gi'],
    ['large', '2', '4Gi'],
    ['xlarge', '8', '16Gi'],
    ['enterprise', '16', '32Gi'],
  ] as const)(
    'maps %s to requests = limits of cpu %s, memory %s without GPU',
    (id, cpu, memory) => {
      const resources = tierResources(getTier(id));
      expect(resources).toEqual({
        requests: { cpu, memory },
        limits: { cpu, memory },
      });
    },
  );

  it('adds one GPU on xlarge and two on enterprise for GPU job types', () => {
    expect(tierResources(getTier('xlarge'), { gpu: true })).toEqual({
      requests: { cpu: '8', memory: '16Gi', 'nvidia.com/gpu': '1' },
      limits: { cpu: '8', memory: '16Gi', 'nvidia.com/gpu': '1' },
    });
    expect(tierResources(getTier('enterprise'), { gpu: true })).toEqual({
      requests: { cpu: '16', memory: '32Gi', 'nvidia.com/gpu': '2' },
      limits: { cpu: '16', memory: '32Gi', 'nvidia.com/gpu': '2' },
    });
  });

  it('adds no GPU on GPU tiers for job types that need none', () => {
    const resources = tierResources(getTier('enterprise'), { gpu: false });
    expect(resources.limits).not.toHaveProperty('nvidia.com/gpu');
    expect(resources.requests).not.toHaveProperty('nvidia.com/gpu');
  });

  it('refuses a GPU on a tier without one', () => {
    expect(() => tierResources(getTier('large'), { gpu: true })).toThrow(
      "Tier 'large' offers no GPU",
    );
  });

  it('returns fresh objects', () => {
    const a = tierResources(getTier('micro'));
    a.limits!.cpu = '99';
    expect(tierResources(getTier('micro')).limits!.cpu).toBe('100m');
    expect(a.requests!.cpu).toBe('100m');
  });

  it('ranks and compares tiers', () => {
    expect(TIER_IDS.map(tierRank)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(compareTiers('small', 'large')).toBeLessThan(0);
    expect(compareTiers('enterprise', 'xlarge')).toBeGreaterThan(0);
    expect(compareTiers('medium', 'medium')).toBe(0);
    expect(['enterprise', 'micro', 'large'].sort(compareTiers as any)).toEqual([
      'micro',
      'large',
      'enterprise',
    ]);
    expect(isTierAtMost('large', 'large')).toBe(true);
    expect(isTierAtMost('xlarge', 'large')).toBe(false);
    expect(() => tierRank('huge' as any)).toThrow("Unknown tier 'huge'");
    expect(() => getTier('huge' as any)).toThrow("Unknown tier 'huge'");
  });

  it('recognizes tier ids', () => {
    expect(isTierId('micro')).toBe(true);
    expect(isTierId('huge')).toBe(false);
    expect(isTierId(3)).toBe(false);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(TIERS)).toBe(true);
    expect(Object.isFrozen(TIERS[0])).toBe(true);
    expect(Object.isFrozen(TIER_IDS)).toBe(true);
  });
});
