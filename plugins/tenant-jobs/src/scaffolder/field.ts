import {
  ApiHolder,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import {
  TenantJobsApi,
  tenantJobsApiRef,
  TenantJobsClient,
  TenantJobType,
} from '../api';
import {
  parameterProblems,
  TenantJobPickerUiOptions,
  TenantJobPickerValue,
} from './jobForm';

/**
 * The name templates use: `ui:field: TenantJobPicker`.
 *
 * @public
 */
export const TENANT_JOB_PICKER = 'TenantJobPicker';

function apiFrom(apiHolder: ApiHolder): TenantJobsApi | undefined {
  const api = apiHolder.get(tenantJobsApiRef);
  if (api) return api;
  const discoveryApi = apiHolder.get(discoveryApiRef);
  const fetchApi = apiHolder.get(fetchApiRef);
  return discoveryApi && fetchApi
    ? new TenantJobsClient({ discoveryApi, fetchApi })
    : undefined;
}

/**
 * Checks the field before the form moves on: a tenant is chosen, and the
 * parameters satisfy the job type's schema (read from the API, as the
 * backend will judge them).
 *
 * @public
 */
export const validateTenantJob: CustomFieldValidator<
  TenantJobPickerValue,
  TenantJobPickerUiOptions
> = async (value, field, context) => {
  if (!value?.tenantId) {
    field.addError('Choose the tenant to run the job for');
    return;
  }
  const jobType = context.uiSchema?.['ui:options']?.jobType;
  const api = apiFrom(context.apiHolder);
  if (!jobType || !api) return;
  let type: TenantJobType | undefined;
  try {
    type = (await api.getJobTypes()).find(t => t.id === jobType);
  } catch {
    // The backend judges the parameters when the job is launched.
    return;
  }
  if (!type) {
    field.addError(`The job type '${jobType}' is not offered`);
    return;
  }
  for (const [name, problem] of Object.entries(
    parameterProblems(type.parameterSchema, value.parameters ?? {}),
  )) {
    const title = type.parameterSchema.properties[name]?.title ?? name;
    field.addError(`${title} ${problem}`);
  }
};
