import { AuthenticationError } from '@backstage/errors';
import { createProxyAuthenticator } from '@backstage/plugin-auth-node';

/** The request header through which the demo sign-in page names its user. */
export const DEMO_USER_HEADER = 'x-tenant-jobs-demo-user';

/** A catalog User name: lowercase DNS-1123 label, as in examples/org.yaml. */
const USER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export type DemoUserResult = { userName: string };

/**
 * Authenticates nobody on its own: it reads which catalog user the demo
 * sign-in page picked. The sign-in resolver then insists that this user
 * exists in the catalog. Development only (see module.ts).
 */
export const demoUserAuthenticator = createProxyAuthenticator<
  unknown,
  DemoUserResult,
  undefined
>({
  defaultProfileTransform: async result => ({
    profile: { displayName: result.userName },
  }),
  initialize() {
    return undefined;
  },
  async authenticate({ req }) {
    const header = req.header(DEMO_USER_HEADER);
    if (!header) {
      throw new AuthenticationError(
        `Missing ${DEMO_USER_HEADER} header: pick a demo user on the sign-in page`,
      );
    }
    const userName = header.trim().toLowerCase();
    if (!USER_NAME.test(userName)) {
      throw new AuthenticationError(
        `Invalid demo user name '${header}': expected a catalog User name such as 'alice'`,
      );
    }
    return { result: { userName } };
  },
});
