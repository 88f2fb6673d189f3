/*
 * Routes for the platform team, beside the tenants' routes in router.ts:
 * provisioning a tenant ahead of its first job (the "onboard a tenant"
 * template). Guarded by the basic permission `tenant-jobs.tenant.provision`,
 * which a policy grants to admins only, and audited as `tenant-provision`.
 */
import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  isValidTenantId,
  PriorityId,
  tenantJobsTenantProvisionPermission,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import express from 'express';
import Router from 'express-promise-router';
import { createAudit } from './audit';
import { RunService } from '../usecases/RunService';
import { TenantClusters } from '../cluster/TenantCluster';
import { rejectQuery } from './listQuery';

/** What `POST /tenants/:id/provision` answers. */
export type ProvisionResult = {
  tenantId: string;
  title?: string;
  groupRef: string;
  plan: unknown;
  cluster: string;
  namespace: string;
  /** True when nothing was applied: the tenant was only resolved. */
  dryRun: boolean;
};

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
 * `POST /tenants/:id/provision`: applies the tenant's namespace objects
 * (namespace with restricted Pod Security, quota, limits, network policy,
 * runner ServiceAccount) and the PriorityClasses in the tenant's cluster
 * now, instead of with its first job. `{ "dryRun": true }` only resolves
 * the tenant (plan, cluster, namespace) and applies nothing.
 *
 * The permission is decided before the tenant is looked up, so a caller
 * without it learns nothing about which tenants exist.
 */
export function createAdminRoutes(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  jobs: Pick<RunService, 'resolveTenant'>;
  clusters: TenantClusters;
  audited: ReturnType<typeof createAudit>;
  config: { namespacePattern: string; preemptingPriorities: PriorityId[] };
}): express.Router {
  const { httpAuth, permissions, jobs, clusters, audited, config } = options;
  const router = Router();

  router.post('/tenants/:id/provision', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const actor = credentials.principal.userEntityRef;
    const id = req.params.id;
    const tenantId = isValidTenantId(id) ? id : undefined;
    const result = await audited(
      'tenant-provision',
      req,
      actor,
      { tenantId },
      async ctx => {
        const [decision] = await permissions.authorize(
          [{ permission: tenantJobsTenantProvisionPermission }],
          { credentials },
        );
        if (decision.result !== AuthorizeResult.ALLOW) {
          throw new NotAllowedError(
            'You may not provision tenants: that is for the platform team',
          );
        }
        rejectQuery(req.query);
        const { dryRun } = parseProvisionBody(req.body);
        if (!tenantId) {
          throw new InputError(
            `'${id.slice(
              0,
              80,
            )}' is not a tenant id: lowercase letters, digits and '-', at most 40 characters`,
          );
        }
        const tenant = await jobs.resolveTenant(tenantId);
        const cluster = clusters.get(tenant.cluster);
        let namespace = tenant.namespace;
        if (!dryRun) {
          await cluster.ensurePriorityClasses({
            preempting: config.preemptingPriorities,
          });
          // Applied now, even when this process applied it a moment ago.
          namespace = await cluster.provisionTenant(
            tenant.id,
            tenant.plan,
            config.namespacePattern,
            { maxAgeMs: 0 },
          );
        }
        ctx.detail = {
          plan: tenant.plan.id,
          cluster: tenant.cluster,
          namespace,
          dryRun,
        };
        const answer: ProvisionResult = {
          tenantId: tenant.id,
          title: tenant.title,
          groupRef: tenant.groupRef,
          plan: tenant.plan,
          cluster: tenant.cluster,
          namespace,
          dryRun,
        };
        return answer;
      },
    );
    res.status(200).json(result);
  });

  return router;
}
