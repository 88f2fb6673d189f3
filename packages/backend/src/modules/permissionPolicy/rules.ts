import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createScaffolderTaskConditionalDecision,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  createTenantJobConditionalDecision,
  tenantJobConditions,
} from '@tenant-jobs/plugin-tenant-jobs-backend';
import {
  TENANT_JOBS_RESOURCE_TYPE,
  tenantJobsTenantProvisionPermission,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { PolicyRule, PolicyUser } from './policy';

/**
 * What every signed-in user of the demo (a tenant member, or guest) is
 * allowed, and nothing more: browsing the catalog and running the software
 * templates. Each entry is a deliberate decision; a permission that is not
 * here, and that no other rule decides, is the admins' or nobody's.
 *
 * Decided elsewhere, on purpose not here:
 * - `tenant-jobs.*`: by tenant membership (`tenantJobsForMembers`), and
 *   `tenant-jobs.tenant.provision` by admins only.
 * - `scaffolder.task.read`, `scaffolder.task.cancel`: a task's creator and
 *   the admins only (`scaffolderTasksForCreators`); a task holds its
 *   parameters, its creator's identity and its log.
 * - `catalog.entity.delete`: admins only (`onlyAdminsUnregisterEntities`).
 *
 * Left to the admins (members are denied):
 * - `catalog.entity.create`: the backend checks nothing with it; the
 *   frontend shows the catalog's "Create" and the templates' "Register
 *   existing component" buttons on it. Members reach the templates from
 *   the sidebar's Create.
 * - `catalog.location.create`, `catalog.location.delete`,
 *   `catalog.location.analyze`: registering and unregistering entities.
 *   The tenants' Groups and their plans are the platform team's: a member
 *   who could register entities could register a Group.
 * - `scaffolder.template.dry-run`: the template editor's dry run executes
 *   a template body the caller sends, with the backend's actions.
 * - `scaffolder.template.management`: the template editor.
 * - Anything of plugins this demo does not install (e.g. `kubernetes.*`,
 *   `techdocs.*`), and any permission added later: denied until decided.
 *
 * The notifications, signals, events and auth backends define no
 * permissions: they serve each user their own notifications and signals,
 * and the tenant-jobs backend notifies with its own service credentials,
 * which the permission framework does not put to the policy.
 */
export const SIGNED_IN_USER_PERMISSIONS: readonly string[] = [
  // The catalog: tenant Groups, components, the templates of the Create page
  'catalog.entity.read',
  // Read registered locations (the catalog's /locations endpoints; the
  // unregister dialog lists an entity's location with them)
  'catalog.location.read',
  // Re-read an entity from its source (the About card's refresh button)
  'catalog.entity.refresh',
  // Check an entity descriptor without registering it (POST /validate-entity)
  'catalog.entity.validate',
  // Run the actions of a template's steps; tenant-jobs actions then check
  // tenant membership, and provisioning the platform team, on their own
  'scaffolder.action.execute',
  // See a template's form (its parameters) and its steps
  'scaffolder.template.parameter.read',
  'scaffolder.template.step.read',
  // Start a task from a template (and retry one's own task)
  'scaffolder.task.create',
];

/** Whether a user is a member of one of the admin groups (refs compared case-insensitively). */
function isAdminOf(
  adminGroups: string[],
): (user: PolicyUser | undefined) => boolean {
  const admins = new Set(
    adminGroups.map(ref => ref.toLocaleLowerCase('en-US')),
  );
  return user =>
    Boolean(
      user?.ownershipEntityRefs.some(ref =>
        admins.has(ref.toLocaleLowerCase('en-US')),
      ),
    );
}

/**
 * Unregistering catalog entities is kept to the platform admins: a tenant
 * team must not be able to remove another team's tenant Group.
 */
export function onlyAdminsUnregisterEntities(
  adminGroups: string[],
): PolicyRule {
  const isAdmin = isAdminOf(adminGroups);
  return (request, user) => {
    if (request.permission.name !== 'catalog.entity.delete') {
      return undefined;
    }
    return {
      result: isAdmin(user) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
    };
  };
}

/**
 * Provisioning tenants (the "onboard a tenant" template) is the platform
 * team's: only members of an admin group may; everyone else, and anonymous
 * callers, are denied.
 */
export function onlyAdminsProvisionTenants(adminGroups: string[]): PolicyRule {
  const isAdmin = isAdminOf(adminGroups);
  return (request, user) => {
    if (request.permission.name !== tenantJobsTenantProvisionPermission.name) {
      return undefined;
    }
    return {
      result: isAdmin(user) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
    };
  };
}

/**
 * Tenant jobs are for the tenant's members: every tenant-jobs permission
 * becomes the condition "is a member of the job's tenant", which the
 * tenant-jobs backend evaluates against its runs and the catalog.
 */
export function tenantJobsForMembers(): PolicyRule {
  return (request, user) => {
    if (!isResourcePermission(request.permission, TENANT_JOBS_RESOURCE_TYPE)) {
      return undefined;
    }
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    return createTenantJobConditionalDecision(
      request.permission,
      tenantJobConditions.isTenantMember({ claims: user.ownershipEntityRefs }),
    );
  };
}

/** The scaffolder's task permissions that `scaffolderTasksForCreators` decides. */
const SCAFFOLDER_TASK_PERMISSIONS = new Set([
  'scaffolder.task.read',
  'scaffolder.task.cancel',
]);

/**
 * A scaffolder task is its creator's: reading it (its parameters, its
 * creator, its log and event stream) and cancelling it become the condition
 * "created by this user", which the scaffolder applies to single tasks and
 * turns into a filter for task lists. Admins may read and cancel any task;
 * anonymous callers none.
 */
export function scaffolderTasksForCreators(adminGroups: string[]): PolicyRule {
  const isAdmin = isAdminOf(adminGroups);
  return (request, user) => {
    if (
      !isResourcePermission(request.permission, 'scaffolder-task') ||
      !SCAFFOLDER_TASK_PERMISSIONS.has(request.permission.name)
    ) {
      return undefined;
    }
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    if (isAdmin(user)) {
      return { result: AuthorizeResult.ALLOW };
    }
    return createScaffolderTaskConditionalDecision(
      request.permission,
      scaffolderTaskConditions.isTaskOwner({ createdBy: [user.userEntityRef] }),
    );
  };
}

/**
 * Allows signed-in users the permissions named in `permissions` (see
 * {@link SIGNED_IN_USER_PERMISSIONS}); leaves everything else, and
 * anonymous callers, to the next rule.
 */
export function allowSignedInUsers(permissions: readonly string[]): PolicyRule {
  const allowed = new Set(permissions);
  return (request, user) =>
    user && allowed.has(request.permission.name)
      ? { result: AuthorizeResult.ALLOW }
      : undefined;
}

/**
 * Admins may do whatever the rules before this one left undecided. Put it
 * after the rules that must hold for admins too (tenant jobs stay with
 * their tenants' members).
 */
export function adminsMayDoTheRest(adminGroups: string[]): PolicyRule {
  const isAdmin = isAdminOf(adminGroups);
  return (_request, user) =>
    isAdmin(user) ? { result: AuthorizeResult.ALLOW } : undefined;
}

/**
 * The demo portal's rules, in order; the first decision wins and the policy
 * denies what none decides.
 */
export function projectPolicyRules(adminGroups: string[]): PolicyRule[] {
  return [
    onlyAdminsUnregisterEntities(adminGroups),
    onlyAdminsProvisionTenants(adminGroups),
    tenantJobsForMembers(),
    scaffolderTasksForCreators(adminGroups),
    allowSignedInUsers(SIGNED_IN_USER_PERMISSIONS),
    adminsMayDoTheRest(adminGroups),
  ];
}
