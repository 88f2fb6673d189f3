/*
 * Shared setup of the HTTP integration suites: the whole Tenant Jobs plugin
 * in a test backend, talking to the local cluster (scripts/cluster/cluster.sh
 * up) as a ServiceAccount bound to the ClusterRole tenant-jobs-backend only,
 * with the shipped deploy files (both ClusterRoles, the confinement
 * policy) applied as they are (see backendIdentity.ts), and the
 * real permission backend deciding through the plugin's own rule and
 * resource loader. The admin kubeconfig is used only to set that up, to look
 * behind the backend's back and to clean up.
 */
import {
  AuditorService,
  BackendFeature,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  ServiceMock,
  startTestBackend,
  TestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  ApiException,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
  V1Job,
} from '@kubernetes/client-node';
import {
  BUILT_IN_JOB_TYPES,
  JobTypeDefinition,
  TENANT_JOBS_ANNOTATIONS,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type { JsonObject } from '@backstage/types';
import createKnex, { Knex } from 'knex';
import { ChildBackend, ChildDatabase, spawnChildBackend } from './childBackend';
import {
  tenantJobsTestFeatures,
  TestBackendSettings,
  TRUSTED_GROUP_LOCATION,
} from './features';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackendIdentity } from './backendIdentity';

export const REPO_ROOT = path.resolve(__dirname, '../../../../..');

/** Labels of every Job the plugin creates. */
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  tenant: 'tenant-jobs.io/tenant',
  type: 'tenant-jobs.io/type',
  priority: 'tenant-jobs.io/priority',
  runId: 'tenant-jobs.io/run-id',
} as const;

/**
 * The test plans. `gold` may run everything (GPU included, and the
 * preempting `critical` priority), `basic` only three types up to
 * `medium` and priorities up to `high`, `oneJob` keeps a single Job object at a time
 * (ResourceQuota count/jobs.batch=1) so the apiserver's quota admission can
 * be seen refusing.
 */
export const PLANS = {
  gold: {
    maxTier: 'xlarge',
    maxConcurrentJobs: 50,
    maxPriority: 'critical',
    quota: {
      cpu: '48',
      memory: '96Gi',
      gpu: 2,
      pods: 20,
      jobs: 100,
    },
  },
  basic: {
    maxTier: 'medium',
    allowedJobTypes: ['data-etl', 'billing-report', 'security-scan'],
    maxConcurrentJobs: 10,
    quota: { cpu: '4', memory: '8Gi', pods: 10, jobs: 50 },
  },
  oneJob: {
    maxTier: 'small',
    maxConcurrentJobs: 10,
    quota: { cpu: '1', memory: '2Gi', pods: 2, jobs: 1 },
  },
};

/** Tenant ids that Groups of mallory's claim, and that are refused. */
export const RESERVED_CLAIMS = ['kube-system', 'default'] as const;

export type TenantKey = 'a' | 'b' | 'c';
export type UserKey = 'alice' | 'bob' | 'carol' | 'mallory';

export type TestOrg = {
  /** Unique per run: namespaces persist in the shared cluster. */
  runTag: string;
  tenants: Record<TenantKey, string>;
  groups: Record<TenantKey | 'outsiders', string>;
  users: Record<UserKey, string>;
  /**
   * Catalog entities of each tenant, as entity refs: `owned` is a Component
   * owned by the tenant's group, `annotated` one carrying its tenant id
   * from a trusted location, `lookalike` one carrying it from elsewhere
   * (which does not count).
   */
  components: Record<
    TenantKey,
    { owned: string; annotated: string; lookalike: string }
  >;
  entities: Entity[];
  /** Ownership entity refs per user ref, as the catalog would resolve them. */
  ownership: Map<string, string[]>;
};

/**
 * Tenant a (plan gold: alice), b (basic: bob), c (oneJob: carol), and
 * mallory, a signed-in user whose group owns no tenant.
 */
