import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import { TenantAccess, UserCredentials } from '../access';
import type { TenantJobsUseCases } from '../routes/context';
import { RunCommands } from '../usecases/RunCommands';
import { ScheduleCommands } from '../usecases/ScheduleCommands';

/** What every group of actions gets: the same objects the routes call. */
export type ActionContext = {
  registry: ActionsRegistryService;
  access: TenantAccess;
  useCases: TenantJobsUseCases;
  runs: RunCommands;
  schedules?: ScheduleCommands;
};

/**
 * The caller of an action, who must be a signed-in user, as on the REST
 * API: a call without credentials is a 401, a service's a 403.
 */
export function userOf(credentials: BackstageCredentials): UserCredentials {
  const principal = credentials.principal as { type?: string };
  if (principal.type === 'user') return credentials as UserCredentials;
  if (principal.type === 'none' || !principal.type) {
    throw new AuthenticationError(
      'Tenant Jobs actions need a signed-in user; send a Backstage user token',
    );
  }
  throw new NotAllowedError(
    `Tenant Jobs actions act as a signed-in user, not as a ${principal.type}`,
  );
}

/** A JSON object the action passes on as the REST API answers it. */
export const jsonObject = (z: typeof import('zod/v3').z, description: string) =>
  z.object({}).passthrough().describe(description);
