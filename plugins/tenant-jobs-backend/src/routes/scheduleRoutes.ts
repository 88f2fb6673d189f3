import { InputError } from '@backstage/errors';
import { parseScheduleRequest } from '@tenant-jobs/plugin-tenant-jobs-common';
import express from 'express';
import { ScheduleRecord } from '../database';
import {
  ScheduleChange,
  ScheduleCommands,
} from '../usecases/ScheduleCommands';
import { ScheduleService } from '../usecases/ScheduleService';
import { UserCredentials } from '../access';
import { RouteContext } from './context';
import { parseTenantQuery, rejectQuery } from './listQuery';

/**
 * Routes of schedules. A schedule belongs to its tenant like a run: reading
 * needs `tenant-jobs.run.read` on the tenant, changing it
 * `tenant-jobs.run.create`; another tenant's schedule answers the same 404
 * as one that does not exist. Every change is audited.
 */
export function registerScheduleRoutes(
  context: RouteContext,
  schedules: ScheduleService,
): void {
  const { access, route } = context;
  const audited = context.audit.audited;
  const user = (req: express.Request) => access.user(req);
  const notMember = (tenantId: string) =>
    `You may not manage schedules of tenant '${tenantId}': you are not a member of it`;

  const commands = new ScheduleCommands({
    access,
    audit: context.audit,
    schedules,
  });
  const readable = (credentials: UserCredentials, id: string) =>
    commands.readable(credentials, id);

  route('get', '/schedules', undefined, async (req, res) => {
    const credentials = await user(req);
    const readableIds = await access.readableTenantIds(
      credentials,
      parseTenantQuery(req.query),
    );
    const items = await schedules.list(readableIds);
    res.json({ items: await schedules.describe(items) });
  });

  route('post', '/schedules', 'schedule-create', async (req, res) => {
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
          notMember(parsed.request.tenantId),
        );
        const schedule = await schedules.create(parsed.request, actor);
        ctx.detail = { scheduleId: schedule.id, cron: schedule.request.cron };
        return schedule;
      },
    );
    res.status(201).json(await schedules.describeOne(created));
  });

  route('get', '/schedules/:scheduleId', undefined, async (req, res) => {
    const credentials = await user(req);
    const schedule = await readable(credentials, req.params.scheduleId);
    rejectQuery(req.query);
    res.json(await schedules.describeOne(schedule));
  });

  const change =
    (
      action: ScheduleChange,
      fn: (
        schedule: ScheduleRecord,
        actor: string,
        res: express.Response,
      ) => Promise<void>,
    ) =>
    async (req: express.Request, res: express.Response) => {
      const credentials = await user(req);
      const caller = {
        credentials,
        request: req,
        checkInput: () => rejectQuery(req.query),
      };
      await commands.change(action, caller, req.params.scheduleId, (s, a) =>
        fn(s, a, res),
      );
    };

  route(
    'post',
    '/schedules/:scheduleId/pause',
    'schedule-pause',
    change('schedule-pause', async (schedule, _actor, res) => {
      res.json(
        await schedules.describeOne(await schedules.setPaused(schedule, true)),
      );
    }),
  );
  route(
    'post',
    '/schedules/:scheduleId/resume',
    'schedule-resume',
    change('schedule-resume', async (schedule, _actor, res) => {
      res.json(
        await schedules.describeOne(await schedules.setPaused(schedule, false)),
      );
    }),
  );
  route(
    'post',
    '/schedules/:scheduleId/run',
    'schedule-run',
    change('schedule-run', async (schedule, actor, res) => {
      const result = await schedules.runNow(schedule, actor);
      if (result.kind === 'dryRun') throw new Error('run-now made a dry run');
      res.status(result.kind === 'created' ? 201 : 200).json(result.run);
    }),
  );
  route(
    'delete',
    '/schedules/:scheduleId',
    'schedule-delete',
    change('schedule-delete', async (schedule, _actor, res) => {
      await schedules.delete(schedule);
      res.status(204).end();
    }),
  );
}
