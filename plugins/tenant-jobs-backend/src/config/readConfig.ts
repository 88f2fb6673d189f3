import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  DEFAULT_MULTIKUEUE_ADMISSION_CHECK,
  forbiddenTriggerTopic,
  isDns1123Label,
  isTriggerPayloadPath,
  isPriorityId,
  isTierId,
  PriorityId,
  PRIORITY_IDS,
  reservedNameMatch,
  TenantPlan,
  tenantNamespaceName,
  TierId,
  validateTenantPlan,
} from '@tenant-jobs/plugin-tenant-jobs-common';

/** How the backend authenticates to a cluster. */
export type ClusterAuth =
  | { type: 'serviceAccountToken'; tokenFile: string }
  | { type: 'kubeconfig'; file: string; context?: string }
  | { type: 'inCluster' };

export type ClusterConfig = {
  name: string;
  url?: string;
  caFile?: string;
  caData?: string;
  skipTLSVerify?: boolean;
  auth: ClusterAuth;
  /**
   * This cluster is a MultiKueue manager: its tenants' Jobs run on these
   * worker clusters (names of other configured clusters).
   */
  multiKueue?: { workers: string[]; admissionCheck: string };
};

export type JobTypeOverride = {
  enabled?: boolean;
  image?: string;
  defaultTier?: TierId;
  allowedTiers?: TierId[];
  defaultDeadlineSeconds?: number;
  retries?: number;
};

export type TenantOverride = {
  plan?: string;
  cluster?: string;
  /** The owning Group's entity ref, normalized. */
  group?: string;
};

/**
 * A topic trigger rules may listen to, and whose its events are: a
 * tenant's (the payload names it at `tenantPath`) or no one's (`shared`).
 */
export type TriggerTopic = {
  topic: string;
  tenantPath?: string;
  shared: boolean;
  description?: string;
  /** Payload path of the event's own id (a delivery id), if it has one. */
  idPath?: string;
  /** Metadata key (e.g. a webhook's delivery header) of the event's id. */
  idMetadata?: string;
};

/** Who queues runs over a tenant's limits: the plugin, or Kueue. */
export type QueueMode = 'builtin' | 'kueue';

/** The plugin's settings from `tenantJobs`, checked at startup. */
export type TenantJobsConfig = {
  namespacePattern: string;
  clusters: ClusterConfig[];
  defaultCluster: string;
  plans: Map<string, TenantPlan>;
  defaultPlan: string;
  /** Tenants the platform team configured, by id. */
  tenants: Map<string, TenantOverride>;
  /** Extra reserved tenant ids and namespaces (`*` matches any rest). */
  reservedTenantIds: string[];
  /** Origin-location prefixes whose Groups may pick their plan. */
  trustedGroupLocations: string[];
  /**
   * Group refs (lower case) whose members are the platform team: they see
   * every tenant and may cancel any run (see `TenantAccess`).
   */
  adminGroups: string[];
  /**
   * Origin-location prefixes whose entities count for the tenant their
   * annotation names (others only when the tenant's Group owns them).
   */
  trustedEntityLocations: string[];
  /** The topics trigger rules may listen to, by topic. */
  triggerTopics: Map<string, TriggerTopic>;
  /** Priorities whose PriorityClass may preempt. */
  preemptingPriorities: PriorityId[];
  jobTypes: Map<string, JobTypeOverride>;
  ttlSecondsAfterFinished: number;
  queue: {
    /** Runs that may wait in one tenant's queue; more are refused (409). */
    maxQueuedPerTenant: number;
    /**
     * `builtin`: the plugin's own queue holds runs over the plan's
     * `maxConcurrentJobs`. `kueue`: every run is handed to Kueue at once
     * (a suspended Job in the tenant's LocalQueue), which admits it within
     * the tenant's ClusterQueue quota.
     */
    mode?: QueueMode;
  };
  tracking: {
    /** Seconds between reconciliations of runs and Jobs. */
    reconcileIntervalSeconds: number;
    /** Bytes kept of each pod's log when a run finishes. */
    logTailBytes: number;
  };
  notifications: {
    enabled: boolean;
    notifyTenantGroup: boolean;
    longRunSeconds: number;
  };
  retention: {
    /** Days finished runs are kept; their archives go with them. */
    runDays: number;
    /** Days archived logs are kept (at most as long as their runs). */
    logDays: number;
    /** Days audit entries are kept. */
    auditDays: number;
  };
};

export const DEFAULT_NAMESPACE_PATTERN = 'tenant-{tenant}';
const ONE_DAY = 86_400;

function readTier(config: Config, key: string): TierId {
  const value = config.getString(key);
  if (!isTierId(value)) {
    throw new Error(
      `Invalid tier '${value}' at tenantJobs ${key}: expected micro, small, medium, large, xlarge or enterprise`,
    );
  }
  return value;
}

