import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { TenantJobsClient } from '../client';
import { createTenantJobCancelAction } from './cancelJob';
import { createTenantJobCreateAction } from './createJob';
import { createTenantProvisionAction } from './provisionTenant';
import { DEFAULT_JOB_PATH, hideStackFrames } from './util';
import { createTenantJobWaitAction } from './waitForJob';
import { PollInterval } from './watchRun';

export { createTenantJobCancelAction } from './cancelJob';
export { createTenantJobCreateAction } from './createJob';
export { createTenantProvisionAction } from './provisionTenant';
export { createTenantJobWaitAction } from './waitForJob';
export { DEFAULT_JOB_PATH } from './util';
export type { ActionSettings } from './util';
export type { PollInterval } from './watchRun';

/**
 * Every Tenant Jobs scaffolder action, calling the tenant-jobs backend
 * found through `discovery` on behalf of the template's user. The errors
 * they throw keep their class, name and message, but their `stack` is only
 * `name: message`: the scaffolder writes it into the task log.
 *
 * @public
 */
export function createTenantJobsActions(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  /** The portal's `app.baseUrl`, for links to runs. */
  appBaseUrl?: string;
  /** Path of a run's page in the portal; `{id}` is the run id. */
  jobPath?: string;
  pollInterval?: PollInterval;
  fetch?: typeof fetch;
}) {
  const client = new TenantJobsClient(options);
  const settings = {
    appBaseUrl: options.appBaseUrl,
    jobPath: options.jobPath ?? DEFAULT_JOB_PATH,
  };
  const { pollInterval } = options;
  // Their errors reach the task log without stack frames (see hideStackFrames).
  return [
    hideStackFrames(
      createTenantJobCreateAction({ client, settings, pollInterval }),
    ),
    hideStackFrames(
      createTenantJobWaitAction({ client, settings, pollInterval }),
    ),
    hideStackFrames(createTenantJobCancelAction({ client })),
    hideStackFrames(createTenantProvisionAction({ client })),
  ];
}
