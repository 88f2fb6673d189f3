import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  parseTriggerRequest,
  tenantJobCreatePermission,
  tenantJobReadPermission,
  tenantJobResourceRef,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import express from 'express';
import Router from 'express-promise-router';
import { TenantDirectory } from '../catalog/TenantDirectory';
import { TriggerRecord, TriggerStore } from '../database';
import { TenantJobAuthorizer } from '../permissions/authorizer';
import { createAudit } from './audit';
import { TriggerService } from './TriggerService';

const TRIGGER_ID = /^[0-9a-f-]{36}$/;

/**
 * Routes of trigger rules. A rule belongs to its tenant like a run:
 * reading needs `tenant-jobs.job.read` on the tenant, creating or deleting
 * it `tenant-jobs.job.create`; another tenant's rule answers the same 404
 * as one that does not exist. Every change is audited.
 */
export function createTriggerRoutes(options: {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  authorizer: TenantJobAuthorizer;
  tenants: TenantDirectory;
  triggers: TriggerService;
  store: TriggerStore;
  audited: ReturnType<typeof createAudit>;
}): express.Router {
  const { httpAuth, authorizer, triggers, store, audited } = options;
  const router = Router();
  const user = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user'] });

  const may = (
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    tenantId: string,
    permission = tenantJobCreatePermission,
  ) =>
    authorizer(
      credentials,
      permission,
      tenantJobResourceRef.forTenant(tenantId),
    );

  async function readable(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    id: string,
  ): Promise<TriggerRecord> {
    const notFound = new NotFoundError(`No trigger with id '${id}'`);
    const rule = TRIGGER_ID.test(id) ? await store.find(id) : undefined;
    if (!rule) throw notFound;
    if (!(await may(credentials, rule.tenantId, tenantJobReadPermission))) {
      throw notFound;
    }
    return rule;
  }

  router.get('/triggers', async (req, res) => {
    const credentials = await user(req);
    if (Object.keys(req.query).length > 0) {
      throw new InputError(
        `Unknown query parameters: ${Object.keys(req.query).join(', ')}`,
      );
    }
    const { ownershipEntityRefs } = await options.userInfo.getUserInfo(
      credentials,
    );
    const mine = await options.tenants.getTenantsFor(ownershipEntityRefs);
    const readableIds: string[] = [];
    for (const tenant of mine) {
      if (await may(credentials, tenant.id, tenantJobReadPermission)) {
        readableIds.push(tenant.id);
      }
    }
    res.json({
      items: (await store.list(readableIds)).map(r => triggers.toApi(r)),
    });
  });

  router.post('/triggers', async (req, res) => {
    const credentials = await user(req);
    const actor = credentials.principal.userEntityRef;
    const parsed = parseTriggerRequest(req.body);
    const tenantId = parsed.success ? parsed.request.tenantId : undefined;
    const rule: TriggerRecord = await audited(
      'trigger-create',
      req,
      actor,
      { tenantId },
      async ctx => {
        if (!parsed.success) throw new InputError(parsed.message);
        const refusal = await options.tenants.getRefusal(
          parsed.request.tenantId,
        );
        if (refusal) {
          throw new ConflictError(
            `Tenant '${parsed.request.tenantId}' cannot be used: ${refusal}`,
          );
        }
        if (!(await may(credentials, parsed.request.tenantId))) {
          throw new NotAllowedError(
            `You may not manage triggers of tenant '${parsed.request.tenantId}': you are not a member of it`,
          );
        }
        const created = await triggers.create(parsed.request, actor);
        ctx.detail = { triggerId: created.id, topic: created.request.topic };
        return created;
      },
    );
    res.status(201).json(triggers.toApi(rule));
  });

  router.get('/triggers/:id', async (req, res) => {
    const credentials = await user(req);
    res.json(triggers.toApi(await readable(credentials, req.params.id)));
  });

  router.delete('/triggers/:id', async (req, res) => {
    const credentials = await user(req);
    const actor = credentials.principal.userEntityRef;
    const found = TRIGGER_ID.test(req.params.id)
      ? await store.find(req.params.id)
      : undefined;
    await audited(
      'trigger-delete',
      req,
      actor,
      { tenantId: found?.tenantId, detail: { triggerId: found?.id } },
      async () => {
        const rule = await readable(credentials, req.params.id);
        if (!(await may(credentials, rule.tenantId))) {
          throw new NotAllowedError(
            `You may not manage triggers of tenant '${rule.tenantId}': you are not a member of it`,
          );
        }
        await triggers.delete(rule);
      },
    );
    res.status(204).end();
  });

  return router;
}
