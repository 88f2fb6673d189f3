import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  TENANT_JOBS_ANNOTATIONS,
  isValidTenantId,
} from '@tenant-jobs/plugin-tenant-jobs-common';

const TENANT_ID_ANNOTATION = TENANT_JOBS_ANNOTATIONS.tenantId;
const PLAN_ANNOTATION = TENANT_JOBS_ANNOTATIONS.plan;

/** A tenant as the catalog describes it. */
export type Tenant = {
  id: string;
  /** The Group entity that owns the tenant; its members are the tenant's. */
  groupRef: string;
  title: string;
  /** The plan named by the group's `tenant-jobs.io/plan` annotation. */
  planAnnotation?: string;
};

const CACHE_MS = 10_000;

/**
 * Tenants from the catalog: Groups annotated `tenant-jobs.io/tenant-id`.
 * A tenant id claimed by two groups is refused altogether (fail closed), so
 * registering a look-alike Group cannot hijack a tenant.
 */
export class TenantDirectory {
  private cache?: { at: number; tenants: Map<string, Tenant> };

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {}

  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    return (await this.load()).get(tenantId);
  }

  /** The tenants whose owning group is among the caller's ownership refs. */
  async getTenantsFor(ownershipEntityRefs: string[]): Promise<Tenant[]> {
    const claims = new Set(
      ownershipEntityRefs.map(ref => ref.toLocaleLowerCase('en-US')),
    );
    return [...(await this.load()).values()].filter(tenant =>
      claims.has(tenant.groupRef),
    );
  }

  private async load(): Promise<Map<string, Tenant>> {
    if (this.cache && Date.now() - this.cache.at < CACHE_MS) {
      return this.cache.tenants;
    }
    const { items } = await this.options.catalog.getEntities(
      {
        filter: { kind: 'Group' },
        fields: ['kind', 'metadata', 'spec.profile'],
      },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    const tenants = new Map<string, Tenant>();
    const refused = new Set<string>();
    for (const entity of items) {
      if (!entity.metadata.annotations?.[TENANT_ID_ANNOTATION]) {
        continue;
      }
      const tenant = toTenant(entity);
      if (!tenant) {
        this.options.logger.warn(
          `Ignoring ${stringifyEntityRef(
            entity,
          )}: its ${TENANT_ID_ANNOTATION} annotation is not a valid tenant id`,
        );
        continue;
      }
      if (tenants.has(tenant.id) || refused.has(tenant.id)) {
        this.options.logger.error(
          `Tenant '${tenant.id}' is claimed by more than one Group (${
            tenant.groupRef
          }, ${
            tenants.get(tenant.id)?.groupRef ?? 'another'
          }); refusing it until only one claims it`,
        );
        tenants.delete(tenant.id);
        refused.add(tenant.id);
        continue;
      }
      tenants.set(tenant.id, tenant);
    }
    this.cache = { at: Date.now(), tenants };
    return tenants;
  }
}

function toTenant(entity: Entity): Tenant | undefined {
  const id = entity.metadata.annotations?.[TENANT_ID_ANNOTATION];
  if (!id || !isValidTenantId(id)) {
    return undefined;
  }
  const profile = (
    entity.spec as { profile?: { displayName?: string } } | undefined
  )?.profile;
  return {
    id,
    groupRef: stringifyEntityRef(entity),
    title:
      entity.metadata.title ?? profile?.displayName ?? entity.metadata.name,
    planAnnotation: entity.metadata.annotations?.[PLAN_ANNOTATION],
  };
}
