import { ActionContext } from './context';
import { registerJobTypeActions } from './jobTypeActions';
import { registerLogActions } from './logActions';
import { registerRunActions } from './runActions';
import { registerScheduleActions } from './scheduleActions';
import { registerUsageActions } from './usageActions';

export type { ActionContext } from './context';

/**
 * Registers the plugin's actions for agents and the CLI with the Actions
 * Registry: each acts as its caller through the same access checks, use
 * cases, plan limits and audit as the REST API.
 */
export function registerTenantJobsActions(context: ActionContext): void {
  registerJobTypeActions(context);
  registerRunActions(context);
  registerLogActions(context);
  if (context.useCases.schedules) {
    registerScheduleActions(context, context.useCases.schedules);
  }
  if (context.useCases.usage) {
    registerUsageActions(context, context.useCases.usage);
  }
}
