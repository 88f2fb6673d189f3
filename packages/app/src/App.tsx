import { createApp } from '@backstage/frontend-defaults';
import { signInModule } from './modules/signIn';

/**
 * The demo portal. Plugins installed in this package (catalog, scaffolder,
 * org, signals, user settings) are discovered through `app.packages: all`
 * in app-config.yaml; the modules here are the portal's own.
 */
const app = createApp({
  features: [signInModule],
});

export default app;
