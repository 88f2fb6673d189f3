/**
 * Scaffolder actions for Tenant Jobs: launch, wait for and cancel tenant
 * jobs, and provision tenants, from software templates, on behalf of the
 * user who runs the template.
 *
 * @packageDocumentation
 */
export { scaffolderModuleTenantJobs as default } from './module';
export {
  createTenantJobCancelAction,
  createTenantJobCreateAction,
  createTenantJobsActions,
  createTenantJobWaitAction,
  createTenantProvisionAction,
  DEFAULT_JOB_PATH,
} from './actions';
export type { ActionSettings, PollInterval } from './actions';
export { TenantJobsClient, TenantJobsRequestError } from './client';
export type {
  DryRunAnswer,
  ProvisionAnswer,
  SubmitAnswer,
  SubmitBody,
} from './client';
