import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { parseScheduleRequest } from '@tenant-jobs/plugin-tenant-jobs-common';
import express from 'express';
import Router from 'express-promise-router';
import { TenantDirectory } from '../catalog/TenantDirectory';
import { ScheduleRecord, ScheduleStore } from '../database';
import { TenantJobAuthorizer } from '../permissions/authorizer';
import { rejectQuery } from './listQuery';
import { createTenantAccess, parseTenantQuery } from './access';
import { createAudit } from './audit';
import { ScheduleService } from '../usecases/ScheduleService';

const SCHEDULE_ID = /^[0-9a-f-]{36}$/;

/**
 * Routes of schedules. A schedule belongs to its tenant like a run: reading
 * needs `tenant-jobs.run.read` on the tenant, changing it
 * `tenant-jobs.run.create`; another tenant's schedule answers the same 404
 * as one that does not exist. Every change is audited.
 */
export function createScheduleRoutes(options: {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  authorizer: TenantJobAuthorizer;
  tenants: TenantDirectory;
  schedules: ScheduleService;
  store: ScheduleStore;
  audited: ReturnType<typeof createAudit>;
}): express.Router {
  const { schedules, store, audited } = options;
  const access = createTenantAccess(options);
  const router = Router();
  const user = access.user;

  /** The schedule, if the caller may read it; else the same 404. */
  async function readable(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    id: string,
  ): Promise<ScheduleRecord> {
    const notFound = new NotFoundError(`No schedule with id '${id}'`);
    const schedule = SCHEDULE_ID.test(id) ? await store.find(id) : undefined;
    if (!schedule || !(await access.mayRead(credentials, schedule.tenantId))) {
      throw notFound;
    }
    return schedule;
  }

  router.get('/schedules', async (req, res) => {
    const credentials = await user(req);
    const readableIds = await access.readableTenantIds(
      credentials,
      parseTenantQuery(req.query),
    );
    const items = await store.list(readableIds);
    res.json({ items: items.map(s => schedules.toApi(s)) });
  });

  router.post('/schedules', async (req, res) => {
    const credentials = await user(req);
    const actor = credentials.principal.userEntityRef;
    const parsed = parseScheduleRequest(req.body);
    const tenantId = parsed.success ? parsed.request.tenantId : undefined;
    const created: ScheduleRecord = await audited(
      'schedule-create',
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
          'schedules',
        );
        const schedule = await schedules.create(parsed.request, actor);
        ctx.detail = { scheduleId: schedule.id, cron: schedule.request.cron };
        return schedule;
      },
    );
    res.status(201).json(schedules.toApi(created));
  });

  router.get('/schedules/:id', async (req, res) => {
    const credentials = await user(req);
    const schedule = await readable(credentials, req.params.id);
    rejectQuery(req.query);
    res.json(schedules.toApi(schedule));
  });

  const change =
    (
      action:
        | 'schedule-pause'
        | 'schedule-resume'
        | 'schedule-run'
        | 'schedule-delete',
      fn: (
        schedule: ScheduleRecord,
        actor: string,
        res: express.Response,
      ) => Promise<void>,
    ) =>
    async (req: express.Request, res: express.Response) => {
      const credentials = await user(req);
      const actor = credentials.principal.userEntityRef;
      const found = SCHEDULE_ID.test(req.params.id)
        ? await store.find(req.params.id)
        : undefined;
      await audited(
        action,
        req,
        actor,
        { tenantId: found?.tenantId, detail: { scheduleId: found?.id } },
        async () => {
          const schedule = await readable(credentials, req.params.id);
          await access.requireMember(
            credentials,
            schedule.tenantId,
            'schedules',
          );
          rejectQuery(req.query);
          await fn(schedule, actor, res);
        },
      );
    };

  router.post(
    '/schedules/:id/pause',
    change('schedule-pause', async (schedule, _actor, res) => {
      res.json(schedules.toApi(await schedules.setPaused(schedule, true)));
    }),
  );
  router.post(
    '/schedules/:id/resume',
    change('schedule-resume', async (schedule, _actor, res) => {
      res.json(schedules.toApi(await schedules.setPaused(schedule, false)));
    }),
  );
  router.post(
    '/schedules/:id/run',
    change('schedule-run', async (schedule, actor, res) => {
      const result = await schedules.runNow(schedule, actor);
      if (result.kind === 'dryRun') throw new Error('run-now made a dry run');
      res.status(result.kind === 'created' ? 201 : 200).json(result.run);
    }),
  );
  router.delete(
    '/schedules/:id',
    change('schedule-delete', async (schedule, _actor, res) => {
      await schedules.delete(schedule);
      res.status(204).end();
    }),
  );

  return router;
}