function readAuth(config: Config, name: string): ClusterAuth {
  const type = config.getString('type');
  switch (type) {
    case 'serviceAccountToken':
      return { type, tokenFile: config.getString('tokenFile') };
    case 'kubeconfig':
      return {
        type,
        file: config.getString('file'),
        context: config.getOptionalString('context'),
      };
    case 'inCluster':
      return { type };
    default:
      throw new Error(
        `Invalid auth type '${type}' for cluster '${name}': expected serviceAccountToken, kubeconfig or inCluster`,
      );
  }
}

function readCluster(config: Config): ClusterConfig {
  const name = config.getString('name');
  const auth = readAuth(config.getConfig('auth'), name);
  const url = config.getOptionalString('url');
  if (auth.type === 'serviceAccountToken' && !url) {
    throw new Error(
      `Cluster '${name}' authenticates by token file, so it needs a url`,
    );
  }
  const multiKueue = config.getOptionalConfig('multiKueue');
  return {
    name,
    url,
    caFile: config.getOptionalString('caFile'),
    caData: config.getOptionalString('caData'),
    skipTLSVerify: config.getOptionalBoolean('skipTLSVerify'),
    auth,
    ...(multiKueue && {
      multiKueue: {
        workers: multiKueue.getStringArray('workers'),
        admissionCheck:
          multiKueue.getOptionalString('admissionCheck') ??
          DEFAULT_MULTIKUEUE_ADMISSION_CHECK,
      },
    }),
  };
}

/**
 * MultiKueue managers and their workers: every worker is another
 * configured cluster, of one manager only, and no manager itself. A
 * worker runs pods for its manager's tenants and has none of its own.
 */
function checkMultiKueue(clusters: ClusterConfig[], queueMode: QueueMode) {
  const names = new Set(clusters.map(c => c.name));
  const workerOf = new Map<string, string>();
  for (const cluster of clusters) {
    if (!cluster.multiKueue) continue;
    const where = `tenantJobs.clusters '${cluster.name}'.multiKueue`;
    if (queueMode !== 'kueue') {
      throw new Error(
        `${where} needs tenantJobs.queue.mode kueue: MultiKueue dispatches Kueue's Workloads`,
      );
    }
    if (cluster.multiKueue.workers.length === 0) {
      throw new Error(`${where}.workers is empty: name at least one worker`);
    }
    if (!isDns1123Label(cluster.multiKueue.admissionCheck)) {
      throw new Error(
        `${where}.admissionCheck '${cluster.multiKueue.admissionCheck}' is not a valid object name`,
      );
    }
    for (const worker of cluster.multiKueue.workers) {
      if (!names.has(worker) || worker === cluster.name) {
        throw new Error(
          `${where}.workers: '${worker}' is not another configured cluster`,
        );
      }
      const other = workerOf.get(worker);
      if (other) {
        throw new Error(
          `${where}.workers: '${worker}' is already a worker of '${other}'`,
        );
      }
      workerOf.set(worker, cluster.name);
    }
  }
  for (const [worker, manager] of workerOf) {
    if (clusters.find(c => c.name === worker)?.multiKueue) {
      throw new Error(
        `tenantJobs.clusters '${worker}' is a worker of '${manager}' and cannot be a MultiKueue manager too`,
      );
    }
  }
  return workerOf;
}

function readPlan(id: string, config: Config): TenantPlan {
  const quota = config.getConfig('quota');
  return {
    id,
    maxTier: readTier(config, 'maxTier'),
    allowedJobTypes: config.getOptionalStringArray('allowedJobTypes'),
    maxConcurrentJobs: config.getOptionalNumber('maxConcurrentJobs'),
    maxPriority: config.getOptionalString('maxPriority') as
      | PriorityId
      | undefined,
    maxSchedules: config.getOptionalNumber('maxSchedules'),
    maxTriggers: config.getOptionalNumber('maxTriggers'),
    quota: {
      cpu: quota.getString('cpu'),
      memory: quota.getString('memory'),
      gpu: quota.getOptionalNumber('gpu'),
      pods: quota.getOptionalNumber('pods'),
      jobs: quota.getOptionalNumber('jobs'),
      highPriorityPods: quota.getOptionalNumber('highPriorityPods'),
    },
  };
}

function readPriorities(config: Config | undefined, key: string): PriorityId[] {
  const values = config?.getOptionalStringArray(key) ?? ['critical'];
  return values.map((value, i) => {
    if (!isPriorityId(value)) {
      throw new Error(
        `Invalid priority '${value}' at tenantJobs ${key}[${i}]: expected ${PRIORITY_IDS.join(
          ', ',
        )}`,
      );
    }
    return value;
  });
}

