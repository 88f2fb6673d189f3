/*
 * The local test cluster: find and load its admin kubeconfig, isolate each
 * test in a namespace of its own, and poll for a state with a deadline.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';

/** Environment variable that overrides the kubeconfig used by the tests. */
export const KUBECONFIG_ENV = 'TENANT_JOBS_KUBECONFIG';

/** Where `scripts/cluster/cluster.sh up` writes the admin kubeconfig. */
export const DEFAULT_KUBECONFIG_RELATIVE_PATH = path.join(
  '.local',
  'cluster',
  'kubeconfig',
);

/** Label put on every namespace made by {@link createTestNamespace}. */
export const TEST_NAMESPACE_LABEL = 'tenant-jobs.io/test-namespace';

const CLUSTER_SCRIPT = path.join('scripts', 'cluster', 'cluster.sh');

const HOW_TO_START =
  `Start the local cluster with \`${CLUSTER_SCRIPT} up\` (or \`make cluster-up\`), ` +
  `or point ${KUBECONFIG_ENV} at the kubeconfig of a running test cluster.`;

/** The cluster is not up, or its kubeconfig cannot be used. */
export class ClusterNotUpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterNotUpError';
  }
}

/**
 * The root of this repository: the nearest folder at or above `from` (by
 * default the working directory, which yarn and jest set to a package or the
 * root of this repository) that holds scripts/cluster/cluster.sh.
 */
export function findRepoRoot(from: string = process.cwd()): string {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, CLUSTER_SCRIPT))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(
        `Cannot find the repository root (no ${CLUSTER_SCRIPT}) above ${from}`,
      );
    }
    dir = parent;
  }
}

/**
 * Path of the kubeconfig the tests use: $TENANT_JOBS_KUBECONFIG if set,
 * otherwise .local/cluster/kubeconfig in this repository.
 */
export function testKubeconfigPath(
  env: NodeJS.ProcessEnv = process.env,
): string {
  const fromEnv = env[KUBECONFIG_ENV]?.trim();
  if (fromEnv) {
    return path.resolve(fromEnv);
  }
  return path.join(findRepoRoot(), DEFAULT_KUBECONFIG_RELATIVE_PATH);
}

/**
 * Loads the kubeconfig of the local test cluster. Throws a
 * {@link ClusterNotUpError} that says how to start the cluster when the file
 * is missing or unusable. Never reads ~/.kube/config or $KUBECONFIG: tests must
 * not land on a real cluster by accident.
 */
export function loadTestKubeConfig(
  env: NodeJS.ProcessEnv = process.env,
): KubeConfig {
  const file = testKubeconfigPath(env);
  if (!fs.existsSync(file)) {
    throw new ClusterNotUpError(
      `The local Kubernetes cluster is not up: no kubeconfig at ${file}. ${HOW_TO_START}`,
    );
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (error) {
    throw new ClusterNotUpError(
      `Cannot load the kubeconfig at ${file}: ${
        (error as Error).message
      }. ${HOW_TO_START}`,
    );
  }
  if (!kc.getCurrentCluster()) {
    throw new ClusterNotUpError(
      `The kubeconfig at ${file} names no current cluster. ${HOW_TO_START}`,
    );
  }
  return kc;
}

/**
 * A DNS-1123 label `<prefix>-<random>` of at most 63 characters; the prefix
 * is lower-cased and stripped of anything a namespace name cannot hold.
 */
export function uniqueNamespaceName(prefix: string): string {
  const suffix = randomBytes(4).toString('hex');
  const cleaned = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63 - suffix.length - 1)
    .replace(/-+$/, '');
  return cleaned ? `${cleaned}-${suffix}` : `test-${suffix}`;
}

/** A namespace for one test (or one test file) and the way to remove it. */
export interface TestNamespace {
  name: string;
  /** Deletes the namespace (and so all in it); a missing namespace is fine. */
  cleanup(): Promise<void>;
}

/**
 * Creates a namespace with a unique name for a test. `labels` are added to
 * the namespace (e.g. Pod Security labels); every test namespace also carries
 * {@link TEST_NAMESPACE_LABEL}. Waits until the namespace's default
 * ServiceAccount exists, so pods can be created in it right away.
 */
export async function createTestNamespace(
  prefix: string,
  labels: Record<string, string> = {},
  options: { kubeConfig?: KubeConfig; timeoutMs?: number } = {},
): Promise<TestNamespace> {
  const kc = options.kubeConfig ?? loadTestKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const name = uniqueNamespaceName(prefix);
  try {
    await core.createNamespace({
      body: {
        metadata: {
          name,
          labels: { ...labels, [TEST_NAMESPACE_LABEL]: 'true' },
        },
      },
    });
  } catch (error) {
    if (statusCode(error) === undefined) {
      // No HTTP answer at all: the cluster of this kubeconfig is gone.
      throw new ClusterNotUpError(
        `Cannot reach the cluster at ${kc.getCurrentCluster()?.server}: ${
          (error as Error).message
        }. ${HOW_TO_START}`,
      );
    }
    throw error;
  }
  const cleanup = async () => {
    try {
      await core.deleteNamespace({ name, propagationPolicy: 'Background' });
    } catch (error) {
      if (statusCode(error) !== 404) {
        throw error;
      }
    }
  };
  try {
    await waitFor(
      `the default ServiceAccount in namespace ${name}`,
      async () => {
        try {
          return await core.readNamespacedServiceAccount({
            name: 'default',
            namespace: name,
          });
        } catch (error) {
          if (statusCode(error) === 404) {
            return undefined;
          }
          throw error;
        }
      },
      { timeoutMs: options.timeoutMs ?? 30_000 },
    );
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
  return { name, cleanup };
}

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long (default 60s). */
  timeoutMs?: number;
  /** Pause between attempts (default 250ms). */
  intervalMs?: number;
}

/**
 * Calls `probe` until it returns a value other than undefined (or false) and
 * returns that value; fails with `description` and the last value or error
 * seen when the deadline passes. An error thrown by `probe` counts as a failed
 * attempt only until the deadline.
 */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<T | undefined | false>,
  options: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) {
        return value;
      }
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why =
        lastError === undefined
          ? ''
          : ` (last error: ${(lastError as Error)?.message ?? lastError})`;
      throw new Error(
        `Timed out after ${timeoutMs}ms waiting for ${description}${why}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}

/**
 * The HTTP status code of an error thrown by @kubernetes/client-node
 * (its ApiException), or undefined for any other error.
 */
export function statusCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * The message of a Kubernetes API error: the `message` of the Status object
 * that @kubernetes/client-node's ApiException carries as its body (a JSON
 * string or an object), else the error's own message.
 */
export function apiErrorMessage(error: unknown): string {
  let body = (error as { body?: unknown } | undefined)?.body;
  if (typeof body === 'string') {
    const text: string = body;
    try {
      body = JSON.parse(text);
    } catch {
      return text;
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string') {
    return message;
  }
  return error instanceof Error ? error.message : String(error);
}
