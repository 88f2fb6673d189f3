import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import { tenantJobsPermissionResourceRef } from './resource';

const normalize = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * Allows callers who are members of the job's tenant: one of their
 * ownership entity refs is the Group that owns the tenant.
 *
 * @public
 */
export const isTenantMember = createPermissionRule({
  name: 'IS_TENANT_MEMBER',
  description:
    "Allow when one of the caller's ownership entity refs is the Group that owns the job's tenant",
  resourceRef: tenantJobsPermissionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe(
        "The caller's ownership entity refs, e.g. group:default/team-a",
      ),
  }),
  apply: (resource, { claims }) =>
    claims.map(normalize).includes(normalize(resource.tenantGroupRef)),
  toQuery: ({ claims }) => ({ tenantGroupRefs: claims.map(normalize) }),
});

/** @public */
export const tenantJobsRules = { isTenantMember };