function readGroupRef(
  id: string,
  value: string | undefined,
  key = `tenantJobs.tenants.${id}.group`,
) {
  if (value === undefined) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch (error) {
    throw new Error(
      `${key} '${value}' is not an entity ref: ${(error as Error).message}`,
    );
  }
}

function readJobTypeOverride(config: Config): JobTypeOverride {
  return {
    enabled: config.getOptionalBoolean('enabled'),
    image: config.getOptionalString('image'),
    defaultTier: config.has('defaultTier')
      ? readTier(config, 'defaultTier')
      : undefined,
    allowedTiers: config
      .getOptionalStringArray('allowedTiers')
      ?.map((tier, i) => {
        if (!isTierId(tier)) {
          throw new Error(`Invalid tier '${tier}' at allowedTiers[${i}]`);
        }
        return tier;
      }),
    defaultDeadlineSeconds: config.getOptionalNumber('defaultDeadlineSeconds'),
    retries: config.getOptionalNumber('retries'),
  };
}

function positive(
  config: Config | undefined,
  key: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(
      `tenantJobs ${key} must be a positive number, got ${value}`,
    );
  }
  return value;
}

function readQueueMode(config: Config | undefined): QueueMode {
  const mode = config?.getOptionalString('queue.mode') ?? 'builtin';
  if (mode !== 'builtin' && mode !== 'kueue') {
    throw new Error(
      `Invalid tenantJobs.queue.mode '${mode}': expected builtin (the plugin's own queue) or kueue (Kueue installed in every cluster)`,
    );
  }
  return mode;
}

function readTriggerTopics(config: Config | undefined) {
  const topics = new Map<string, TriggerTopic>();
  (config?.getOptionalConfigArray('triggers.topics') ?? []).forEach(
    (entry, i) => {
      const where = `tenantJobs.triggers.topics[${i}]`;
      const topic = entry.getString('topic');
      const forbidden = forbiddenTriggerTopic(topic);
      if (forbidden) throw new Error(`${where}: ${forbidden}`);
      const tenantPath = entry.getOptionalString('tenantPath');
      const shared = entry.getOptionalBoolean('shared') ?? false;
      if (tenantPath !== undefined && !isTriggerPayloadPath(tenantPath)) {
        throw new Error(
          `${where}.tenantPath '${tenantPath}' is not a dotted path into the payload, e.g. 'tenantId' or 'dataset.tenant'`,
        );
      }
      if ((tenantPath === undefined) === !shared) {
        throw new Error(
          `${where} ('${topic}'): say whose its events are, with either tenantPath (the payload field holding the tenant id; rules then see only their own tenant's events) or shared: true (events of no tenant, seen by every tenant's rules)`,
        );
      }
      if (topics.has(topic)) {
        throw new Error(`${where}: topic '${topic}' is listed twice`);
      }
      const idPath = entry.getOptionalString('idPath');
      if (idPath !== undefined && !isTriggerPayloadPath(idPath)) {
        throw new Error(
          `${where}.idPath '${idPath}' is not a dotted path into the payload, e.g. 'delivery.id'`,
        );
      }
      topics.set(topic, {
        topic,
        tenantPath,
        shared,
        description: entry.getOptionalString('description'),
        idPath,
        idMetadata: entry
          .getOptionalString('idMetadata')
          ?.toLocaleLowerCase('en-US'),
      });
    },
  );
  return topics;
}

