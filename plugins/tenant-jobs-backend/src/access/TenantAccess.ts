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
 * - **admin**: the platform team, members of `tenantJobs.adminGroups` or
 *   callers the policy allows the basic `tenant-jobs.tenant.provision`:
 *   provisioning and health details, and where the tenant's own rules say
 *   no, reading every tenant and managing (cancel, pause, resume, delete)
 *   its runs, schedules and rules, answered `{ asAdmin: true }` so the
 *   audit trail records the action as an admin's. An admin launches
 *   nothing in a tenant it is not a member of.
 */
export class TenantAccess {
  /** Each request's answer, asked once however often it is needed. */
  private readonly admins = new WeakMap<object, Promise<boolean>>();

  constructor(
    private readonly deps: {
      httpAuth: HttpAuthService;
      userInfo: UserInfoService;
      permissions: PermissionsService;
      authorizer: TenantJobAuthorizer;
      tenants: TenantDirectory;
      /** Group refs (lower case) of the platform team. */
      adminGroups?: string[];
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

  /** The ids of the tenants whose Groups the caller is in. */
  async memberTenantIds(credentials: UserCredentials): Promise<string[]> {
    const tenants = await this.deps.tenants.getTenantsFor(
      await this.ownership(credentials),
    );
    return tenants.map(t => t.id);
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

  /**
   * Throws a 403 (`denial`) unless the caller may `permission` the run or
   * is the platform team's; says which.
   */
  async requireOnRun(
    credentials: UserCredentials,
    permission: ResourcePermission<'tenant-jobs-run'>,
    run: RunRecord,
    denial: string,
  ): Promise<{ asAdmin: boolean }> {
    return this.requireOrAdmin(
      credentials,
      permission,
      tenantJobsResourceRef.forRun(run.id),
      denial,
    );
  }

  /**
   * Throws a 403 (`denial`) unless the caller may manage the tenant's
   * schedules and rules (pause, resume, delete): a member, or the
   * platform team's; says which.
   */
  async requireManager(
    credentials: UserCredentials,
    tenantId: string,
    denial: string,
  ): Promise<{ asAdmin: boolean }> {
    return this.requireOrAdmin(
      credentials,
      tenantJobsRunCreatePermission,
      tenantJobsResourceRef.forTenant(tenantId),
      denial,
    );
  }

  /** Whether the caller may read the tenant's runs, schedules and rules. */
  async mayRead(
    credentials: UserCredentials,
    tenantId: string,
  ): Promise<boolean> {
    return (
      (await this.deps.authorizer(
        credentials,
        tenantJobsRunReadPermission,
        tenantJobsResourceRef.forTenant(tenantId),
      )) || this.isAdmin(credentials)
    );
  }

  /**
   * Of `tenantIds` (else the caller's own tenants, or for the platform
   * team every tenant), those it may read.
   */
  async readableTenantIds(
    credentials: UserCredentials,
    tenantIds?: string[],
  ): Promise<string[]> {
    if (!tenantIds && (await this.isAdmin(credentials))) {
      return (await this.deps.tenants.listTenants()).map(t => t.id);
    }
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
  async readableRuns(
    credentials: UserCredentials,
  ): Promise<TenantCriteria | undefined> {
    const [criteria, admin] = await Promise.all([
      readableRuns(this.deps.permissions, credentials, this.deps.tenants),
      this.isAdmin(credentials),
    ]);
    return admin ? undefined : criteria;
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
      ((await this.deps.authorizer(
        credentials,
        tenantJobsRunReadPermission,
        tenantJobsResourceRef.forRun(run.id),
      )) ||
        (await this.isAdmin(credentials)));
    if (!run || !readable) {
      throw new NotFoundError(`No tenant job run with id '${id}'`);
    }
    return run;
  }

  /**
   * Whether the caller is the platform team's: a member of one of
   * `adminGroups`, or allowed `tenant-jobs.tenant.provision` by the policy.
   */
  isAdmin(credentials: BackstageCredentials): Promise<boolean> {
    let answer = this.admins.get(credentials);
    if (!answer) {
      answer = this.decideAdmin(credentials);
      this.admins.set(credentials, answer);
    }
    return answer;
  }

  private async decideAdmin(
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const groups = this.deps.adminGroups ?? [];
    const principal = credentials.principal as { type?: string };
    if (groups.length > 0 && principal.type === 'user') {
      const refs = await this.ownership(credentials as UserCredentials);
      if (refs.some(ref => groups.includes(ref.toLocaleLowerCase('en-US')))) {
        return true;
      }
    }
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

  private async requireOrAdmin(
    credentials: UserCredentials,
    permission: ResourcePermission<'tenant-jobs-run'>,
    resourceRef: string,
    denial: string,
  ): Promise<{ asAdmin: boolean }> {
    if (await this.deps.authorizer(credentials, permission, resourceRef)) {
      return { asAdmin: false };
    }
    if (await this.isAdmin(credentials)) return { asAdmin: true };
    throw new NotAllowedError(denial);
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
