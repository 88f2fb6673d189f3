export { TenantJobPicker } from './TenantJobPicker';
export { TenantJobPickerFieldExtension } from './fieldExtension';
export { TENANT_JOB_PICKER, validateTenantJob } from './field';
export {
  tenantJobPickerFormField,
  tenantJobsScaffolderModule,
} from './extensions';
export type { TenantJobPickerUiOptions, TenantJobPickerValue } from './jobForm';