export function createTestOrg(): TestOrg {
  const runTag = randomBytes(3).toString('hex');
  const tenants = {
    a: `it-${runTag}-a`,
    b: `it-${runTag}-b`,
    c: `it-${runTag}-c`,
  };
  const planOf: Record<TenantKey, keyof typeof PLANS> = {
    a: 'gold',
    b: 'basic',
    c: 'oneJob',
  };
  const groupName = (key: string) => `it-${runTag}-${key}-team`;
  const groups = {
    a: `group:default/${groupName('a')}`,
    b: `group:default/${groupName('b')}`,
    c: `group:default/${groupName('c')}`,
    outsiders: `group:default/${groupName('outsiders')}`,
  };
  const users = {
    alice: 'user:default/alice',
    bob: 'user:default/bob',
    carol: 'user:default/carol',
    mallory: 'user:default/mallory',
  };
  const memberOf: Record<UserKey, TenantKey | 'outsiders'> = {
    alice: 'a',
    bob: 'b',
    carol: 'c',
    mallory: 'outsiders',
  };

  const entities: Entity[] = [
    ...(Object.keys(tenants) as TenantKey[]).map(key => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: groupName(key),
        annotations: {
          [TENANT_JOBS_ANNOTATIONS.tenantId]: tenants[key],
          [TENANT_JOBS_ANNOTATIONS.plan]: planOf[key],
          // c's plan annotation is ignored: its location is not trusted,
          // and config names its plan.
          'backstage.io/managed-by-origin-location':
            key === 'c'
              ? 'file:/home/anyone/groups.yaml'
              : `${TRUSTED_GROUP_LOCATION}groups.yaml`,
        },
      },
      spec: {
        type: 'team',
        profile: { displayName: `Tenant ${key.toUpperCase()}` },
        children: [],
      },
    })),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: groupName('outsiders') },
      spec: { type: 'team', children: [] },
    },
    // Groups of mallory's that claim reserved tenant ids: never served.
    ...RESERVED_CLAIMS.map(id => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: groupName(`claims-${id}`),
        annotations: { [TENANT_JOBS_ANNOTATIONS.tenantId]: id },
      },
      spec: { type: 'team', children: [] },
    })),
    ...(Object.keys(tenants) as TenantKey[]).flatMap(key => [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: `it-${runTag}-${key}-service` },
        spec: {
          type: 'service',
          lifecycle: 'production',
          owner: groupName(key),
        },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: `it-${runTag}-${key}-pipeline`,
          annotations: {
            [TENANT_JOBS_ANNOTATIONS.tenantId]: tenants[key],
            'backstage.io/managed-by-origin-location': `${TRUSTED_GROUP_LOCATION}components.yaml`,
          },
        },
        spec: {
          type: 'pipeline',
          lifecycle: 'production',
          owner: groupName('outsiders'),
        },
      },
      {
        // Claims the tenant by annotation, registered from anywhere.
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: `it-${runTag}-${key}-lookalike`,
          annotations: {
            [TENANT_JOBS_ANNOTATIONS.tenantId]: tenants[key],
            'backstage.io/managed-by-origin-location':
              'file:/home/anyone/catalog-info.yaml',
          },
        },
        spec: {
          type: 'service',
          lifecycle: 'production',
          owner: groupName('outsiders'),
        },
      },
    ]),
    ...(Object.keys(users) as UserKey[]).map(user => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: user },
      spec: { memberOf: [groupName(memberOf[user])] },
    })),
  ];
  const ownership = new Map(
    (Object.keys(users) as UserKey[]).map(user => [
      users[user],
      [
        users[user],
        groups[memberOf[user]],
        ...(user === 'mallory'
          ? RESERVED_CLAIMS.map(
              id => `group:default/${groupName(`claims-${id}`)}`,
            )
          : []),
      ],
    ]),
  );
  const components = Object.fromEntries(
    (Object.keys(tenants) as TenantKey[]).map(key => [
      key,
      {
        owned: `component:default/it-${runTag}-${key}-service`,
        annotated: `component:default/it-${runTag}-${key}-pipeline`,
        lookalike: `component:default/it-${runTag}-${key}-lookalike`,
      },
    ]),
  ) as TestOrg['components'];
  return { runTag, tenants, groups, users, components, entities, ownership };
}

export function namespaceOf(tenantId: string): string {
  return `tenant-${tenantId}`;
}

/**
 * The plugin's database for tenant-jobs (the one the suites look into), and
 * a database of their own for other plugins, so that their migrations never
 * meet in one knex_migrations table.
 */
