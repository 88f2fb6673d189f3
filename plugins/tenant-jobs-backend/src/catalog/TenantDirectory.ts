import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  parseEntityRef,
  RELATION_MEMBER_OF,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  TENANT_JOBS_ANNOTATIONS,
  isValidTenantId,
  reservedNameMatch,
  tenantNamespaceName,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type { TenantOverride } from '../config/readConfig';

const TENANT_ID_ANNOTATION = TENANT_JOBS_ANNOTATIONS.tenantId;
const PLAN_ANNOTATION = TENANT_JOBS_ANNOTATIONS.plan;

/** A tenant as the catalog describes it. */
export type Tenant = {
  id: string;
  /** The Group entity that owns the tenant; its members are the tenant's. */
  groupRef: string;
  title: string;
  /**
   * The plan named by the group's `tenant-jobs.io/plan` annotation, only
   * when the Group comes from a trusted location.
   */
  planAnnotation?: string;
};

/** What the directory needs of the plugin's config. */
export type TenantDirectoryConfig = {
  namespacePattern: string;
  tenants: Map<string, TenantOverride>;
  reservedTenantIds: string[];
  trustedGroupLocations: string[];
  /** Origin-location prefixes whose entities' tenant annotation counts. */
  trustedEntityLocations: string[];
};

type View = {
  tenants: Map<string, Tenant>;
  /** Why a claimed tenant id is not served, by id. */
  refusals: Map<string, string>;
  /** The Groups (lower-cased refs) whose claim of a refused id was refused. */
  claimants: Map<string, Set<string>>;
};

const CACHE_MS = 10_000;

/**
 * The lower-cased refs an entity points at with `relationType`, from its
 * relations (as the catalog processed them) and from the refs written in
 * its spec (`specRefs`, Group refs by default), which count even before
 * processing.
 */
