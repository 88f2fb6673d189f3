import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  createConfiguration,
  IsomorphicFetchHttpLibrary,
  KubeConfig,
  KubernetesObjectApi,
  Middleware,
  ServerConfiguration,
} from '@kubernetes/client-node';
import { ServiceUnavailableError } from '@backstage/errors';
import fs from 'node:fs';
import { ClusterConfig } from '../config/readConfig';
import {
  instrumentHttpLibrary,
  KubernetesRequestObserver,
} from './kubernetesRequests';
import { createKubeConfig } from './kubeConfig';
import { PooledAuthentication } from './pooledAuthentication';

/** Default time a single apiserver request may take. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The client-node APIs the Tenant Jobs backend uses against one cluster. */
export type KubernetesApis = {
  core: CoreV1Api;
  batch: BatchV1Api;
  /** For server-side apply of objects of any kind. */
  objects: KubernetesObjectApi;
  /** Who the backend is (SelfSubjectReview), to bind its tenant reader role. */
  authentication: AuthenticationV1Api;
  /** What the backend may do (SelfSubjectAccessReview). */
  authorization: AuthorizationV1Api;
  /** The kubeconfig behind them, for watches and log streams. */
  kubeConfig: KubeConfig;
};

/** Aborts every request that takes longer than `timeoutMs`. */
function timeoutMiddleware(timeoutMs: number): Middleware {
  return {
    async pre(context) {
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return context;
    },
    async post(context) {
      return context;
    },
  };
}

/**
 * The APIs for the current context of `kc`. Unlike `kc.makeApiClient`,
 * every request gets a deadline (client-node sets none, so a cluster that
 * accepts connections but never answers would hang a submit forever).
 */
export function createKubernetesApis(
  kc: KubeConfig,
  options: {
    requestTimeoutMs?: number;
    /** The configured cluster name, for metrics and spans. */
    cluster?: string;
    /** Told of every request when it ends (metrics, cluster health). */
    observe?: KubernetesRequestObserver;
  } = {},
): KubernetesApis {
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new Error('The kubeconfig has no current cluster');
  }
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: new PooledAuthentication(kc) },
    // Every request is timed, counted and traced by verb and resource.
    httpApi: instrumentHttpLibrary(new IsomorphicFetchHttpLibrary(), {
      cluster: options.cluster ?? cluster.name,
      observe: options.observe,
    }),
    promiseMiddleware: [
      timeoutMiddleware(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
    ],
  });
  return {
    core: new CoreV1Api(configuration),
    batch: new BatchV1Api(configuration),
    objects: new KubernetesObjectApi(configuration),
    authentication: new AuthenticationV1Api(configuration),
    authorization: new AuthorizationV1Api(configuration),
    kubeConfig: kc,
  };
}

function fileStamp(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return 'missing';
  }
}

/**
 * The APIs of a configured cluster, as a function that returns them for
 * each call. With `kubeconfig` auth the file is loaded again whenever it
 * changes (a recreated local cluster has a new CA, port and certificate;
 * a rotated kubeconfig a new token), and a file that is missing at startup
 * (the local cluster not up yet) is only an error once the cluster is used.
 * Other auth types read their token per request already (see
 * createKubeConfig) and are built once, so a bad setting fails at startup.
 */
export function createClusterApis(
  cluster: ClusterConfig,
  options: {
    requestTimeoutMs?: number;
    observe?: KubernetesRequestObserver;
  } = {},
): () => KubernetesApis {
  const build = () =>
    createKubernetesApis(createKubeConfig(cluster), {
      ...options,
      cluster: cluster.name,
    });
  const { auth } = cluster;
  if (auth.type !== 'kubeconfig') {
    const apis = build();
    return () => apis;
  }
  let cached: { stamp: string; apis: KubernetesApis } | undefined;
  const current = () => {
    const stamp = fileStamp(auth.file);
    if (!cached || cached.stamp !== stamp) {
      try {
        cached = { stamp, apis: build() };
      } catch (error) {
        // Unreachable at once, for health and metrics, and a 503 that
        // names the cluster, not a 500: the file may come (or be fixed).
        options.observe?.({
          cluster: cluster.name,
          verb: 'load',
          resource: 'kubeconfig',
          durationSeconds: 0,
          errorType: 'config',
        });
        throw new ServiceUnavailableError(
          `Cluster '${
            cluster.name
          }' cannot be reached: its kubeconfig cannot be loaded from ${
            auth.file
          }: ${(error as Error).message}`,
        );
      }
    }
    return cached.apis;
  };
  if (fs.existsSync(auth.file)) {
    current(); // a wrong context or caData fails at startup
  }
  return current;
}
