import { NotFoundError } from '@backstage/errors';
import { tenantJobsResourceRef } from '@tenant-jobs/plugin-tenant-jobs-common';
import { TenantDirectory } from '../catalog/TenantDirectory';
import { RunStore } from '../database';
import { TenantJobResource } from './resource';

/**
 * Loads the resources permission rules judge: `tenant:<id>` and
 * `run:<id>` refs become the tenant and the Group that owns it. Unknown
 * tenants and runs are undefined (the framework then denies).
 */
export function createTenantJobResourceLoader(deps: {
  runs: RunStore;
  tenants: TenantDirectory;
}) {
  return async (refs: string[]) =>
    Promise.all(
      refs.map(async (ref): Promise<TenantJobResource | undefined> => {
        const target = tenantJobsResourceRef.parse(ref);
        if (!target) return undefined;
        try {
          const tenantId =
            target.kind === 'tenant'
              ? target.tenantId
              : (await deps.runs.get(target.runId)).tenantId;
          const tenant = await deps.tenants.getTenant(tenantId);
          return tenant
            ? {
                tenantId,
                tenantGroupRef: tenant.groupRef,
                runId: target.kind === 'run' ? target.runId : undefined,
              }
            : undefined;
        } catch (error) {
          if (error instanceof NotFoundError) return undefined;
          throw error;
        }
      }),
    );
}