function relatedRefs(
  entity: Entity,
  relationType: string,
  specRefs: unknown[],
): Set<string> {
  const refs = new Set(
    (entity.relations ?? [])
      .filter(relation => relation.type === relationType)
      .map(relation => relation.targetRef.toLocaleLowerCase('en-US')),
  );
  for (const ref of specRefs) {
    if (typeof ref !== 'string') continue;
    try {
      refs.add(
        stringifyEntityRef(
          parseEntityRef(ref, {
            defaultKind: 'group',
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        ).toLocaleLowerCase('en-US'),
      );
    } catch {
      // What is no entity ref points at nothing.
    }
  }
  return refs;
}

/** Whether the entity was registered from under one of these prefixes. */
function isFrom(entity: Entity, prefixes: string[]): boolean {
  const origin = entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION];
  return (
    origin !== undefined && prefixes.some(prefix => origin.startsWith(prefix))
  );
}

/**
 * Tenants from the catalog: Groups annotated `tenant-jobs.io/tenant-id`.
 *
 * - A tenant id that config assigns to a Group belongs to that Group only;
 *   other Groups claiming it are ignored and reported.
 * - Otherwise an id claimed by two Groups is refused altogether (fail
 *   closed), so a look-alike Group cannot take a tenant over.
 * - Reserved ids (`kube-*`, `default`, ...) and ids whose namespace would be
 *   reserved are refused.
 * - A Group's plan annotation counts only when the Group comes from a
 *   trusted location; anyone who can register a Group could write it.
 *
 * One load is shared by concurrent callers, and the last good view keeps
 * serving while the catalog is briefly unreachable.
 */
export class TenantDirectory {
  private view?: { at: number } & View;
  private loading?: Promise<View>;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      config: TenantDirectoryConfig;
    },
  ) {}

  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    return (await this.load()).tenants.get(tenantId);
  }

  /**
   * Why a tenant id is not served although a Group claims it (reserved,
   * claimed twice), or undefined. With `ownershipEntityRefs` (a caller's),
   * only when the caller is in one of the claiming Groups: the reason names
   * the Groups, and nobody else needs to learn that the tenant exists.
   */
  async getRefusal(
    tenantId: string,
    ownershipEntityRefs?: string[],
  ): Promise<string | undefined> {
    const view = await this.load();
    const refusal = view.refusals.get(tenantId);
    if (!refusal || !ownershipEntityRefs) return refusal;
    const claimants = view.claimants.get(tenantId) ?? new Set<string>();
    return ownershipEntityRefs.some(ref =>
      claimants.has(ref.toLocaleLowerCase('en-US')),
    )
      ? refusal
      : undefined;
  }

  /** Every tenant served, ordered by id. */
  async listTenants(): Promise<Tenant[]> {
    return [...(await this.load()).tenants.values()].sort((a, b) =>
      a.id.localeCompare(b.id),
    );
  }

  /** The tenants whose owning group is among the caller's ownership refs. */
  async getTenantsFor(ownershipEntityRefs: string[]): Promise<Tenant[]> {
    const claims = new Set(
      ownershipEntityRefs.map(ref => ref.toLocaleLowerCase('en-US')),
    );
    return [...(await this.load()).tenants.values()].filter(tenant =>
      claims.has(tenant.groupRef),
    );
  }

  /**
   * Whether the catalog entity `entityRef` belongs to `tenant`: owned by
   * its Group, or annotated with its id and registered from a location the
   * platform team trusts (`trustedEntityLocations`); anyone who can
   * register an entity could write the annotation.
   */
  async belongsTo(entityRef: string, tenant: Tenant): Promise<boolean> {
    const entity = await this.getEntity(entityRef);
    if (!entity) return false;
    if (
      entity.metadata.annotations?.[TENANT_ID_ANNOTATION] === tenant.id &&
      isFrom(entity, this.options.config.trustedEntityLocations)
    ) {
      return true;
    }
    const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
    return relatedRefs(entity, RELATION_OWNED_BY, [owner]).has(tenant.groupRef);
  }

  /**
   * Whether the User `userRef` is a direct member of the tenant's Group in
   * the catalog now (its `memberOf`): for what acts for a user who is not
   * signed in, such as a trigger rule launching as its owner.
   */
  async isMember(userRef: string, tenant: Tenant): Promise<boolean> {
    const entity = await this.getEntity(userRef);
    if (entity?.kind.toLocaleLowerCase('en-US') !== 'user') return false;
    const memberOf = (entity.spec as { memberOf?: unknown } | undefined)
      ?.memberOf;
    return relatedRefs(
      entity,
      RELATION_MEMBER_OF,
      Array.isArray(memberOf) ? memberOf : [],
    ).has(tenant.groupRef);
  }

  private async getEntity(entityRef: string): Promise<Entity | undefined> {
    return this.options.catalog.getEntityByRef(entityRef, {
      credentials: await this.options.auth.getOwnServiceCredentials(),
    });
  }

  private async load(): Promise<View> {
    if (this.view && Date.now() - this.view.at < CACHE_MS) {
      return this.view;
    }
    if (!this.loading) {
      this.loading = this.fetch()
        .then(view => {
          this.view = { at: Date.now(), ...view };
          return view;
        })
        .catch(error => {
          if (this.view) {
            // Keep serving what we knew; try again on the next call.
            this.options.logger.warn(
              `Could not read tenants from the catalog, serving the last known ones: ${
                (error as Error).message
              }`,
            );
            return this.view;
          }
          this.options.logger.error(
            'Could not read tenants from the catalog',
            error as Error,
          );
          throw new ServiceUnavailableError(
            'The catalog could not be read; try again shortly',
          );
        })
        .finally(() => {
          this.loading = undefined;
        });
    }
    return this.loading;
  }

  private async fetch(): Promise<View> {
    const { items } = await this.options.catalog.getEntities(
      {
        filter: {
          kind: 'Group',
          [`metadata.annotations.${TENANT_ID_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: ['kind', 'metadata', 'spec.profile'],
      },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    const tenants = new Map<string, Tenant>();
    const refusals = new Map<string, string>();
    const claimants = new Map<string, Set<string>>();
    const claim = (id: string, groupRef: string) => {
      const groups = claimants.get(id) ?? new Set<string>();
      groups.add(groupRef.toLocaleLowerCase('en-US'));
      claimants.set(id, groups);
    };
    const { config, logger } = this.options;
    for (const entity of items) {
      const claimed = entity.metadata.annotations?.[TENANT_ID_ANNOTATION];
      if (!claimed) continue;
      const ref = stringifyEntityRef(entity);
      const tenant = this.toTenant(entity, claimed);
      if (typeof tenant === 'string') {
        logger.error(`Ignoring the tenant claim of ${ref}: ${tenant}`);
        if (isValidTenantId(claimed)) {
          refusals.set(claimed, tenant);
          claim(claimed, ref);
        }
        continue;
      }
      const assigned = config.tenants.get(tenant.id)?.group;
      if (assigned && assigned !== tenant.groupRef) {
        logger.error(
          `${ref} claims tenant '${tenant.id}', which tenantJobs.tenants assigns to ${assigned}; ignoring the claim`,
        );
        continue;
      }
      if (!assigned && (tenants.has(tenant.id) || refusals.has(tenant.id))) {
        const others = tenants.get(tenant.id)?.groupRef ?? 'another Group';
        const reason = `tenant '${tenant.id}' is claimed by more than one Group (${ref}, ${others}); it is refused until only one claims it or tenantJobs.tenants.${tenant.id}.group names its owner`;
        logger.error(reason);
        const other = tenants.get(tenant.id)?.groupRef;
        if (other) claim(tenant.id, other);
        claim(tenant.id, ref);
        tenants.delete(tenant.id);
        refusals.set(tenant.id, reason);
        continue;
      }
      tenants.set(tenant.id, tenant);
      refusals.delete(tenant.id);
      claimants.delete(tenant.id);
    }
    return { tenants, refusals, claimants };
  }

  /** The tenant a Group describes, or why it cannot be one. */
  private toTenant(entity: Entity, id: string): Tenant | string {
    const { config } = this.options;
    if (!isValidTenantId(id)) {
      return `'${id}' is not a valid tenant id (a DNS-1123 label of at most 40 characters)`;
    }
    const reserved = reservedNameMatch(id, config.reservedTenantIds);
    if (reserved) {
      return `tenant id '${id}' is reserved (${reserved}); choose another id`;
    }
    const namespace = tenantNamespaceName(config.namespacePattern, id);
    const reservedNamespace = reservedNameMatch(
      namespace,
      config.reservedTenantIds,
    );
    if (reservedNamespace) {
      return `tenant id '${id}' would run in namespace '${namespace}', which is reserved (${reservedNamespace}); choose another id`;
    }
    const profile = (
      entity.spec as { profile?: { displayName?: string } } | undefined
    )?.profile;
    const trusted = isFrom(entity, config.trustedGroupLocations);
    return {
      id,
      groupRef: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
      title:
        entity.metadata.title ?? profile?.displayName ?? entity.metadata.name,
      planAnnotation: trusted
        ? entity.metadata.annotations?.[PLAN_ANNOTATION]
        : undefined,
    };
  }
}
