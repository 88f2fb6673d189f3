import { ActionContext } from './context';
import { registerJobTypeActions } from './jobTypeActions';
import { registerLogActions } from './logActions';
import { registerRunActions } from './runActions';
import { registerScheduleActions } from './scheduleActions';
import { registerUsageActions } from './usageActions';
import { withPublicErrors } from './publicErrors';

export type { ActionContext } from './context';

/**
 * Registers the plugin's actions for agents and the CLI with the Actions
 * Registry: each acts as its caller through the same access checks, use
 * cases, plan limits, audit and error words as the REST API.
 */
export function registerTenantJobsActions(options: ActionContext): void {
  const context = {
    ...options,
    registry: withPublicErrors(options.registry),
  };
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
