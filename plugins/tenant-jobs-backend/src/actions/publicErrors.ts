import {
  ActionsRegistryActionOptions,
  ActionsRegistryService,
} from '@backstage/backend-plugin-api/alpha';
import { publicError, statusOf } from '../routes/httpErrors';

/**
 * The registry, with each action's errors told as the REST API tells
 * them: a refusal (4xx) keeps its words; a failure (5xx) goes to the log
 * under a reference and the caller gets the REST API's generic message,
 * so no file path or address reaches an agent.
 */
export function withPublicErrors(
  registry: ActionsRegistryService,
): ActionsRegistryService {
  return {
    register(options) {
      const action = options.action;
      registry.register({
        ...options,
        async action(context) {
          try {
            return await action(context);
          } catch (error) {
            if (error instanceof Error && statusOf(error) >= 500) {
              throw publicError(
                error,
                context.logger,
                `action ${options.name}`,
              );
            }
            throw error;
          }
        },
      } as ActionsRegistryActionOptions<any, any, any>);
    },
  };
}
