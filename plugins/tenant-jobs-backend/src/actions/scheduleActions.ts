import { ScheduleService } from '../usecases/ScheduleService';
import { ActionContext, jsonObject, userOf } from './context';

const scheduleDescription =
  'A schedule: id, tenantId, cron, timeZone, paused, the run it launches (jobType, parameters, tier, priority), its next and last runs';

/**
 * Schedules: list, pause and resume, through the same access checks,
 * schedule commands and audit as the REST API's `/schedules` routes.
 */
export function registerScheduleActions(
  context: ActionContext,
  schedules: ScheduleService,
): void {
  const { registry, access } = context;
  const commands = context.schedules;
  if (!commands) return;

  registry.register({
    name: 'list-schedules',
    title: 'List schedules',
    description:
      "Lists the schedules of the caller's tenants (or of the tenants named), each with its cron, time zone, whether it is paused and the run it launches.",
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          tenantId: z
            .array(z.string())
            .optional()
            .describe("Only these tenants; the caller's own when absent"),
        }),
      output: z =>
        z.object({ items: z.array(jsonObject(z, scheduleDescription)) }),
    },
    async action({ input, credentials }) {
      const user = userOf(credentials);
      const readableIds = await access.readableTenantIds(user, input.tenantId);
      const items = await schedules.describe(await schedules.list(readableIds));
      return { output: { items: JSON.parse(JSON.stringify(items)) } };
    },
  });

  for (const paused of [true, false]) {
    registry.register({
      name: paused ? 'pause-schedule' : 'resume-schedule',
      title: paused ? 'Pause a schedule' : 'Resume a schedule',
      description: paused
        ? 'Pauses a schedule: it launches no runs until resumed; runs already launched go on. For members of its tenant (and the platform team). Pausing a paused schedule changes nothing.'
        : 'Resumes a paused schedule: it launches runs at its next cron time again. For members of its tenant (and the platform team). Resuming an active schedule changes nothing.',
      attributes: { readOnly: false, destructive: false, idempotent: true },
      schema: {
        input: z =>
          z.object({
            scheduleId: z
              .string()
              .describe('The schedule id, as list-schedules returns it'),
          }),
        output: z => z.object({ schedule: jsonObject(z, scheduleDescription) }),
      },
      async action({ input, credentials }) {
        const caller = { credentials: userOf(credentials) };
        const schedule = await commands.setPaused(
          caller,
          input.scheduleId,
          paused,
        );
        const described = await schedules.describeOne(schedule);
        return { output: { schedule: JSON.parse(JSON.stringify(described)) } };
      },
    });
  }
}
