import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';
import { TENANT_JOB_PICKER, validateTenantJob } from './field';

/**
 * The TenantJobPicker scaffolder field as a form field extension.
 *
 * @alpha
 */
export const tenantJobPickerFormField = FormFieldBlueprint.make({
  name: 'tenant-job-picker',
  params: {
    field: () =>
      import('./TenantJobPicker').then(({ TenantJobPicker }) =>
        createFormField({
          name: TENANT_JOB_PICKER,
          component: TenantJobPicker as any,
          validation: validateTenantJob as any,
        }),
      ),
  },
});

/**
 * Adds the Tenant Jobs form fields (`TenantJobPicker`) to the scaffolder of
 * an app on the new frontend system:
 * `createApp({ features: [tenantJobsScaffolderModule] })`.
 *
 * @alpha
 */
export const tenantJobsScaffolderModule = createFrontendModule({
  pluginId: 'scaffolder',
  extensions: [tenantJobPickerFormField],
});
