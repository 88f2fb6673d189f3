import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import {
  isValidTenantId,
  tenantJobsRunCreatePermission,
  tenantJobsRunReadPermission,
  tenantJobsResourceRef,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import express from 'express';
import { TenantDirectory } from '../catalog/TenantDirectory';
import { TenantJobAuthorizer } from '../permissions/authorizer';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/**
 * The query of a list of a tenant's things (`GET /schedules`,
 * `GET /triggers`): an optional `tenantId`, nothing else. Undefined when it
 * names no tenant, for the caller's own tenants.
 */
export function parseTenantQuery(
  query: Record<string, unknown>,
): string[] | undefined {
  const { tenantId, ...rest } = query;
  if (Object.keys(rest).length > 0) {
    throw new InputError(
      `Unknown query parameters: ${Object.keys(rest).join(
        ', ',
      )}; allowed: tenantId`,
    );
  }
  if (tenantId === undefined) return undefined;
  if (typeof tenantId !== 'string' || !isValidTenantId(tenantId)) {
    throw new InputError('tenantId: must be a tenant id');
  }
  return [tenantId];
}

/**
 * What the routes of tenant-owned things (schedules, triggers) ask of the
 * caller: a signed-in user, reading with `tenant-jobs.run.read` on the
 * tenant and changing with `tenant-jobs.run.create`, like runs.
 */
export function createTenantAccess(options: {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  authorizer: TenantJobAuthorizer;
  tenants: TenantDirectory;
}) {
  const { authorizer, tenants } = options;
  const mayRead = (credentials: UserCredentials, tenantId: string) =>
    authorizer(
      credentials,
      tenantJobsRunReadPermission,
      tenantJobsResourceRef.forTenant(tenantId),
    );
  return {
    user: (req: express.Request) =>
      options.httpAuth.credentials(req, { allow: ['user'] }),

    mayRead,

    /**
     * Throws a 409 that says why a tenant claimed in the catalog is
     * refused, to a caller in one of the claiming Groups; anyone else
     * learns nothing here (and is refused as a non-member next).
     */
    async requireUsable(
      credentials: UserCredentials,
      tenantId: string,
    ): Promise<void> {
      const { ownershipEntityRefs } = await options.userInfo.getUserInfo(
        credentials,
      );
      const refusal = await tenants.getRefusal(tenantId, ownershipEntityRefs);
      if (refusal) {
        throw new ConflictError(
          `Tenant '${tenantId}' cannot be used: ${refusal}`,
        );
      }
    },

    /** Throws a 403 unless the caller may change `what` of the tenant. */
    async requireMember(
      credentials: UserCredentials,
      tenantId: string,
      what: string,
    ): Promise<void> {
      const allowed = await authorizer(
        credentials,
        tenantJobsRunCreatePermission,
        tenantJobsResourceRef.forTenant(tenantId),
      );
      if (!allowed) {
        throw new NotAllowedError(
          `You may not manage ${what} of tenant '${tenantId}': you are not a member of it`,
        );
      }
    },

    /** Of `tenantIds` (else the caller's own tenants), those it may read. */
    async readableTenantIds(
      credentials: UserCredentials,
      tenantIds?: string[],
    ): Promise<string[]> {
      let ids = tenantIds;
      if (!ids) {
        const { ownershipEntityRefs } = await options.userInfo.getUserInfo(
          credentials,
        );
        ids = (await tenants.getTenantsFor(ownershipEntityRefs)).map(t => t.id);
      }
      const readable: string[] = [];
      for (const id of ids) {
        if (await mayRead(credentials, id)) readable.push(id);
      }
      return readable;
    },
  };
}

export type TenantAccess = ReturnType<typeof createTenantAccess>;
