import type { V1ResourceRequirements } from '@kubernetes/client-node';
import { GPU_RESOURCE_NAME } from './constants';
import { deepFreeze } from './deepFreeze';
import type { Tier, TierId } from './types';

/**
 * Tier ids, smallest first. The order is the tier rank.
 *
 * @public
 */
export const TIER_IDS: readonly TierId[] = deepFreeze<TierId[]>([
  'micro',
  'small',
  'medium',
  'large',
  'xlarge',
  'enterprise',
]);

/**
 * The resource tiers, smallest first.
 *
 * @public
 */
export const TIERS: readonly Tier[] = deepFreeze<Tier[]>([
  {
    id: 'micro',
    title: 'Micro',
    description: 'Lightweight tasks',
    cpu: '100m',
    memory: '128Mi',
    tmpSize: '256Mi',
  },
  {
    id: 'small',
    title: 'Small',
    description: 'Standard operations',
    cpu: '250m',
    memory: '512Mi',
    tmpSize: '1Gi',
  },
  {
    id: 'medium',
    title: 'Medium',
    description: 'Business applications',
    cpu: '500m',
    memory: '1Gi',
    tmpSize: '2Gi',
  },
  {
    id: 'large',
    title: 'Large',
    description: 'Data processing',
    cpu: '2',
    memory: '4Gi',
    tmpSize: '8Gi',
  },
  {
    id: 'xlarge',
    title: 'XLarge',
    description: 'ML training; one GPU for job types that need one',
    cpu: '8',
    memory: '16Gi',
    gpu: 1,
    tmpSize: '20Gi',
  },
  {
    id: 'enterprise',
    title: 'Enterprise',
    description: 'Enterprise workloads; two GPUs for job types that need them',
    cpu: '16',
    memory: '32Gi',
    gpu: 2,
    tmpSize: '50Gi',
  },
]);

/**
 * Whether `value` is a tier id.
 *
 * @public
 */
export function isTierId(value: unknown): value is TierId {
  return typeof value === 'string' && TIER_IDS.includes(value as TierId);
}

/**
 * The tier with the given id. Throws for an unknown id.
 *
 * @public
 */
export function getTier(id: TierId): Tier {
  const tier = TIERS.find(t => t.id === id);
  if (!tier) {
    throw new Error(`Unknown tier '${id}'`);
  }
  return tier;
}

/**
 * Rank of a tier: 0 for `micro` up to 5 for `enterprise`. Throws for an
 * unknown id.
 *
 * @public
 */
export function tierRank(id: TierId): number {
  const rank = TIER_IDS.indexOf(id);
  if (rank < 0) {
    throw new Error(`Unknown tier '${id}'`);
  }
  return rank;
}

/**
 * Orders tiers smallest first; usable with `Array.prototype.sort`.
 *
 * @public
 */
export function compareTiers(a: TierId, b: TierId): number {
  return tierRank(a) - tierRank(b);
}

/**
 * Whether `tier` is no larger than `max`.
 *
 * @public
 */
export function isTierAtMost(tier: TierId, max: TierId): boolean {
  return compareTiers(tier, max) <= 0;
}

/**
 * Container resources of a tier.
 *
 * Requests equal limits, so every job pod gets the Guaranteed QoS class:
 * a batch job's needs are known up front, the tenant's ResourceQuota then
 * counts what the job can really use (no overcommit one tenant could win at
 * another's expense), and Guaranteed pods are the last the kubelet evicts
 * or OOM-kills under node pressure. The cost, CPU throttling at the limit
 * instead of bursting into idle capacity, is the price of predictable
 * sharing. Extended resources such as GPUs must have requests equal to
 * limits anyway.
 *
 * GPUs are added only when `gpu` is set (the job type needs one); a GPU
 * request on a tier without GPUs throws, as admission must refuse it first.
 *
 * @public
 */
export function tierResources(
  tier: Tier,
  options: { gpu?: boolean } = {},
): V1ResourceRequirements {
  const amounts: Record<string, string> = {
    cpu: tier.cpu,
    memory: tier.memory,
  };
  if (options.gpu) {
    if (!tier.gpu) {
      throw new Error(`Tier '${tier.id}' offers no GPU`);
    }
    amounts[GPU_RESOURCE_NAME] = String(tier.gpu);
  }
  return { requests: { ...amounts }, limits: { ...amounts } };
}
