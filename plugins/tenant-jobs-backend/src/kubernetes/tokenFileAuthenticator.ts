import type { KubeConfig, User } from '@kubernetes/client-node';
import fs from 'node:fs/promises';

/** client-node's Authenticator interface, which its index does not export. */
type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];
type RequestOptions = Parameters<Authenticator['applyAuthentication']>[1];

/**
 * Name of the kubeconfig auth provider served by
 * {@link TokenFileAuthenticator}. Deliberately not client-node's own
 * `tokenFile` provider, which caches the token for a minute and sends a
 * trailing newline (as `kubectl create token > file` writes one) verbatim.
 */
export const TOKEN_FILE_AUTH_PROVIDER = 'tenant-jobs-token-file';

/** The token file of a cluster cannot be used. A misconfiguration (500). */
export class TokenFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenFileError';
  }
}

/** The kubeconfig user whose requests carry the token read from `path`. */
export function tokenFileUser(name: string, path: string): User {
  return {
    name,
    authProvider: { name: TOKEN_FILE_AUTH_PROVIDER, config: { path } },
  };
}

/**
 * Sends `Authorization: Bearer <token>` with the token read from its file
 * on every request, so a rotated token (a projected ServiceAccount token,
 * a secret mounted by a CSI driver) is used as soon as it is written. The
 * read is a small local file and costs far less than the request itself.
 */
export class TokenFileAuthenticator implements Authenticator {
  constructor(private readonly cluster: string) {}

  isAuthProvider(user: User): boolean {
    return user?.authProvider?.name === TOKEN_FILE_AUTH_PROVIDER;
  }

  async applyAuthentication(user: User, opts: RequestOptions): Promise<void> {
    const path: string | undefined = user.authProvider?.config?.path;
    if (!path) {
      throw new TokenFileError(
        `Cluster '${this.cluster}' has no token file configured`,
      );
    }
    let token: string;
    try {
      token = (await fs.readFile(path, 'utf8')).trim();
    } catch (error) {
      throw new TokenFileError(
        `Cannot read the token of cluster '${this.cluster}' from ${path}: ${
          (error as Error).message
        }`,
      );
    }
    if (!token) {
      throw new TokenFileError(
        `The token file of cluster '${this.cluster}' (${path}) is empty`,
      );
    }
    const headers = (opts.headers ?? {}) as Record<string, string>;
    headers.Authorization = `Bearer ${token}`;
    opts.headers = headers;
  }
}
