import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { demoUserAuthenticator } from './authenticator';

/**
 * Registers the `demo` sign-in provider: lets a tester act as any User in
 * the catalog (the demo organisation in examples/org.yaml) so that tenant
 * isolation can be tried in the browser. Like the guest provider it is for
 * development: it is only registered when `auth.providers.demo` is
 * configured, and refuses to run with NODE_ENV=production unless
 * `dangerouslyAllowOutsideDevelopment` is set.
 */
export const authModuleDemoProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        const providerConfig = config.getOptionalConfig('auth.providers.demo');
        if (!providerConfig) {
          return;
        }
        const allowed = providerConfig.getOptionalBoolean(
          'dangerouslyAllowOutsideDevelopment',
        );
        if (process.env.NODE_ENV === 'production' && !allowed) {
          throw new Error(
            'The demo sign-in provider (auth.providers.demo) lets anyone act as any catalog user; ' +
              'remove it from production config or set dangerouslyAllowOutsideDevelopment: true',
          );
        }
        logger.warn(
          'Demo sign-in enabled: anyone reaching this backend can act as any catalog User',
        );
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: demoUserAuthenticator,
            async signInResolver({ result }, ctx) {
              return ctx.signInWithCatalogUser({
                entityRef: { kind: 'User', name: result.userName },
              });
            },
          }),
        });
      },
    });
  },
});
