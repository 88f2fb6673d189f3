import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PolicyRule } from './policy';

/**
 * Unregistering catalog entities is kept to the platform admins: a tenant
 * team must not be able to remove another team's tenant Group.
 */
export function onlyAdminsUnregisterEntities(
  adminGroups: string[],
): PolicyRule {
  const admins = new Set(
    adminGroups.map(ref => ref.toLocaleLowerCase('en-US')),
  );
  return (request, user) => {
    if (request.permission.name !== 'catalog.entity.delete') {
      return undefined;
    }
    const isAdmin = user?.ownershipEntityRefs.some(ref =>
      admins.has(ref.toLocaleLowerCase('en-US')),
    );
    return { result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  };
}
