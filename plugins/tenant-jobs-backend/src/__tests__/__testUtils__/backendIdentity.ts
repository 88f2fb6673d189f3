/*
 * The backend's identity in the integration suites: a fresh ServiceAccount
 * bound to the shipped ClusterRole tenant-jobs-backend and nothing else,
 * with the shipped deploy files (both ClusterRoles, the confinement policy
 * and its binding) applied as they are in the repository, so every suite
 * runs as a real installation would.
 */
import {
  ApiException,
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** plugins/tenant-jobs-backend/deploy */
export const DEPLOY_DIR = path.resolve(__dirname, '../../../deploy');

/** The files an installation applies, in order. */
export const SHIPPED_DEPLOY_FILES = [
  'clusterrole.yaml',
  'validatingadmissionpolicy.yaml',
] as const;

export const BACKEND_CLUSTER_ROLE = 'tenant-jobs-backend';
export const TENANT_READER_CLUSTER_ROLE = 'tenant-jobs-backend-tenant-reader';
export const CONFINEMENT_POLICY = 'tenant-jobs-backend-confinement';

/** What the shipped files must hold, by `kind/name`. */
const EXPECTED_OBJECTS = [
  `ClusterRole/${BACKEND_CLUSTER_ROLE}`,
  `ClusterRole/${TENANT_READER_CLUSTER_ROLE}`,
  `ValidatingAdmissionPolicy/${CONFINEMENT_POLICY}`,
  `ValidatingAdmissionPolicyBinding/${CONFINEMENT_POLICY}`,
];

const SETUP_FIELD_MANAGER = 'tenant-jobs-integration-setup';

/** The objects of one deploy file, as they are in the repository. */
export function readDeployFile(file: string): KubernetesObject[] {
  const full = path.join(DEPLOY_DIR, file);
  return parseAllDocuments(fs.readFileSync(full, 'utf8'))
    .map(document => {
      if (document.errors.length > 0) {
        throw new Error(
          `${full} is not valid YAML: ${document.errors
            .map(e => e.message)
            .join('; ')}`,
        );
      }
      return document.toJS() as KubernetesObject | null;
    })
    .filter((object): object is KubernetesObject => Boolean(object));
}

/**
 * Server-side applies the shipped deploy files, in order. They are shared
 * by every suite on the cluster and left in place.
 */
export async function applyShippedDeployFiles(kc: KubeConfig): Promise<void> {
  const objects = SHIPPED_DEPLOY_FILES.flatMap(readDeployFile);
  const found = objects.map(o => `${o.kind}/${o.metadata?.name}`);
  const missing = EXPECTED_OBJECTS.filter(e => !found.includes(e));
  if (missing.length > 0) {
    throw new Error(
      `The deploy files ${SHIPPED_DEPLOY_FILES.join(', ')} lack ${missing.join(
        ', ',
      )}`,
    );
  }
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const object of objects) {
    await api.patch(
      object,
      undefined,
      undefined,
      SETUP_FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
  }
}

export type BackendIdentity = {
  /** Namespace and name of the backend's ServiceAccount. */
  namespace: string;
  serviceAccount: string;
  /** `system:serviceaccount:<namespace>:<name>` */
  username: string;
  token: string;
  /** The token in a file (with a trailing newline), as mounted tokens are. */
  tokenFile: string;
  /** The apiserver and its CA (PEM). */
  server: string;
  caPem: string;
  /** A kubeconfig that authenticates as the backend. */
  kubeConfig: KubeConfig;
  /** Removes the ServiceAccount's namespace and its ClusterRoleBinding. */
  cleanUp(): Promise<void>;
};

async function ignoreNotFound(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if ((error as ApiException<unknown>)?.code !== 404) throw error;
  }
}

