export { TenantJobPicker } from './TenantJobPicker';
export { TENANT_JOB_PICKER, validateTenantJob } from './field';
export {
  tenantJobPickerFormField,
  tenantJobsScaffolderModule,
} from './extensions';
export type { TenantJobPickerUiOptions, TenantJobPickerValue } from './jobForm';