/** Reads and checks `tenantJobs`; throws with what to fix when invalid. */
export function readTenantJobsConfig(root: Config): TenantJobsConfig {
  const config = root.getOptionalConfig('tenantJobs');
  const namespacePattern =
    config?.getOptionalString('namespacePattern') ?? DEFAULT_NAMESPACE_PATTERN;
  // Fails early on a pattern that cannot yield a valid namespace name.
  try {
    tenantNamespaceName(namespacePattern, 'probe-tenant');
  } catch (error) {
    throw new Error(`tenantJobs.namespacePattern: ${(error as Error).message}`);
  }
  const reservedTenantIds =
    config?.getOptionalStringArray('reservedTenantIds') ?? [];

  const clusters = (config?.getOptionalConfigArray('clusters') ?? []).map(
    readCluster,
  );
  if (clusters.length === 0) {
    throw new Error(
      'tenantJobs.clusters is empty: configure at least one cluster (see the plugin README)',
    );
  }
  const names = new Set(clusters.map(c => c.name));
  if (names.size !== clusters.length) {
    throw new Error('tenantJobs.clusters has two clusters with the same name');
  }
  const queueMode = readQueueMode(config);
  const workerOf = checkMultiKueue(clusters, queueMode);
  const defaultCluster =
    config?.getOptionalString('defaultCluster') ??
    clusters.find(c => !workerOf.has(c.name))!.name;
  if (!names.has(defaultCluster)) {
    throw new Error(
      `tenantJobs.defaultCluster '${defaultCluster}' is not among the clusters: ${[
        ...names,
      ].join(', ')}`,
    );
  }
  if (workerOf.has(defaultCluster)) {
    throw new Error(
      `tenantJobs.defaultCluster '${defaultCluster}' is a MultiKueue worker of '${workerOf.get(
        defaultCluster,
      )}': tenants run on the manager`,
    );
  }

  const plansConfig = config?.getOptionalConfig('plans');
  const plans = new Map<string, TenantPlan>();
  for (const id of plansConfig?.keys() ?? []) {
    const plan = readPlan(id, plansConfig!.getConfig(id));
    const problems = validateTenantPlan(plan);
    if (problems.length > 0) {
      throw new Error(`tenantJobs.plans.${id}: ${problems.join('; ')}`);
    }
    plans.set(id, plan);
  }
  if (plans.size === 0) {
    throw new Error('tenantJobs.plans is empty: configure at least one plan');
  }
  const defaultPlan =
    config?.getOptionalString('defaultPlan') ?? [...plans.keys()][0];
  if (!plans.has(defaultPlan)) {
    throw new Error(
      `tenantJobs.defaultPlan '${defaultPlan}' is not a configured plan`,
    );
  }

  const tenants = new Map<string, TenantOverride>();
  const tenantsConfig = config?.getOptionalConfig('tenants');
  for (const id of tenantsConfig?.keys() ?? []) {
    const entry = tenantsConfig!.getConfig(id);
    const reserved = reservedNameMatch(id, reservedTenantIds);
    if (reserved) {
      throw new Error(
        `tenantJobs.tenants.${id}: the tenant id is reserved (${reserved})`,
      );
    }
    const plan = entry.getOptionalString('plan');
    const cluster = entry.getOptionalString('cluster');
    if (plan && !plans.has(plan)) {
      throw new Error(
        `tenantJobs.tenants.${id}.plan '${plan}' is not a configured plan`,
      );
    }
    if (cluster && !names.has(cluster)) {
      throw new Error(
        `tenantJobs.tenants.${id}.cluster '${cluster}' is not a configured cluster`,
      );
    }
    if (cluster && workerOf.has(cluster)) {
      throw new Error(
        `tenantJobs.tenants.${id}.cluster '${cluster}' is a MultiKueue worker of '${workerOf.get(
          cluster,
        )}': pin the tenant to the manager`,
      );
    }
    tenants.set(id, {
      plan,
      cluster,
      group: readGroupRef(id, entry.getOptionalString('group')),
    });
  }

  const trustedGroupLocations =
    config?.getOptionalStringArray('trustedGroupLocations') ?? [];

  const jobTypes = new Map<string, JobTypeOverride>();
  const jobTypesConfig = config?.getOptionalConfig('jobTypes');
  for (const id of jobTypesConfig?.keys() ?? []) {
    jobTypes.set(id, readJobTypeOverride(jobTypesConfig!.getConfig(id)));
  }

  return {
    namespacePattern,
    clusters,
    defaultCluster,
    plans,
    defaultPlan,
    tenants,
    reservedTenantIds,
    trustedGroupLocations,
    adminGroups: (config?.getOptionalStringArray('adminGroups') ?? []).map(
      (ref, i) => readGroupRef('', ref, `tenantJobs.adminGroups[${i}]`)!,
    ),
    trustedEntityLocations:
      config?.getOptionalStringArray('trustedEntityLocations') ??
      trustedGroupLocations,
    triggerTopics: readTriggerTopics(config),
    preemptingPriorities: readPriorities(config, 'priorities.preempting'),
    jobTypes,
    ttlSecondsAfterFinished:
      config?.getOptionalNumber('ttlSecondsAfterFinished') ?? ONE_DAY,
    queue: {
      maxQueuedPerTenant: positive(config, 'queue.maxQueuedPerTenant', 100),
      mode: queueMode,
    },
    tracking: {
      reconcileIntervalSeconds: positive(
        config,
        'tracking.reconcileIntervalSeconds',
        30,
      ),
      logTailBytes: positive(config, 'tracking.logTailBytes', 64 * 1024),
    },
    notifications: {
      enabled: config?.getOptionalBoolean('notifications.enabled') ?? true,
      notifyTenantGroup:
        config?.getOptionalBoolean('notifications.notifyTenantGroup') ?? false,
      longRunSeconds: positive(config, 'notifications.longRunSeconds', 3600),
    },
    retention: {
      runDays: positive(config, 'retention.runDays', 90),
      logDays: positive(config, 'retention.logDays', 30),
      auditDays: positive(config, 'retention.auditDays', 365),
    },
  };
}