async function poll(
  description: string,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await probe()) return;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs}ms waiting for ${description}${
          lastError ? ` (last error: ${(lastError as Error).message})` : ''
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/**
 * Applies the shipped deploy files, creates the backend's ServiceAccount
 * in a new namespace, binds it to tenant-jobs-backend only (cluster-wide,
 * as clusterrolebinding.example.yaml does) and waits until both the
 * binding and the confinement policy are in effect for it.
 */
export async function createBackendIdentity(
  kc: KubeConfig,
  options: {
    /** A new namespace for the ServiceAccount. */
    namespace: string;
    /** The ClusterRoleBinding's name. */
    bindingName: string;
    /** Where to write the token file. */
    tokenDir: string;
    serviceAccount?: string;
    namespaceLabels?: Record<string, string>;
  },
): Promise<BackendIdentity> {
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const namespace = options.namespace;
  const serviceAccount = options.serviceAccount ?? 'tenant-jobs-backend';
  const cleanUp = async () => {
    await ignoreNotFound(() =>
      core.deleteNamespace({
        name: namespace,
        propagationPolicy: 'Background',
      }),
    );
    await ignoreNotFound(() =>
      rbac.deleteClusterRoleBinding({ name: options.bindingName }),
    );
  };

  try {
    await applyShippedDeployFiles(kc);
    await core.createNamespace({
      body: { metadata: { name: namespace, labels: options.namespaceLabels } },
    });
    await core.createNamespacedServiceAccount({
      namespace,
      body: { metadata: { name: serviceAccount } },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: options.bindingName },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: BACKEND_CLUSTER_ROLE,
        },
        subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
      },
    });
    const tokenRequest = await core.createNamespacedServiceAccountToken({
      name: serviceAccount,
      namespace,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    const token = tokenRequest.status?.token;
    if (!token) {
      throw new Error('The TokenRequest API returned no token');
    }
    const tokenFile = path.join(options.tokenDir, 'token');
    // With a newline at the end, as `kubectl create token > file` writes.
    fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });

    const adminCluster = kc.getCurrentCluster();
    const caPem = adminCluster?.caData
      ? Buffer.from(adminCluster.caData, 'base64').toString('utf8')
      : adminCluster?.caFile && fs.readFileSync(adminCluster.caFile, 'utf8');
    if (!adminCluster?.server || !caPem) {
      throw new Error(
        'The admin kubeconfig names no server or certificate authority',
      );
    }
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: 'local',
          server: adminCluster.server,
          caData: Buffer.from(caPem, 'utf8').toString('base64'),
        },
      ],
      users: [{ name: serviceAccount, token }],
      contexts: [{ name: 'local', cluster: 'local', user: serviceAccount }],
      currentContext: 'local',
    });

    // RBAC reaches the authorizer a moment after the binding is created ...
    const authorization = kubeConfig.makeApiClient(AuthorizationV1Api);
    await poll('the ClusterRoleBinding to take effect', async () => {
      const review = await authorization.createSelfSubjectAccessReview({
        body: {
          spec: {
            resourceAttributes: {
              verb: 'confine',
              resource: 'confinement',
              group: 'tenant-jobs.io',
            },
          },
        },
      });
      return review.status?.allowed === true;
    });
    // ... and the policy (and its matchConditions, which ask RBAC) a
    // moment after it is created or changed: a dry-run Job in `default`
    // must be refused by it.
    const batch = kubeConfig.makeApiClient(BatchV1Api);
    await poll('the confinement policy to take effect', async () => {
      try {
        await batch.createNamespacedJob({
          namespace: 'default',
          dryRun: 'All',
          body: {
            metadata: { name: 'tenant-jobs-confinement-probe' },
            spec: {
              template: {
                spec: {
                  restartPolicy: 'Never',
                  containers: [{ name: 'probe', image: 'busybox:1.37' }],
                },
              },
            },
          },
        });
        return false; // admitted: not in effect yet
      } catch (error) {
        const body = String((error as ApiException<unknown>)?.body ?? '');
        if (
          (error as ApiException<unknown>)?.code === 403 &&
          body.includes(`ValidatingAdmissionPolicy '${CONFINEMENT_POLICY}'`)
        ) {
          return true;
        }
        throw error;
      }
    });

    return {
      namespace,
      serviceAccount,
      username: `system:serviceaccount:${namespace}:${serviceAccount}`,
      token,
      tokenFile,
      server: adminCluster.server,
      caPem,
      kubeConfig,
      cleanUp,
    };
  } catch (error) {
    await cleanUp().catch(() => undefined);
    throw error;
  }
}
