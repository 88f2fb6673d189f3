/*
 * Routes for the platform team, beside the tenants' routes in router.ts:
 * provisioning a tenant ahead of its first job (the "onboard a tenant"
 * template). Guarded by the basic permission `tenant-jobs.tenant.provision`,
 * which a policy grants to admins only, and audited as `tenant-provision`.
 */
import { InputError } from '@backstage/errors';
import { isValidTenantId } from '@tenant-jobs/plugin-tenant-jobs-common';
import { RouteContext } from './context';
import { rejectQuery } from './listQuery';

function parseProvisionBody(body: unknown): { dryRun: boolean } {
  if (body === undefined || body === null) return { dryRun: false };
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new InputError('The request body must be a JSON object');
  }
  const unknownFields = Object.keys(body).filter(key => key !== 'dryRun');
  if (unknownFields.length > 0) {
    throw new InputError(
      `Unknown field(s) ${unknownFields
        .map(f => `'${f.slice(0, 40)}'`)
        .join(', ')}; the body takes only 'dryRun'`,
    );
  }
  const { dryRun } = body as { dryRun?: unknown };
  if (dryRun !== undefined && typeof dryRun !== 'boolean') {
    throw new InputError('dryRun: must be true or false');
  }
  return { dryRun: dryRun ?? false };
}

/**
 * `POST /tenants/:tenantId/provision`: applies the tenant's namespace
 * objects now, instead of with its first run (see
 * `TenantService.provision`); `{ "dryRun": true }` only resolves the tenant.
 *
 * The permission is decided before the tenant is looked up, so a caller
 * without it learns nothing about which tenants exist.
 */
export function registerAdminRoutes(context: RouteContext): void {
  const { access, audit, useCases, route } = context;

  route(
    'post',
    '/tenants/:tenantId/provision',
    'tenant-provision',
    async (req, res) => {
      const credentials = await access.user(req);
      const actor = credentials.principal.userEntityRef;
      const id = req.params.tenantId;
      const tenantId = isValidTenantId(id) ? id : undefined;
      const result = await audit.audited(
        'tenant-provision',
        req,
        actor,
        { tenantId },
        async ctx => {
          await access.requireAdmin(
            credentials,
            'You may not provision tenants: that is for the platform team',
          );
          rejectQuery(req.query);
          const { dryRun } = parseProvisionBody(req.body);
          const answer = await useCases.tenants.provision(id, dryRun);
          ctx.detail = {
            plan: answer.plan.id,
            cluster: answer.cluster,
            namespace: answer.namespace,
            dryRun,
          };
          return answer;
        },
      );
      res.status(200).json(result);
    },
  );
}
