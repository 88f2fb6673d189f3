import { createApp } from '@backstage/frontend-defaults';
import { tenantJobsScaffolderModule } from '@tenant-jobs/plugin-tenant-jobs';
import { signInModule } from './modules/signIn';

/**
 * The demo portal. Plugins installed in this package (catalog, scaffolder,
 * org, signals, user settings, and Tenant Jobs through its `/alpha`
 * export: the Jobs tab and card on annotated entities and the Tenant Jobs
 * page) are discovered through `app.packages: all` in app-config.yaml; the
 * modules here are the portal's own, and the scaffolder's TenantJobPicker
 * field that the templates in templates/ use.
 */
const app = createApp({
  features: [signInModule, tenantJobsScaffolderModule],
});

export default app;
