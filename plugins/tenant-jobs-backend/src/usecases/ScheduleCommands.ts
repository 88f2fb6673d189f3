import { TenantAccess, UserCredentials } from '../access';
import { ScheduleRecord } from '../database';
import type { AuditTrail } from '../audit';
import type { Caller } from './RunCommands';
import { ScheduleService } from './ScheduleService';

/** The audited changes of one schedule. */
export type ScheduleChange =
  | 'schedule-pause'
  | 'schedule-resume'
  | 'schedule-run'
  | 'schedule-delete';

const notMember = (tenantId: string) =>
  `You may not manage schedules of tenant '${tenantId}': you are not a member of it`;

/**
 * Reading and changing one schedule as its caller, in one order for the
 * REST API and the actions alike: read access (another tenant's schedule
 * is the same 404 as none), member or admin check, the change, audit.
 */
export class ScheduleCommands {
  constructor(
    private readonly deps: {
      access: TenantAccess;
      audit: AuditTrail;
      schedules: ScheduleService;
    },
  ) {}

  /** The schedule, if the caller may read it; else the same 404. */
  async readable(
    credentials: UserCredentials,
    id: string,
  ): Promise<ScheduleRecord> {
    return this.deps.access.readableOf(
      credentials,
      await this.deps.schedules.find(id),
      `No schedule with id '${id}'`,
    );
  }

  /**
   * Runs `fn` on the schedule under audit once the caller may: running
   * one now launches a run, so it is for members only; pausing, resuming
   * and deleting for members or the platform team.
   */
  async change<T>(
    action: ScheduleChange,
    caller: Caller,
    id: string,
    fn: (schedule: ScheduleRecord, actor: string) => Promise<T>,
  ): Promise<T> {
    const { access, audit, schedules } = this.deps;
    const { credentials } = caller;
    const actor = credentials.principal.userEntityRef;
    const found = await schedules.find(id);
    return audit.audited(
      action,
      caller.request,
      actor,
      { tenantId: found?.tenantId, detail: { scheduleId: found?.id } },
      async ctx => {
        const schedule = await this.readable(credentials, id);
        if (action === 'schedule-run') {
          await access.requireMember(
            credentials,
            schedule.tenantId,
            notMember(schedule.tenantId),
          );
        } else {
          const { asAdmin } = await access.requireManager(
            credentials,
            schedule.tenantId,
            notMember(schedule.tenantId),
          );
          ctx.asAdmin = asAdmin;
        }
        caller.checkInput?.();
        return fn(schedule, actor);
      },
    );
  }

  /** Pauses or resumes the schedule as the caller. */
  async setPaused(
    caller: Caller,
    id: string,
    paused: boolean,
  ): Promise<ScheduleRecord> {
    return this.change(
      paused ? 'schedule-pause' : 'schedule-resume',
      caller,
      id,
      schedule => this.deps.schedules.setPaused(schedule, paused),
    );
  }
}