function databasePerPluginFactory(knex: Knex, databases: TestDatabases) {
  return createServiceFactory({
    service: coreServices.database,
    deps: { plugin: coreServices.pluginMetadata },
    async factory({ plugin }) {
      return mockServices.database({
        knex:
          plugin.getId() === 'tenant-jobs'
            ? knex
            : await databases.init('SQLITE_3'),
      });
    },
  });
}

/** The name the test backend gives the first local cluster. */
export const FIRST_CLUSTER = 'local';

/**
 * The admin kubeconfig of the local cluster, or of a named local cluster
 * beside it (`scripts/cluster/cluster.sh --name NAME up`).
 */
export function adminKubeConfig(localClusterName?: string): KubeConfig {
  const file = localClusterName
    ? path.join(REPO_ROOT, '.local/cluster', localClusterName, 'kubeconfig')
    : process.env.TENANT_JOBS_KUBECONFIG?.trim() ||
      path.join(REPO_ROOT, '.local/cluster/kubeconfig');
  if (!fs.existsSync(file)) {
    throw new Error(
      localClusterName
        ? `No kubeconfig at ${file}: start that cluster with scripts/cluster/cluster.sh --name ${localClusterName} up`
        : `No kubeconfig at ${file}: start the local cluster with scripts/cluster/cluster.sh up, or set TENANT_JOBS_KUBECONFIG`,
    );
  }
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

function adminApis(kc: KubeConfig): AdminApis {
  return {
    core: kc.makeApiClient(CoreV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    networking: kc.makeApiClient(NetworkingV1Api),
    rbac: kc.makeApiClient(RbacAuthorizationV1Api),
  };
}

/** Polls `probe` until it returns a value; fails with the last error at the deadline. */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
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

function isNotFound(error: unknown): boolean {
  return (error as ApiException<unknown>)?.code === 404;
}

async function ignoreNotFound(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** Parameters that satisfy a job type: its required ones from the schema's examples. */
export function requiredParameters(
  jobType: JobTypeDefinition,
): Record<string, unknown> {
  return Object.fromEntries(
    (jobType.parameterSchema.required ?? []).map(name => {
      const schema = jobType.parameterSchema.properties[name] as {
        examples?: unknown[];
        default?: unknown;
      };
      const value = schema.examples?.[0] ?? schema.default;
      if (value === undefined) {
        throw new Error(
          `Job type '${jobType.id}' has no example for required parameter '${name}'`,
        );
      }
      return [name, value];
    }),
  );
}

/**
 * A job type for tests that simulates an outcome on the KWOK nodes
 * (`simulate`, e.g. `fail=1,duration=6s`) or never fits a node
 * (`nodeSelector`). No parameters; micro tier.
 */
export function testJobType(
  id: string,
  overrides: Partial<JobTypeDefinition> = {},
): JobTypeDefinition {
  return {
    id,
    title: id,
    description: `Test job type ${id}`,
    category: 'test',
    image: 'busybox:1.37',
    command: ['/bin/true'],
    parameterSchema: {
      type: 'object',
      properties: {},
      additionalProperties: false,
    },
    defaultTier: 'micro',
    allowedTiers: ['micro'],
    defaultDeadlineSeconds: 600,
    retries: 0,
    ...overrides,
  };
}

/** A valid request body for `jobType` and `tenantId`, overridable. */
export function validBody(
  tenantId: string,
  jobTypeId: keyof typeof BUILT_IN_JOB_TYPES,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    tenantId,
    jobType: jobTypeId,
    parameters: requiredParameters(BUILT_IN_JOB_TYPES[jobTypeId]),
    ...overrides,
  };
}

export type AdminApis = {
  core: CoreV1Api;
  batch: BatchV1Api;
  networking: NetworkingV1Api;
  rbac: RbacAuthorizationV1Api;
};

export type AuditorMock = ServiceMock<AuditorService>;

export type TenantJobsTestEnv = {
  org: TestOrg;
  /** The in-process backend; undefined when it runs in a child process. */
  backend: TestBackend | undefined;
  /** The HTTP server or its URL, for supertest. */
  server: TestBackend['server'] | string;
  /** Base URL of the backend, e.g. http://127.0.0.1:PORT. */
  url: string;
  /** Base URLs of every replica (`replicas`); `url` is the first. */
  urls: string[];
  /** The plugin's database (runs, audit), as the backend uses it. */
  knex: Knex;
  auditor: AuditorMock;
  /** Admin clients of the first local cluster. */
  admin: AdminApis;
  /** Admin clients of a cluster by the backend's name for it. */
  adminOf(cluster: string): AdminApis;
  /** The backend's name of the cluster a tenant is pinned to. */
  clusterOf(tenantId: string): string;
  /** Authorization header of a test user. */
  as(user: UserKey): string;
  /** Jobs in a tenant's namespace (0 when it does not exist yet). */
  listJobs(tenantId: string, labelSelector?: string): Promise<V1Job[]>;
  countJobs(tenantId: string, labelSelector?: string): Promise<number>;
  /** Rows of the runs table, optionally of one tenant. */
  countRuns(tenantId?: string): Promise<number>;
  readJob(tenantId: string, name: string): Promise<V1Job | undefined>;
  /** Pods of the tenant that hold a node now (scheduled, not finished). */
  countActivePods(tenantId: string): Promise<number>;
  /**
   * Stops the backend (the cluster and database stay; a child process is
   * killed with SIGKILL), runs `between` while it is down, and starts a
   * new one on the same database; with `freshDatabase` (a child on a
   * SQLite file only) the file is deleted first, as if the database were
   * lost, and `knex` then reads the new one.
   */
  restart(
    between?: () => Promise<void>,
    options?: { freshDatabase?: boolean },
  ): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Starts the plugin against the local cluster as a least-privilege
 * ServiceAccount. Call in beforeAll; call `stop` in afterAll.
 */
export async function startTenantJobsTestBackend(options: {
  databases: TestDatabases;
  /** Plan settings merged over PLANS, by plan name. */
  plans?: Partial<Record<keyof typeof PLANS, Record<string, unknown>>>;
  /** Extra job types, added through the plugin's extension point. */
  jobTypes?: JobTypeDefinition[];
  /** More `tenantJobs` config, e.g. `tracking`. */
  config?: Record<string, unknown>;
  /**
   * The test org's Groups that are the platform team
   * (`tenantJobs.adminGroups`), e.g. `['outsiders']` for mallory.
   */
  adminGroups?: Array<TenantKey | 'outsiders'>;
  /**
   * Whether the policy allows `tenant-jobs.tenant.provision` to every
   * signed-in user, who is then the platform team too (the onboarding
   * template's suite). Denied by default, as a policy keeps it to the
   * platform team.
   */
  provisionAllowed?: boolean;
  /**
   * A second local cluster (`cluster.sh --name LOCAL_NAME up`), configured
   * as `name` beside the first (`local`), with these tenants pinned to it
   * (`tenantJobs.tenants.<id>.cluster`). The backend gets the same
   * least-privilege identity there.
   */
  secondCluster?: {
    localName: string;
    name: string;
    tenants: TenantKey[];
    /**
     * Instead: a MultiKueue worker of `local` (needs `queue.mode: kueue`
     * and `cluster.sh multikueue-up LOCAL_NAME`), running the pods of
     * `local`'s tenants.
     */
    multiKueueWorker?: boolean;
  };
  /** The database; SQLite in memory unless told otherwise. */
  databaseId?: TestDatabaseId;
  /**
   * Runs the backend in a child process, so `restart` kills it with
   * SIGKILL, as a crash would: on a SQLite file, or with a PostgreSQL
   * `databaseId` on a database of its own.
   */
  childProcess?: boolean;
  /**
   * How many child backends share the database, as replicas would
   * (PostgreSQL `databaseId` only; implies `childProcess`). Default 1.
   */
  replicas?: number;
  /**
   * More plugins and modules in the in-process backend (e.g. the
   * scaffolder), with the catalog entities and root config they need. Every
   * plugin but tenant-jobs gets a SQLite database of its own.
   */
  extend?: {
    features?: BackendFeature[];
    entities?: Entity[];
    rootConfig?: JsonObject;
    /**
     * A module setting the permission backend's policy, in place of the
     * harness's membership policy (which allows everything but tenant
     * jobs), e.g. the demo backend's policy module. In-process only.
     */
    permissionPolicy?: BackendFeature;
  };
}): Promise<TenantJobsTestEnv> {
  const org = createTestOrg();
  const kc = adminKubeConfig();
  const admin = adminApis(kc);
  const second = options.secondCluster;
  const secondKc = second ? adminKubeConfig(second.localName) : undefined;
  /** Admin clients by the backend's cluster name. */
  const admins = new Map<string, AdminApis>([[FIRST_CLUSTER, admin]]);
  if (second && secondKc) admins.set(second.name, adminApis(secondKc));
  const clusterOf = (tenantId: string): string =>
    second?.tenants.some(key => org.tenants[key] === tenantId)
      ? second.name
      : FIRST_CLUSTER;
  const adminFor = (tenantId: string) => admins.get(clusterOf(tenantId))!;
  const backendNamespace = `tj-it-http-${org.runTag}`;
  const bindingName = `tenant-jobs-it-http-${org.runTag}`;
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tj-it-http-'));
  let backend: TestBackend | undefined;
  let stopChild: (() => Promise<void>) | undefined;

  const cleanUp = async () => {
    await stopChild?.();
    if (backend) {
      await backend.stop();
      backend = undefined;
    }
    // Each cluster on its own: one that does not answer keeps the others
    // from being cleaned up no more than it must.
    const failures: unknown[] = [];
    for (const apis of admins.values()) {
      const steps = [
        ...[
          ...Object.values(org.tenants).map(namespaceOf),
          backendNamespace,
        ].map(
          name => () =>
            apis.core.deleteNamespace({
              name,
              propagationPolicy: 'Background',
            }),
        ),
        () => apis.rbac.deleteClusterRoleBinding({ name: bindingName }),
      ];
      for (const step of steps) {
        await ignoreNotFound(step).catch(error => failures.push(error));
      }
    }
    fs.rmSync(tmpDir, { recursive: true, force: true });
    if (failures.length > 0) throw failures[0];
  };

  try {
    // Bound to tenant-jobs-backend only, confined by the shipped policy.
    const identityIn = (config: KubeConfig, tokenDir: string) => {
      fs.mkdirSync(tokenDir, { recursive: true });
      return createBackendIdentity(config, {
        namespace: backendNamespace,
        bindingName,
        tokenDir,
        namespaceLabels: { 'tenant-jobs.io/test-run': org.runTag },
      });
    };
    const identity = await identityIn(kc, tmpDir);
    const { tokenFile, caPem } = identity;
    const secondIdentity =
      second && secondKc
        ? await identityIn(secondKc, path.join(tmpDir, second.name))
        : undefined;

    // A child process keeps its runs in a file or in PostgreSQL, so a
    // SIGKILL loses only what was never written, as in production.
    const replicas = options.replicas ?? 1;
    const inChild = options.childProcess || replicas > 1;
    if (inChild && options.extend?.permissionPolicy) {
      throw new Error('extend.permissionPolicy needs the in-process backend');
    }
    const onPostgres = options.databaseId?.startsWith('POSTGRES') ?? false;
    if (replicas > 1 && !onPostgres) {
      throw new Error('Replicas share a PostgreSQL database: set databaseId');
    }
    if (inChild && options.databaseId && !onPostgres) {
      throw new Error(
        `A child backend runs on a SQLite file or PostgreSQL, not ${options.databaseId}`,
      );
    }
    const dbFile =
      inChild && !onPostgres
        ? path.join(tmpDir, 'tenant-jobs.sqlite')
        : undefined;
    const openFile = (filename: string) =>
      createKnex({
        client: 'better-sqlite3',
        connection: { filename },
        useNullAsDefault: true,
      });
    let knex = dbFile
      ? openFile(dbFile)
      : await options.databases.init(options.databaseId ?? 'SQLITE_3');
    const childDatabase: ChildDatabase = dbFile
      ? { client: 'better-sqlite3', connection: { filename: dbFile } }
      : {
          client: 'pg',
          connection: knex.client.config.connection as Record<string, unknown>,
        };
    const auditor: AuditorMock = mockServices.auditor.mock();
    const plans = Object.fromEntries(
      Object.entries(PLANS).map(([name, plan]) => [
        name,
        { ...plan, ...options.plans?.[name as keyof typeof PLANS] },
      ]),
    );
    const settings: TestBackendSettings = {
      org,
      server: identity.server,
      caPem,
      tokenFile,
      plans: plans as JsonObject,
      jobTypes: options.jobTypes ?? [],
      config: (options.config ?? {}) as JsonObject,
      entities: options.extend?.entities,
      rootConfig: options.extend?.rootConfig,
      adminGroups: options.adminGroups?.map(key => org.groups[key]),
      provisionAllowed: options.provisionAllowed,
      secondCluster:
        second && secondIdentity
          ? {
              name: second.name,
              server: secondIdentity.server,
              caPem: secondIdentity.caPem,
              tokenFile: secondIdentity.tokenFile,
              tenants: second.tenants.map(key => org.tenants[key]),
              multiKueueWorker: second.multiKueueWorker,
            }
          : undefined,
    };
    let children: ChildBackend[] = [];
    stopChild = async () => {
      await Promise.all(children.map(c => c.kill('SIGTERM')));
      children = [];
      if (dbFile) await knex.destroy();
    };
    const startBackend = async () => {
      if (inChild) {
        // One after the other: each runs the plugin's migrations first.
        for (let i = 0; i < replicas; i++) {
          children.push(
            await spawnChildBackend(
              settings,
              childDatabase,
              path.join(tmpDir, `backend-${i}.settings.json`),
            ),
          );
        }
        return undefined;
      }
      return startTestBackend({
        features: [
          ...tenantJobsTestFeatures(settings, {
            permissionPolicy: options.extend?.permissionPolicy,
          }),
          options.extend
            ? databasePerPluginFactory(knex, options.databases)
            : mockServices.database.factory({ knex }),
          auditor.factory,
          ...(options.extend?.features ?? []),
        ],
      });
    };
    backend = await startBackend();
    const baseUrls = () =>
      children.length > 0
        ? children.map(c => c.url)
        : [`http://127.0.0.1:${backend!.server.port()}`];
    const baseUrl = () => baseUrls()[0];

    const listJobs = async (tenantId: string, labelSelector?: string) => {
      try {
        return (
          await adminFor(tenantId).batch.listNamespacedJob({
            namespace: namespaceOf(tenantId),
            labelSelector,
          })
        ).items;
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
    };
    const env: TenantJobsTestEnv = {
      org,
      backend,
      server: backend?.server ?? baseUrl(),
      url: baseUrl(),
      urls: baseUrls(),
      knex,
      auditor,
      admin,
      adminOf: cluster => {
        const apis = admins.get(cluster);
        if (!apis) throw new Error(`No test cluster named '${cluster}'`);
        return apis;
      },
      clusterOf,
      as: user => mockCredentials.user.header(org.users[user]),
      listJobs,
      countJobs: async (tenantId, labelSelector) =>
        (await listJobs(tenantId, labelSelector)).length,
      async countRuns(tenantId) {
        const query = knex('tenant_jobs_runs');
        if (tenantId) query.where({ tenant_id: tenantId });
        const [{ count }] = await query.count({ count: '*' });
        return Number(count);
      },
      async countActivePods(tenantId) {
        const pods = await adminFor(tenantId).core.listNamespacedPod({
          namespace: namespaceOf(tenantId),
        });
        return pods.items.filter(
          p =>
            !p.metadata?.deletionTimestamp &&
            ['Pending', 'Running'].includes(p.status?.phase ?? ''),
        ).length;
      },
      async readJob(tenantId, name) {
        try {
          return await adminFor(tenantId).batch.readNamespacedJob({
            namespace: namespaceOf(tenantId),
            name,
          });
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      },
      async restart(between, restartOptions) {
        await Promise.all(children.map(c => c.kill('SIGKILL')));
        children = [];
        await backend?.stop();
        backend = undefined;
        if (restartOptions?.freshDatabase) {
          if (!dbFile) {
            throw new Error('freshDatabase needs a child backend on SQLite');
          }
          await knex.destroy();
          for (const suffix of ['', '-wal', '-shm', '-journal']) {
            fs.rmSync(`${dbFile}${suffix}`, { force: true });
          }
          knex = openFile(dbFile);
          env.knex = knex;
        }
        await between?.();
        backend = await startBackend();
        env.backend = backend;
        env.server = backend?.server ?? baseUrl();
        env.url = baseUrl();
        env.urls = baseUrls();
      },
      stop: cleanUp,
    };
    return env;
  } catch (error) {
    await cleanUp().catch(() => undefined);
    throw error;
  }
}
