import { createBackendModule } from '@backstage/backend-plugin-api';
import { tenantJobsJobTypesExtensionPoint } from '@tenant-jobs/plugin-tenant-jobs-node';
import { h100Training } from './jobTypes';

/** Adds the demo's extra job types to the Tenant Jobs backend. */
export const demoJobTypesModule = createBackendModule({
  pluginId: 'tenant-jobs',
  moduleId: 'demo-job-types',
  register(reg) {
    reg.registerInit({
      deps: { jobTypes: tenantJobsJobTypesExtensionPoint },
      async init({ jobTypes }) {
        jobTypes.addJobTypes(h100Training);
      },
    });
  },
});
