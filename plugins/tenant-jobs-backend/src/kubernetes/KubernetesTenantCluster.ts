import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  isError,
  NotFoundError,
} from '@backstage/errors';
import {
  CoreV1Event,
  KubernetesObject,
  PatchStrategy,
  V1CronJob,
  V1Job,
  V1Pod,
  V1PriorityClass,
} from '@kubernetes/client-node';
import { Writable } from 'node:stream';
import {
  buildKueueSharedObjects,
  buildKueueTenantQueues,
  buildPriorityClasses,
  buildTenantObjects,
  buildTenantReaderRoleBinding,
  managedLabelSelector,
  PriorityId,
  TENANT_JOBS_LABELS,
  TENANT_JOBS_MANAGED_BY,
  TenantJobEvent,
  TENANT_QUOTA_NAME,
  TenantPlan,
  tenantNamespaceName,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { createHash } from 'node:crypto';
import { ClusterConfig, QueueMode } from '../config/readConfig';
import {
  TenantCluster,
  KueueWorkload,
  ManagedObjectsHandler,
  ManagedObjectsWatch,
  TenantQuotaUsage,
} from '../cluster/TenantCluster';
import { KubernetesRequestObserver } from './kubernetesRequests';
import { toClusterError } from './errors';
import { createClusterApis, KubernetesApis } from './kubernetesApis';
import { listNamespaceWorkloads } from './kueueWorkloads';
import { podSecurityWarnings, readWarnings } from './warnings';
import { slim, watchManaged } from './managedObjects';
import { readLogTail, streamLog } from './podLogs';

/** The field manager of everything the backend applies or creates. */
export const FIELD_MANAGER = 'tenant-jobs';

/** How long a provisioned tenant is trusted before it is applied again. */
export const DEFAULT_PROVISION_TTL_MS = 5 * 60_000;

/**
 * How long provisioning waits for the tenant reader RoleBinding to reach
 * the apiserver's authorizer (usually well under a second).
 */
export const DEFAULT_READ_ACCESS_WAIT_MS = 5_000;

type Provisioned = { hash: string; at: number; done: Promise<void> };

/**
 * The object as it should be applied. A NetworkPolicy's empty `ingress` or
 * `egress` list means the same as none when `policyTypes` names it (deny
 * all), but the apiserver stores it as absent, so applying `[]` rewrites
 * the object on every apply (a new resourceVersion, a watch event for
 * every network policy controller). It is left out instead.
 */
export function forApply(object: KubernetesObject): KubernetesObject {
  if (object.kind !== 'NetworkPolicy') return object;
  const policy = object as KubernetesObject & {
    spec?: { policyTypes?: string[]; ingress?: unknown[]; egress?: unknown[] };
  };
  const spec = { ...policy.spec };
  for (const [key, type] of [
    ['ingress', 'Ingress'],
    ['egress', 'Egress'],
  ] as const) {
    if (spec[key]?.length === 0 && spec.policyTypes?.includes(type)) {
      delete spec[key];
    }
  }
  return { ...policy, spec } as KubernetesObject;
}

/** Whether the object is one of Kueue's (kueue queue mode). */
function isKueueObject(object: KubernetesObject): boolean {
  return object.apiVersion?.startsWith('kueue.x-k8s.io/') ?? false;
}

function eventTime(event: CoreV1Event): Date | undefined {
  const seen =
    event.series?.lastObservedTime ??
    event.lastTimestamp ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata?.creationTimestamp;
  if (seen === undefined) return undefined;
  const date = seen instanceof Date ? seen : new Date(seen);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * One configured cluster, seen through the backend's least-privilege
 * ClusterRoles (deploy/clusterrole.yaml) and confined by the apiserver
 * (deploy/validatingadmissionpolicy.yaml): the Kubernetes adapter of the
 * {@link TenantCluster} port, on @kubernetes/client-node. Every failure is one of the
 * `@backstage/errors` types described at `toClusterError`.
 */
export class KubernetesTenantCluster implements TenantCluster {
  /** A client for a cluster of tenantJobs.clusters. */
  static fromConfig(
    cluster: ClusterConfig,
    options: {
      logger: LoggerService;
      requestTimeoutMs?: number;
      /** Told of every apiserver request when it ends. */
      observe?: KubernetesRequestObserver;
      /** `kueue`: provision Kueue's queues too (tenantJobs.queue.mode). */
      queueMode?: QueueMode;
    },
  ): KubernetesTenantCluster {
    return new KubernetesTenantCluster({
      name: cluster.name,
      apis: createClusterApis(cluster, {
        requestTimeoutMs: options.requestTimeoutMs,
        observe: options.observe,
      }),
      logger: options.logger,
      queueMode: options.queueMode,
      multiKueueAdmissionCheck: cluster.multiKueue?.admissionCheck,
    });
  }

  readonly name: string;
  private readonly currentApis: () => KubernetesApis;
  private readonly logger: LoggerService;
  private readonly provisionTtlMs: number;
  private readonly readAccessWaitMs: number;
  private readonly queueMode: QueueMode;
  private readonly multiKueueAdmissionCheck?: string;
  private priorityClasses?: Promise<void>;
  /**
   * The backend's user name per set of APIs (a reloaded kubeconfig may
   * hold other credentials), from a SelfSubjectReview.
   */
  private readonly usernames = new WeakMap<KubernetesApis, Promise<string>>();
  /** By namespace: what was last applied there, and when. */
  private readonly provisioned = new Map<string, Provisioned>();

  constructor(options: {
    name: string;
    /** The APIs, or a function returning the current ones per call. */
    apis: KubernetesApis | (() => KubernetesApis);
    logger: LoggerService;
    provisionTtlMs?: number;
    readAccessWaitMs?: number;
    /**
     * `kueue`: the tenant's ClusterQueue and LocalQueue are provisioned
     * with its namespace, the ResourceFlavor and WorkloadPriorityClasses
     * with the PriorityClasses. `builtin` by default.
     */
    queueMode?: QueueMode;
    /**
     * On a MultiKueue manager: the AdmissionCheck its tenants'
     * ClusterQueues use, which dispatches their Workloads to a worker.
     */
    multiKueueAdmissionCheck?: string;
  }) {
    this.name = options.name;
    this.multiKueueAdmissionCheck = options.multiKueueAdmissionCheck;
    const apis = options.apis;
    this.currentApis = typeof apis === 'function' ? apis : () => apis;
    this.logger = options.logger;
    this.provisionTtlMs = options.provisionTtlMs ?? DEFAULT_PROVISION_TTL_MS;
    this.readAccessWaitMs =
      options.readAccessWaitMs ?? DEFAULT_READ_ACCESS_WAIT_MS;
    this.queueMode = options.queueMode ?? 'builtin';
  }

  private get apis(): KubernetesApis {
    return this.currentApis();
  }

  private async call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toClusterError(error, { cluster: this.name, action });
    }
  }

  /** Like `call`, but a 404 is `undefined`. */
  private async find<T>(
    action: string,
    fn: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await this.call(action, fn);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * Server-side applies the objects one by one, in order. A refusal here
   * is never the user's fault (the objects come from validated config), so
   * 4xx input errors become plain errors (500) naming the object.
   */
  private async apply(objects: KubernetesObject[]): Promise<void> {
    for (const object of objects) {
      const what = `${object.kind} ${
        object.metadata?.namespace ? `${object.metadata.namespace}/` : ''
      }${object.metadata?.name}`;
      try {
        await this.call(`apply ${what}`, () =>
          this.apis.objects.patch(
            forApply(object),
            undefined,
            undefined,
            FIELD_MANAGER,
            true,
            PatchStrategy.ServerSideApply,
          ),
        );
      } catch (error) {
        if (error instanceof InputError) {
          throw new Error(
            `Cannot provision ${what} in cluster '${this.name}': ${error.message}`,
          );
        }
        if (error instanceof NotFoundError && isKueueObject(object)) {
          throw new Error(
            `Cannot provision ${what} in cluster '${this.name}': Kueue's API is not installed there, and tenantJobs.queue.mode is kueue. Install Kueue in the cluster or set the mode to builtin. (${error.message})`,
          );
        }
        throw error;
      }
    }
  }

  ensurePriorityClasses(
    options: { preempting?: readonly PriorityId[] } = {},
  ): Promise<void> {
    if (!this.priorityClasses) {
      const wanted = buildPriorityClasses(options);
      this.priorityClasses = this.apply(wanted as KubernetesObject[])
        .catch(error => this.explainPriorityClassConflict(wanted, error))
        .then(() =>
          // The ResourceFlavor and the WorkloadPriorityClasses, once too.
          this.queueMode === 'kueue'
            ? this.apply(buildKueueSharedObjects())
            : undefined,
        )
        .then(
          () => this.logger.info('Applied the tenant-jobs PriorityClasses'),
          error => {
            this.priorityClasses = undefined; // the next call tries again
            throw error;
          },
        );
    }
    return this.priorityClasses;
  }

  /**
   * A PriorityClass's value and preemption policy cannot change. When an
   * existing class differs from config, say so (jobs still use it) rather
   * than refuse every submission; anything else fails as it was.
   */
  private async explainPriorityClassConflict(
    wanted: V1PriorityClass[],
    error: unknown,
  ): Promise<void> {
    // Only a refused apply can be a conflict; an unreachable cluster is not.
    if (!isError(error) || error.name === 'ServiceUnavailableError') {
      throw error;
    }
    const differing: string[] = [];
    for (const priorityClass of wanted) {
      const name = priorityClass.metadata!.name!;
      const existing = (await this.find(`read PriorityClass ${name}`, () =>
        this.apis.objects.read({
          apiVersion: 'scheduling.k8s.io/v1',
          kind: 'PriorityClass',
          metadata: { name },
        }),
      )) as V1PriorityClass | undefined;
      if (
        existing &&
        (existing.preemptionPolicy !== priorityClass.preemptionPolicy ||
          existing.value !== priorityClass.value)
      ) {
        differing.push(
          `${name} (preemptionPolicy ${existing.preemptionPolicy}, value ${existing.value}; configured ${priorityClass.preemptionPolicy}, ${priorityClass.value})`,
        );
      }
    }
    if (differing.length === 0) throw error;
    this.logger.error(
      `PriorityClasses in cluster '${
        this.name
      }' differ from tenantJobs.priorities and cannot be changed in place: ${differing.join(
        '; ',
      )}. Delete them (kubectl delete priorityclass <name>) and the backend creates them again as configured.`,
    );
  }

  /**
   * The user name the apiserver knows the backend by, e.g.
   * `system:serviceaccount:backstage:backstage`; asked once per set of
   * APIs.
   */
  private username(): Promise<string> {
    const apis = this.apis;
    let username = this.usernames.get(apis);
    if (!username) {
      username = this.call('review its own identity', () =>
        apis.authentication.createSelfSubjectReview({ body: {} }),
      ).then(review => {
        const name = review.status?.userInfo?.username;
        if (!name) {
          throw new Error(
            `Cluster '${this.name}' did not say who the Tenant Jobs backend is: its SelfSubjectReview has no user name`,
          );
        }
        return name;
      });
      username.catch(() => this.usernames.delete(apis));
      this.usernames.set(apis, username);
    }
    return username;
  }

  /**
   * Refuses, changing nothing, to provision into a namespace that exists
   * but is not this tenant's Tenant Jobs namespace. The apiserver's
   * confinement policy would refuse the writes too, but only object by
   * object and without saying which tenant.
   */
  private async checkNamespaceOwner(
    tenantId: string,
    namespace: string,
  ): Promise<void> {
    const existing = await this.find(`read Namespace ${namespace}`, () =>
      this.apis.core.readNamespace({ name: namespace }),
    );
    if (!existing) return;
    const labels = existing.metadata?.labels ?? {};
    const managedBy = labels[TENANT_JOBS_LABELS.managedBy];
    const owner = labels[TENANT_JOBS_LABELS.tenant];
    if (managedBy === TENANT_JOBS_MANAGED_BY && owner === tenantId) return;
    const found = [
      `${TENANT_JOBS_LABELS.managedBy}=${managedBy ?? '(none)'}`,
      `${TENANT_JOBS_LABELS.tenant}=${owner ?? '(none)'}`,
    ].join(', ');
    throw new ConflictError(
      `Cannot provision tenant '${tenantId}' in cluster '${this.name}': namespace ${namespace} exists and is not managed by Tenant Jobs for this tenant (${found}). ` +
        `It was left unchanged. Tenant Jobs does not take over namespaces it did not create: ` +
        `choose another namespace pattern or tenant id, or have a cluster administrator remove the namespace.`,
    );
  }

  /**
   * Waits until the tenant reader RoleBinding grants the backend the
   * events of the namespace, so that a log or event read right after
   * provisioning is not refused while RBAC catches up. Gives up quietly
   * (with a warning) after `readAccessWaitMs`: the reads say why if they
   * are still refused.
   */
  private async awaitReadAccess(namespace: string): Promise<void> {
    const deadline = Date.now() + this.readAccessWaitMs;
    for (let delayMs = 50; ; delayMs = Math.min(delayMs * 2, 500)) {
      const review = await this.call(
        `check read access to events in ${namespace}`,
        () =>
          this.apis.authorization.createSelfSubjectAccessReview({
            body: {
              spec: {
                resourceAttributes: {
                  namespace,
                  verb: 'list',
                  resource: 'events',
                },
              },
            },
          }),
      );
      if (review.status?.allowed) return;
      if (Date.now() >= deadline) {
        this.logger.warn(
          `The tenant reader RoleBinding in namespace ${namespace} of cluster '${this.name}' does not grant the backend its events yet; ` +
            `pod logs and events of this tenant may be refused until RBAC catches up`,
        );
        return;
      }
      await new Promise(resolve => setTimeout(resolve, delayMs));
    }
  }

  private async provision(
    tenantId: string,
    namespace: string,
    objects: KubernetesObject[],
  ): Promise<void> {
    await this.checkNamespaceOwner(tenantId, namespace);
    const username = await this.username();
    // The RoleBinding last: the confinement policy admits it only in a
    // namespace already labelled as this tenant's.
    await this.apply([
      ...objects,
      buildTenantReaderRoleBinding(
        tenantId,
        namespace,
        username,
      ) as KubernetesObject,
    ]);
    await this.awaitReadAccess(namespace);
  }

  async provisionTenant(
    tenantId: string,
    plan: TenantPlan,
    namespacePattern: string,
    options: { maxAgeMs?: number } = {},
  ): Promise<string> {
    const maxAgeMs = options.maxAgeMs ?? this.provisionTtlMs;
    const namespace = tenantNamespaceName(namespacePattern, tenantId);
    const objects = [
      ...buildTenantObjects(tenantId, plan, { namespacePattern }),
      // After the Namespace: the confinement policy admits a LocalQueue
      // only in a namespace labelled as the tenant's.
      ...(this.queueMode === 'kueue'
        ? buildKueueTenantQueues(tenantId, plan, {
            namespacePattern,
            admissionCheck: this.multiKueueAdmissionCheck,
          })
        : []),
    ] as KubernetesObject[];
    const hash = createHash('sha256')
      .update(JSON.stringify(objects))
      .digest('hex');
    const known = this.provisioned.get(namespace);
    if (known && known.hash === hash && Date.now() - known.at < maxAgeMs) {
      await known.done; // shares an apply still under way
      return namespace;
    }
    const entry: Provisioned = {
      hash,
      at: Date.now(),
      done: this.provision(tenantId, namespace, objects),
    };
    this.provisioned.set(namespace, entry);
    try {
      await entry.done;
    } catch (error) {
      if (this.provisioned.get(namespace) === entry) {
        this.provisioned.delete(namespace);
      }
      throw error;
    }
    this.logger.debug(
      `Applied tenant '${tenantId}' (plan '${plan.id}') to namespace ${namespace}`,
    );
    return namespace;
  }

  async createJob(job: V1Job, options: { dryRun: boolean }): Promise<V1Job> {
    const namespace = job.metadata?.namespace;
    const name = job.metadata?.name;
    if (!namespace || !name) {
      throw new Error('createJob needs a Job with a name and a namespace');
    }
    const create = async (dryRun: boolean) => {
      const action = `${
        dryRun ? 'dry-run ' : ''
      }create Job ${name} in ${namespace}`;
      try {
        const response = await this.call(action, () =>
          this.apis.batch.createNamespacedJobWithHttpInfo({
            namespace,
            body: job,
            dryRun: dryRun ? 'All' : undefined,
            fieldManager: FIELD_MANAGER,
          }),
        );
        return { data: response.data, warnings: readWarnings(response) };
      } catch (error) {
        if (error instanceof NotFoundError) {
          // Its namespace is gone: provision again on the next submit.
          this.provisioned.delete(namespace);
        }
        throw error;
      }
    };

    // The builder checks the restricted Pod Security profile
    // (restrictedPodSecurityViolations), so a real create needs no dry run
    // before it. Should the namespace still warn (a stricter or older
    // admission), the Job would never get a pod: it is removed at once.
    const result = await create(options.dryRun);
    const refusal = podSecurityWarnings(result.warnings);
    if (refusal.length > 0) {
      if (!options.dryRun) await this.deleteJob(namespace, name);
      throw new InputError(
        `Cluster '${
          this.name
        }' would refuse the pods of Job ${name}: namespace ${namespace} enforces Pod Security and ${refusal.join(
          '; ',
        )}`,
      );
    }
    for (const warning of result.warnings) {
      this.logger.warn(`Job ${namespace}/${name}: ${warning}`);
    }
    return result.data;
  }

  async namespaceLabels(
    namespace: string,
  ): Promise<Record<string, string> | undefined> {
    const found = await this.find(`read namespace ${namespace}`, () =>
      this.apis.core.readNamespace({ name: namespace }),
    );
    return found ? found.metadata?.labels ?? {} : undefined;
  }

  getJob(namespace: string, name: string): Promise<V1Job | undefined> {
    return this.find(`read Job ${name} in ${namespace}`, () =>
      this.apis.batch.readNamespacedJob({ namespace, name }),
    );
  }

  async deleteJob(namespace: string, name: string): Promise<void> {
    // Background: the Job goes at once, the garbage collector then deletes
    // its pods, each with its termination grace period.
    await this.find(`delete Job ${name} in ${namespace}`, () =>
      this.apis.batch.deleteNamespacedJob({
        namespace,
        name,
        propagationPolicy: 'Background',
      }),
    );
  }

  async applyCronJob(cronJob: V1CronJob): Promise<V1CronJob> {
    const { name, namespace } = cronJob.metadata!;
    // Unlike provisioning, a refusal (e.g. a time zone the cluster does not
    // know) is the caller's to fix: it stays a 4xx.
    return (await this.call(`apply CronJob ${name} in ${namespace}`, () =>
      this.apis.objects.patch(
        forApply(cronJob as KubernetesObject),
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      ),
    )) as V1CronJob;
  }

  async deleteCronJob(namespace: string, name: string): Promise<void> {
    // Its Jobs stay: they are runs, tracked and retained like any other.
    await this.find(`delete CronJob ${name} in ${namespace}`, () =>
      this.apis.batch.deleteNamespacedCronJob({
        namespace,
        name,
        propagationPolicy: 'Orphan',
      }),
    );
  }

  async resumeJob(namespace: string, name: string): Promise<boolean> {
    const resumed = await this.find(`resume Job ${name} in ${namespace}`, () =>
      this.apis.objects.patch(
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name, namespace },
          spec: { suspend: false },
        } as KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
        undefined,
        PatchStrategy.MergePatch,
      ),
    );
    return resumed !== undefined;
  }

  async getQuota(namespace: string): Promise<TenantQuotaUsage | undefined> {
    const quota = await this.find(
      `read ResourceQuota ${TENANT_QUOTA_NAME} in ${namespace}`,
      () =>
        this.apis.core.readNamespacedResourceQuota({
          namespace,
          name: TENANT_QUOTA_NAME,
        }),
    );
    if (!quota) return undefined;
    return {
      // The quota controller fills status shortly after creation.
      hard: { ...(quota.status?.hard ?? quota.spec?.hard) },
      used: { ...quota.status?.used },
    };
  }

  listWorkloads(namespace: string): Promise<KueueWorkload[]> {
    return this.call(`list the Kueue Workloads in ${namespace}`, () =>
      listNamespaceWorkloads(this.apis, namespace),
    );
  }

  async listManagedJobs(): Promise<V1Job[]> {
    const jobs: V1Job[] = [];
    let continueToken: string | undefined;
    do {
      const params = {
        labelSelector: managedLabelSelector(),
        limit: 500,
        _continue: continueToken,
      };
      const page = await this.call('list managed Jobs', () =>
        this.apis.batch.listJobForAllNamespaces(params),
      );
      jobs.push(...page.items.map(slim));
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken);
    return jobs;
  }

  watchJobs(handler: ManagedObjectsHandler<V1Job>): ManagedObjectsWatch {
    return watchManaged<V1Job>('jobs', {
      cluster: this.name,
      apis: () => this.apis,
      handler,
      logger: this.logger,
    });
  }

  watchPods(handler: ManagedObjectsHandler<V1Pod>): ManagedObjectsWatch {
    return watchManaged<V1Pod>('pods', {
      cluster: this.name,
      apis: () => this.apis,
      handler,
      logger: this.logger,
    });
  }

  async listRunEvents(
    namespace: string,
    jobName: string,
    podNames: readonly string[],
  ): Promise<TenantJobEvent[]> {
    // One small, field-selected list per object: listing the namespace's
    // events and filtering here cost more than everything else a run needs
    // (measured with hundreds of runs finishing).
    const objects = [
      { kind: 'Job', name: jobName },
      ...podNames.map(name => ({ kind: 'Pod', name })),
    ];
    const lists = await Promise.all(
      objects.map(object =>
        this.call(
          `list the events of ${object.kind} ${object.name} in ${namespace}`,
          () =>
            this.apis.core.listNamespacedEvent({
              namespace,
              fieldSelector: `involvedObject.kind=${object.kind},involvedObject.name=${object.name}`,
              limit: 200,
            }),
        ),
      ),
    );
    return lists
      .flatMap(list => list.items)
      .map(event => ({
        type: event.type ?? 'Normal',
        reason: event.reason ?? '',
        message: event.message ?? '',
        objectKind: event.involvedObject?.kind ?? '',
        objectName: event.involvedObject?.name ?? '',
        count: event.series?.count ?? event.count ?? 1,
        lastSeen: eventTime(event)?.toISOString(),
      }))
      .sort((a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? ''));
  }

  readPodLog(
    namespace: string,
    pod: string,
    options: { limitBytes: number },
  ): Promise<{ log: string; truncated: boolean } | undefined> {
    return this.find(`read the log of pod ${pod} in ${namespace}`, () =>
      readLogTail(this.apis, namespace, pod, options.limitBytes),
    );
  }

  async streamPodLog(
    namespace: string,
    pod: string,
    out: Writable,
    options: { follow: boolean; tailLines?: number; signal?: AbortSignal },
  ): Promise<boolean> {
    const found = await this.find(
      `stream the log of pod ${pod} in ${namespace}`,
      async () => {
        await streamLog(this.apis, namespace, pod, out, options);
        return true;
      },
    );
    return found ?? false;
  }
}
