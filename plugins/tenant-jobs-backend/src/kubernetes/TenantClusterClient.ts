import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  CoreV1Event,
  KubernetesObject,
  PatchStrategy,
  V1Job,
} from '@kubernetes/client-node';
import {
  buildPriorityClasses,
  buildTenantObjects,
  TENANT_QUOTA_NAME,
  TenantPlan,
  tenantNamespaceName,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { createHash } from 'node:crypto';
import { ClusterConfig } from '../config/readConfig';
import { toClusterError } from './errors';
import { createClusterApis, KubernetesApis } from './kubernetesApis';
import { podSecurityWarnings, readWarnings } from './warnings';

/** The field manager of everything the backend applies or creates. */
export const FIELD_MANAGER = 'tenant-jobs';

/** How long a provisioned tenant is trusted before it is applied again. */
export const DEFAULT_PROVISION_TTL_MS = 5 * 60_000;

/** A tenant ResourceQuota: its limits and what is in use. */
export type TenantQuotaUsage = {
  hard: Record<string, string>;
  used: Record<string, string>;
};

/** An event about a Job, e.g. `FailedCreate` when its pod was refused. */
export type JobEvent = {
  type: string;
  reason: string;
  message: string;
  count: number;
  /** When it was last seen, if the cluster says. */
  lastSeen?: Date;
};

/**
 * One configured cluster, seen through the backend's least-privilege
 * ClusterRole (deploy/clusterrole.yaml). Every failure is one of the
 * `@backstage/errors` types described at `toClusterError`.
 */
export interface TenantClusterClient {
  /** The configured cluster name. */
  readonly name: string;

  /**
   * Server-side applies the five `tenant-jobs-<priority>` PriorityClasses.
   * Runs once per process; a failed attempt is retried on the next call.
   */
  ensurePriorityClasses(): Promise<void>;

  /**
   * Idempotently server-side applies the tenant's namespace, quota, limit
   * range, network policy and runner ServiceAccount (namespace first) and
   * returns the namespace name. Skipped for a few minutes after a success
   * with the same objects; always safe to call.
   */
  provisionTenant(
    tenantId: string,
    plan: TenantPlan,
    namespacePattern: string,
  ): Promise<string>;

  /**
   * Creates the Job in `job.metadata.namespace`. With `dryRun` the
   * apiserver runs all admission (quota on `count/jobs.batch`, validation,
   * webhooks) but persists nothing. Either way, a pod template that the
   * namespace's Pod Security level would refuse (PSA only warns on Jobs
   * and enforces on pods) fails with an InputError before anything exists:
   * a real create is preceded by a dry run for that. Quota on cpu, memory
   * and pods is charged to pods, not Jobs: a Job that passes may still get
   * no pod, which `listJobEvents` explains.
   */
  createJob(job: V1Job, options: { dryRun: boolean }): Promise<V1Job>;

  /** The Job, or undefined when it (or its namespace) does not exist. */
  getJob(namespace: string, name: string): Promise<V1Job | undefined>;

  /** Deletes the Job and, in the background, its pods; fine if gone. */
  deleteJob(namespace: string, name: string): Promise<void>;

  /** The tenant ResourceQuota's limits and usage, or undefined if absent. */
  getQuota(namespace: string): Promise<TenantQuotaUsage | undefined>;

  /**
   * Events about the Job, oldest first: why it has no pod (`FailedCreate`
   * with the quota or Pod Security refusal), `SuccessfulCreate`,
   * `DeadlineExceeded`, `BackoffLimitExceeded`, ...
   */
  listJobEvents(namespace: string, jobName: string): Promise<JobEvent[]>;
}

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

/** {@link TenantClusterClient} on @kubernetes/client-node. */
export class KubernetesTenantClusterClient implements TenantClusterClient {
  /** A client for a cluster of tenantJobs.clusters. */
  static fromConfig(
    cluster: ClusterConfig,
    options: { logger: LoggerService; requestTimeoutMs?: number },
  ): KubernetesTenantClusterClient {
    return new KubernetesTenantClusterClient({
      name: cluster.name,
      apis: createClusterApis(cluster, {
        requestTimeoutMs: options.requestTimeoutMs,
      }),
      logger: options.logger,
    });
  }

  readonly name: string;
  private readonly currentApis: () => KubernetesApis;
  private readonly logger: LoggerService;
  private readonly provisionTtlMs: number;
  private priorityClasses?: Promise<void>;
  /** By namespace: what was last applied there, and when. */
  private readonly provisioned = new Map<string, Provisioned>();

  constructor(options: {
    name: string;
    /** The APIs, or a function returning the current ones per call. */
    apis: KubernetesApis | (() => KubernetesApis);
    logger: LoggerService;
    provisionTtlMs?: number;
  }) {
    this.name = options.name;
    const apis = options.apis;
    this.currentApis = typeof apis === 'function' ? apis : () => apis;
    this.logger = options.logger;
    this.provisionTtlMs = options.provisionTtlMs ?? DEFAULT_PROVISION_TTL_MS;
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
        throw error;
      }
    }
  }

  ensurePriorityClasses(): Promise<void> {
    if (!this.priorityClasses) {
      this.priorityClasses = this.apply(
        buildPriorityClasses() as KubernetesObject[],
      ).then(
        () => this.logger.info('Applied the tenant-jobs PriorityClasses'),
        error => {
          this.priorityClasses = undefined; // the next call tries again
          throw error;
        },
      );
    }
    return this.priorityClasses;
  }

  async provisionTenant(
    tenantId: string,
    plan: TenantPlan,
    namespacePattern: string,
  ): Promise<string> {
    const namespace = tenantNamespaceName(namespacePattern, tenantId);
    const objects = buildTenantObjects(tenantId, plan, {
      namespacePattern,
    }) as KubernetesObject[];
    const hash = createHash('sha256')
      .update(JSON.stringify(objects))
      .digest('hex');
    const known = this.provisioned.get(namespace);
    if (
      known &&
      known.hash === hash &&
      Date.now() - known.at < this.provisionTtlMs
    ) {
      await known.done; // shares an apply still under way
      return namespace;
    }
    const entry: Provisioned = {
      hash,
      at: Date.now(),
      done: this.apply(objects),
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

    // A Job's pod template is only warned about by Pod Security; its pods
    // would be refused later, leaving a Job that never runs. The dry run
    // surfaces the warning while nothing exists yet.
    const dryRun = await create(true);
    const refusal = podSecurityWarnings(dryRun.warnings);
    if (refusal.length > 0) {
      throw new InputError(
        `Cluster '${
          this.name
        }' would refuse the pods of Job ${name}: namespace ${namespace} enforces Pod Security and ${refusal.join(
          '; ',
        )}`,
      );
    }
    const result = options.dryRun ? dryRun : await create(false);
    for (const warning of result.warnings) {
      this.logger.warn(`Job ${namespace}/${name}: ${warning}`);
    }
    return result.data;
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

  async listJobEvents(namespace: string, jobName: string): Promise<JobEvent[]> {
    const list = await this.call(
      `list the events of Job ${jobName} in ${namespace}`,
      () =>
        this.apis.core.listNamespacedEvent({
          namespace,
          fieldSelector: `involvedObject.kind=Job,involvedObject.name=${jobName}`,
        }),
    );
    return list.items
      .map(event => ({
        type: event.type ?? 'Normal',
        reason: event.reason ?? '',
        message: event.message ?? '',
        count: event.series?.count ?? event.count ?? 1,
        lastSeen: eventTime(event),
      }))
      .sort(
        (a, b) => (a.lastSeen?.getTime() ?? 0) - (b.lastSeen?.getTime() ?? 0),
      );
  }
}
