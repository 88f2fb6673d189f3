import type { V1ObjectMeta } from '@kubernetes/client-node';
import { TENANT_JOBS_ANNOTATIONS } from '../constants';
import { isCompleteEntityRef } from '../entityRefs';
import { isTierId } from '../tiers';
import type { TierId } from '../types';

/**
 * Who launched a run, from where and with what: written on its Job as
 * annotations, so that a Job whose run the database lost (restored from an
 * older backup, or a demo's database deleted) is adopted as a complete run
 * again, not as an anonymous one.
 *
 * @public
 */
export interface RunOrigin {
  /** The user entity ref the run acts for. */
  submittedBy: string;
  /** When it was submitted, ISO 8601; a schedule's Jobs have none. */
  submittedAt?: string;
  tier: TierId;
  /** The run's parameters, as submitted. */
  parameters: Record<string, unknown>;
  /** The catalog entity it was launched from. */
  entityRef?: string;
  idempotencyKey?: string;
  /** The trigger rule that launched it. */
  triggerId?: string;
}

/**
 * The annotations that record a run's origin on its Job.
 *
 * @public
 */
export function runOriginAnnotations(
  origin: RunOrigin,
): Record<string, string> {
  const keys = TENANT_JOBS_ANNOTATIONS;
  return {
    [keys.submittedBy]: origin.submittedBy,
    ...(origin.submittedAt ? { [keys.submittedAt]: origin.submittedAt } : {}),
    [keys.tier]: origin.tier,
    [keys.parameters]: JSON.stringify(origin.parameters ?? {}),
    ...(origin.entityRef ? { [keys.entityRef]: origin.entityRef } : {}),
    ...(origin.idempotencyKey
      ? { [keys.idempotencyKey]: origin.idempotencyKey }
      : {}),
    ...(origin.triggerId ? { [keys.triggerId]: origin.triggerId } : {}),
  };
}

/**
 * What a Job's annotations say of its run's origin; each part only when it
 * is there and well-formed (a Job of an older version, or one edited by
 * hand, gives what it has).
 *
 * @public
 */
export function readRunOrigin(
  metadata: Pick<V1ObjectMeta, 'annotations'> | undefined,
): Partial<RunOrigin> {
  const annotations = metadata?.annotations ?? {};
  const keys = TENANT_JOBS_ANNOTATIONS;
  const origin: Partial<RunOrigin> = {};
  const submittedBy = annotations[keys.submittedBy];
  if (submittedBy && isCompleteEntityRef(submittedBy)) {
    origin.submittedBy = submittedBy;
  }
  const submittedAt = annotations[keys.submittedAt];
  if (submittedAt && !Number.isNaN(Date.parse(submittedAt))) {
    origin.submittedAt = new Date(submittedAt).toISOString();
  }
  const tier = annotations[keys.tier];
  if (tier && isTierId(tier)) origin.tier = tier;
  const parameters = annotations[keys.parameters];
  if (parameters) {
    try {
      const value = JSON.parse(parameters);
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        origin.parameters = value;
      }
    } catch {
      // Not JSON: no parameters known.
    }
  }
  const entityRef = annotations[keys.entityRef];
  if (entityRef && isCompleteEntityRef(entityRef)) origin.entityRef = entityRef;
  if (annotations[keys.idempotencyKey]) {
    origin.idempotencyKey = annotations[keys.idempotencyKey];
  }
  if (annotations[keys.triggerId]) {
    origin.triggerId = annotations[keys.triggerId];
  }
  return origin;
}
