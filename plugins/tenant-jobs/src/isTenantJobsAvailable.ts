import type { Entity } from '@backstage/catalog-model';
import { TENANT_JOBS_ANNOTATIONS } from '@tenant-jobs/plugin-tenant-jobs-common';

/** The tenant an entity belongs to, from its `tenant-jobs.io/tenant-id` annotation. */
export function tenantIdOf(entity: Entity): string | undefined {
  const value = entity.metadata.annotations?.[TENANT_JOBS_ANNOTATIONS.tenantId];
  return value?.trim() ? value.trim() : undefined;
}

/**
 * Whether an entity carries the `tenant-jobs.io/tenant-id` annotation, so
 * the Jobs tab and card have something to show.
 *
 * @public
 */
export function isTenantJobsAvailable(entity: Entity): boolean {
  return tenantIdOf(entity) !== undefined;
}
