import { InputError } from '@backstage/errors';
import { parseTriggerRequest } from '@tenant-jobs/plugin-tenant-jobs-common';
import express from 'express';
import { TriggerRecord } from '../database';
import { UserCredentials } from '../access';
import { RouteContext } from './context';
import { parseTenantQuery, rejectQuery } from './listQuery';
import { TriggerService } from '../usecases/TriggerService';

/**
 * Routes of trigger rules. A rule belongs to its tenant like a run:
 * reading needs `tenant-jobs.run.read` on the tenant, creating or deleting
 * it `tenant-jobs.run.create`; another tenant's rule answers the same 404
 * as one that does not exist. Every change is audited.
 */
export function registerTriggerRoutes(
  context: RouteContext,
  triggers: TriggerService,
): void {
  const { access, route } = context;
  const audited = context.audit.audited;
  const user = (req: express.Request) => access.user(req);
  const notMember = (tenantId: string) =>
    `You may not manage triggers of tenant '${tenantId}': you are not a member of it`;

  /** The trigger, if the caller may read it; else the same 404. */
  const readable = async (credentials: UserCredentials, id: string) =>
    access.readableOf(
      credentials,
      await triggers.find(id),
      `No trigger with id '${id}'`,
    );

  route('get', '/trigger-topics', undefined, async (req, res) => {
    await user(req);
    rejectQuery(req.query);
    res.json({ items: triggers.topics() });
  });

  route('get', '/triggers', undefined, async (req, res) => {
    const credentials = await user(req);
    const tenantIds = parseTenantQuery(req.query);
    const readableIds = await access.readableTenantIds(credentials, tenantIds);
    res.json({
      items: (await triggers.list(readableIds)).map(r => triggers.toApi(r)),
    });
  });

  route('post', '/triggers', 'trigger-create', async (req, res) => {
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
          notMember(parsed.request.tenantId),
        );
        const created = await triggers.create(parsed.request, actor);
        ctx.detail = { triggerId: created.id, topic: created.request.topic };
        return created;
      },
    );
    res.status(201).json(triggers.toApi(rule));
  });

  route('get', '/triggers/:triggerId', undefined, async (req, res) => {
    const credentials = await user(req);
    const rule = await readable(credentials, req.params.triggerId);
    rejectQuery(req.query);
    res.json(triggers.toApi(rule));
  });

  route(
    'delete',
    '/triggers/:triggerId',
    'trigger-delete',
    async (req, res) => {
      const credentials = await user(req);
      const actor = credentials.principal.userEntityRef;
      const found = await triggers.find(req.params.triggerId);
      await audited(
        'trigger-delete',
        req,
        actor,
        { tenantId: found?.tenantId, detail: { triggerId: found?.id } },
        async ctx => {
          const rule = await readable(credentials, req.params.triggerId);
          const { asAdmin } = await access.requireManager(
            credentials,
            rule.tenantId,
            notMember(rule.tenantId),
          );
          ctx.asAdmin = asAdmin;
          rejectQuery(req.query);
          await triggers.delete(rule);
        },
      );
      res.status(204).end();
    },
  );
}
