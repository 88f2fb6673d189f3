import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { tenantJobsPlugin } from '../plugin';
import { TENANT_JOB_PICKER, validateTenantJob } from './field';
import { TenantJobPicker } from './TenantJobPicker';

/**
 * The TenantJobPicker scaffolder field for an app on the legacy frontend
 * system, and for Red Hat Developer Hub's `scaffolderFieldExtensions`:
 * `<ScaffolderFieldExtensions><TenantJobPickerFieldExtension /></ScaffolderFieldExtensions>`.
 *
 * @public
 */
export const TenantJobPickerFieldExtension = tenantJobsPlugin.provide(
  createScaffolderFieldExtension({
    name: TENANT_JOB_PICKER,
    component: TenantJobPicker as any,
    validation: validateTenantJob as any,
  }),
);
