import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { parseTriggerRequest } from '@tenant-jobs/plugin-tenant-jobs-common';
import express from 'express';
import Router from 'express-promise-router';
import { TenantDirectory } from '../catalog/TenantDirectory';
import { TriggerRecord, TriggerStore } from '../database';
import { TenantJobAuthorizer } from '../permissions/authorizer';
import { rejectQuery } from './listQuery';
import { createTenantAccess, parseTenantQuery } from './access';
import { createAudit } from './audit';
import { TriggerService } from '../usecases/TriggerService';

const TRIGGER_ID = /^[0-9a-f-]{36}$/;

/**
 * Routes of trigger rules. A rule belongs to its tenant like a run:
 * reading needs `tenant-jobs.run.read` on the tenant, creating or deleting
 * it `tenant-jobs.run.create`; another tenant's rule answers the same 404
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
  const { triggers, store, audited } = options;
  const access = createTenantAccess(options);
  const router = Router();
  const user = access.user;

  async function readable(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    id: string,
  ): Promise<TriggerRecord> {
    const notFound = new NotFoundError(`No trigger with id '${id}'`);
    const rule = TRIGGER_ID.test(id) ? await store.find(id) : undefined;
    if (!rule || !(await access.mayRead(credentials, rule.tenantId))) {
      throw notFound;
    }
    return rule;
  }

  router.get('/trigger-topics', async (req, res) => {
    await user(req);
    rejectQuery(req.query);
    res.json({ items: triggers.topics() });
  });

  router.get('/triggers', async (req, res) => {
    const credentials = await user(req);
    const tenantIds = parseTenantQuery(req.query);
    const readableIds = await access.readableTenantIds(credentials, tenantIds);
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
        rejectQuery(req.query);
        if (!parsed.success) throw new InputError(parsed.message);
        await access.requireUsable(credentials, parsed.request.tenantId);
        await access.requireMember(
          credentials,
          parsed.request.tenantId,
          'triggers',
        );
        const created = await triggers.create(parsed.request, actor);
        ctx.detail = { triggerId: created.id, topic: created.request.topic };
        return created;
      },
    );
    res.status(201).json(triggers.toApi(rule));
  });

  router.get('/triggers/:id', async (req, res) => {
    const credentials = await user(req);
    const rule = await readable(credentials, req.params.id);
    rejectQuery(req.query);
    res.json(triggers.toApi(rule));
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
        await access.requireMember(credentials, rule.tenantId, 'triggers');
        rejectQuery(req.query);
        await triggers.delete(rule);
      },
    );
    res.status(204).end();
  });

  return router;
}
