/*
 * What the service layer needs of a cluster. The service owns these
 * interfaces; the Kubernetes adapter (kubernetes/KubernetesTenantCluster)
 * implements them, and tests stand in small fakes.
 */
import type { V1CronJob, V1Job, V1Pod } from '@kubernetes/client-node';
import type {
  PriorityId,
  TenantJobEvent,
  TenantPlan,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type { Writable } from 'node:stream';

/** A tenant ResourceQuota: its limits and what is in use. */
/**
 * The cluster refused the backend a read of pod logs or events in a
 * namespace that is not one of its tenant namespaces (its reader role is
 * bound in those only). Thrown by `TenantCluster` reads; a 500 to callers.
 */
export class NamespaceNotReadableError extends Error {
  override readonly name = 'NamespaceNotReadableError';
}

export type TenantQuotaUsage = {
  hard: Record<string, string>;
  used: Record<string, string>;
};

/** A change the apiserver reported about a watched object. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Receives a list+watch of managed objects, one call at a time. */
export interface ManagedObjectsHandler<T> {
  /** A full list replaced everything known: at start and after 410 Gone. */
  onList(items: T[]): void | Promise<void>;
  onEvent(type: WatchEventType, object: T): void | Promise<void>;
}

/** Health of one list+watch. */
export type WatchStats = {
  synced: boolean;
  lists: number;
  restarts: number;
  lastEventAt: number;
  lastError?: string;
};

/** A running list+watch. */
export interface ManagedObjectsWatch {
  stop(): Promise<void>;
  getStats(): WatchStats;
}

/** A condition of a Kueue Workload, as Kueue set it. */
export type WorkloadCondition = {
  /** `QuotaReserved`, `Admitted`, `Evicted`, `Finished`, ... */
  type: string;
  status: string;
  /** E.g. `Pending`, `Inadmissible`, `QuotaReserved`, `Admitted`. */
  reason?: string;
  /** E.g. `couldn't assign flavors to pod set main: ...`. */
  message?: string;
  /** ISO 8601. */
  lastTransitionTime?: string;
};

/** What the tracker reads of a Kueue Workload (kueue queue mode). */
export type KueueWorkload = {
  name: string;
  /** The uid of the Job it was made for. */
  jobUid?: string;
  conditions: WorkloadCondition[];
};

/** One cluster, as the job service and the tracker use it. */
export interface TenantCluster {
  readonly name: string;
  /**
   * Applies the tenant-jobs PriorityClasses once per process; only the
   * `preempting` ones may evict.
   */
  ensurePriorityClasses(options?: {
    preempting?: readonly PriorityId[];
  }): Promise<void>;
  /**
   * Applies the tenant's namespace objects unless they were applied with
   * the same content within `maxAgeMs` (default: a few minutes).
   */
  provisionTenant(
    tenantId: string,
    plan: TenantPlan,
    namespacePattern: string,
    options?: { maxAgeMs?: number },
  ): Promise<string>;
  /** The labels of a namespace, or undefined when it does not exist. */
  namespaceLabels(
    namespace: string,
  ): Promise<Record<string, string> | undefined>;
  /** Creates the Job (or dry-runs it); refusals are 4xx errors. */
  createJob(job: V1Job, options: { dryRun: boolean }): Promise<V1Job>;
  getJob(namespace: string, name: string): Promise<V1Job | undefined>;
  deleteJob(namespace: string, name: string): Promise<void>;
  /** Creates or updates a schedule's CronJob (server-side apply). */
  applyCronJob(cronJob: V1CronJob): Promise<V1CronJob>;
  /** Deletes a CronJob, leaving the Jobs it made; gone already is fine. */
  deleteCronJob(namespace: string, name: string): Promise<void>;
  /**
   * Lets a suspended Job start (`spec.suspend: false`); false when the Job
   * does not exist. Resuming a running Job changes nothing.
   */
  resumeJob(namespace: string, name: string): Promise<boolean>;
  getQuota(namespace: string): Promise<TenantQuotaUsage | undefined>;
  /**
   * The Kueue Workloads of a tenant namespace with their conditions
   * (kueue queue mode: why a handed-over Job still waits).
   */
  listWorkloads?(namespace: string): Promise<KueueWorkload[]>;
  /** Every Job the plugin manages, across namespaces. */
  listManagedJobs(): Promise<V1Job[]>;
  /** Starts a list+watch of the Jobs the plugin manages. */
  watchJobs(handler: ManagedObjectsHandler<V1Job>): ManagedObjectsWatch;
  /** Starts a list+watch of the pods of those Jobs. */
  watchPods(handler: ManagedObjectsHandler<V1Pod>): ManagedObjectsWatch;
  /** Events about a Job and its pods, oldest first. */
  listRunEvents(
    namespace: string,
    jobName: string,
    podNames: readonly string[],
  ): Promise<TenantJobEvent[]>;
  /** The last `limitBytes` of a pod's log; undefined when the pod is gone. */
  readPodLog(
    namespace: string,
    pod: string,
    options: { limitBytes: number },
  ): Promise<{ log: string; truncated: boolean } | undefined>;
  /**
   * Streams a pod's log into `out` (following it while the pod runs when
   * `follow`); resolves when the stream ends. False when the pod is gone.
   */
  streamPodLog(
    namespace: string,
    pod: string,
    out: Writable,
    options: { follow: boolean; tailLines?: number; signal?: AbortSignal },
  ): Promise<boolean>;
}

/** Finds the client of a configured cluster by name. */
export interface TenantClusters {
  names(): string[];
  get(name: string): TenantCluster;
}
