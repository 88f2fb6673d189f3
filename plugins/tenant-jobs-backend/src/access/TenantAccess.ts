import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  tenantJobsResourceRef,
  tenantJobsRunCreatePermission,
  tenantJobsRunReadPermission,
  tenantJobsTenantProvisionPermission,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import express from 'express';
import { TenantDirectory } from '../catalog/TenantDirectory';
import { RunRecord, TenantCriteria } from '../database';
import { TenantJobAuthorizer } from '../permissions/authorizer';
import { readableRuns } from '../permissions/readCriteria';

/** A signed-in user's credentials. */
export type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/** What a run id can look like: a label value (UUIDs in practice). */
const RUN_ID = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * Every decision about who may do what with a tenant and its runs, in one
 * place, for every caller (REST routes today; actions for agents and the
 * CLI share it):
 *
 * - **member**: `tenant-jobs.run.create` on the tenant (launch, cancel,
 *   retry, manage schedules and triggers), refused with a 403;
 * - **reader**: `tenant-jobs.run.read` on the tenant or run; a run or
 *   schedule the caller may not read answers the same 404 as one that does
 *   not exist, so ids reveal nothing;
 * - **refused tenant**: why a tenant claimed in the catalog cannot be used
 *   is told (409) only to its claiming Groups;
 * - **admin**: the basic `tenant-jobs.tenant.provision`, for the platform
 *   team (provisioning, health details).
 */
export class TenantAccess {
  constructor(
    private readonly deps: {
      httpAuth: HttpAuthService;
      userInfo: UserInfoService;
      permissions: PermissionsService;
      authorizer: TenantJobAuthorizer;
      tenants: TenantDirectory;
      /** The run with this id, or undefined. */
      getRun(id: string): Promise<RunRecord | undefined>;
    },
  ) {}

  /** The caller, who must be a signed-in user (401 otherwise). */
  user(req: express.Request): Promise<UserCredentials> {
    return this.deps.httpAuth.credentials(req, { allow: ['user'] });
  }

  /** The entity refs the caller is or belongs to. */
  async ownership(credentials: UserCredentials): Promise<string[]> {
    const { ownershipEntityRefs } = await this.deps.userInfo.getUserInfo(
      credentials,
    );
    return ownershipEntityRefs;
  }

  /**
   * Throws a 409 that says why a tenant claimed in the catalog is refused,
   * to a caller in one of the claiming Groups; anyone else learns nothing
   * here (and is refused as a non-member next).
   */
  async requireUsable(
    credentials: UserCredentials,
    tenantId: string,
  ): Promise<void> {
    const refusal = await this.deps.tenants.getRefusal(
      tenantId,
      await this.ownership(credentials),
    );
    if (refusal) {
      throw new ConflictError(
        `Tenant '${tenantId}' cannot be used: ${refusal}`,
      );
    }
  }

  /** Throws a 403 (`denial`) unless the caller is a member of the tenant. */
  async requireMember(
    credentials: UserCredentials,
    tenantId: string,
    denial: string,
  ): Promise<void> {
    await this.require(
      credentials,
      tenantJobsRunCreatePermission,
      tenantJobsResourceRef.forTenant(tenantId),
      denial,
    );
  }

  /** Throws a 403 (`denial`) unless the caller may `permission` the run. */
  async requireOnRun(
    credentials: UserCredentials,
    permission: ResourcePermission<'tenant-jobs-run'>,
    run: RunRecord,
    denial: string,
  ): Promise<void> {
    await this.require(
      credentials,
      permission,
      tenantJobsResourceRef.forRun(run.id),
      denial,
    );
  }

  /** Whether the caller may read the tenant's runs, schedules and rules. */
  mayRead(credentials: UserCredentials, tenantId: string): Promise<boolean> {
    return this.deps.authorizer(
      credentials,
      tenantJobsRunReadPermission,
      tenantJobsResourceRef.forTenant(tenantId),
    );
  }

  /** Of `tenantIds` (else the caller's own tenants), those it may read. */
  async readableTenantIds(
    credentials: UserCredentials,
    tenantIds?: string[],
  ): Promise<string[]> {
    const ids =
      tenantIds ??
      (
        await this.deps.tenants.getTenantsFor(await this.ownership(credentials))
      ).map(t => t.id);
    const readable: string[] = [];
    for (const id of ids) {
      if (await this.mayRead(credentials, id)) readable.push(id);
    }
    return readable;
  }

  /**
   * A tenant's schedule or trigger rule, if the caller may read it; else
   * a 404 with `notFound`, the same as for one that does not exist.
   */
  async readableOf<T extends { tenantId: string }>(
    credentials: UserCredentials,
    found: T | undefined,
    notFound: string,
  ): Promise<T> {
    if (!found || !(await this.mayRead(credentials, found.tenantId))) {
      throw new NotFoundError(notFound);
    }
    return found;
  }

  /**
   * Which runs the caller may read, as criteria the run store turns into
   * SQL: undefined for all, or a tree of tenant id sets.
   */
  readableRuns(
    credentials: UserCredentials,
  ): Promise<TenantCriteria | undefined> {
    return readableRuns(this.deps.permissions, credentials, this.deps.tenants);
  }

  /** The run, or undefined when no run has this id (or it cannot be one). */
  async findRun(id: string): Promise<RunRecord | undefined> {
    // Run ids are label values; anything else names no run and never
    // reaches the database (NUL bytes, megabytes).
    if (!RUN_ID.test(id)) return undefined;
    return this.deps.getRun(id);
  }

  /**
   * The run, if the caller may read it. Another tenant's run answers the
   * same 404 as one that does not exist.
   */
  async readableRun(
    credentials: UserCredentials,
    id: string,
    found?: RunRecord,
  ): Promise<RunRecord> {
    const run = found ?? (await this.findRun(id));
    const readable =
      run &&
      (await this.deps.authorizer(
        credentials,
        tenantJobsRunReadPermission,
        tenantJobsResourceRef.forRun(run.id),
      ));
    if (!run || !readable) {
      throw new NotFoundError(`No tenant job run with id '${id}'`);
    }
    return run;
  }

  /** Whether the caller is the platform team's (`tenant-jobs.tenant.provision`). */
  async isAdmin(credentials: BackstageCredentials): Promise<boolean> {
    const [decision] = await this.deps.permissions.authorize(
      [{ permission: tenantJobsTenantProvisionPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** Throws a 403 (`denial`) unless the caller is the platform team's. */
  async requireAdmin(
    credentials: BackstageCredentials,
    denial: string,
  ): Promise<void> {
    if (!(await this.isAdmin(credentials))) throw new NotAllowedError(denial);
  }

  private async require(
    credentials: UserCredentials,
    permission: ResourcePermission<'tenant-jobs-run'>,
    resourceRef: string,
    denial: string,
  ) {
    if (!(await this.deps.authorizer(credentials, permission, resourceRef))) {
      throw new NotAllowedError(denial);
    }
  }
}
