import type { V1CronJob, V1Job } from '@kubernetes/client-node';
import {
  TenantJobEvent,
  TenantPlan,
  tenantNamespaceName,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { Writable } from 'node:stream';
import {
  ManagedObjectsWatch,
  TenantCluster,
} from '../../cluster/TenantCluster';

/** A cluster that remembers what it was sent. */
export class FakeCluster implements TenantCluster {
  readonly name = 'local';
  readonly created: V1Job[] = [];
  readonly dryRuns: V1Job[] = [];
  readonly deleted: string[] = [];
  readonly provisioned: Array<{ tenantId: string; plan: TenantPlan }> = [];
  createError?: Error;
  quota:
    | { hard: Record<string, string>; used: Record<string, string> }
    | undefined = {
    hard: { 'count/jobs.batch': '200' },
    used: { 'count/jobs.batch': '0' },
  };
  quotaError?: Error;

  async ensurePriorityClasses(): Promise<void> {}

  async namespaceLabels(namespace: string) {
    const tenant = this.provisioned.find(
      p => tenantNamespaceName(undefined, p.tenantId) === namespace,
    );
    return tenant
      ? {
          'app.kubernetes.io/managed-by': 'tenant-jobs',
          'tenant-jobs.io/tenant': tenant.tenantId,
        }
      : undefined;
  }

  async provisionTenant(
    tenantId: string,
    plan: TenantPlan,
    namespacePattern: string,
  ): Promise<string> {
    this.provisioned.push({ tenantId, plan });
    return tenantNamespaceName(namespacePattern, tenantId);
  }

  /** While set, creates wait for it: lets a test race a cancel. */
  createGate?: Promise<void>;

  async createJob(job: V1Job, options: { dryRun: boolean }): Promise<V1Job> {
    if (this.createError) throw this.createError;
    await this.createGate;
    (options.dryRun ? this.dryRuns : this.created).push(job);
    return {
      ...job,
      metadata: {
        ...job.metadata,
        uid: options.dryRun ? undefined : `uid-${this.created.length}`,
      },
    };
  }

  /** Job statuses by name; a created Job without one is still active. */
  readonly statuses = new Map<string, V1Job['status']>();

  async getJob(namespace: string, name: string): Promise<V1Job | undefined> {
    const job = this.created.find(
      j => j.metadata?.name === name && j.metadata?.namespace === namespace,
    );
    if (!job || this.deleted.includes(`${namespace}/${name}`)) return undefined;
    return { ...job, status: this.statuses.get(name) ?? { active: 1 } };
  }

  readonly cronJobs = new Map<string, V1CronJob>();

  async applyCronJob(cronJob: V1CronJob): Promise<V1CronJob> {
    this.cronJobs.set(cronJob.metadata!.name!, cronJob);
    return cronJob;
  }

  async deleteCronJob(_namespace: string, name: string): Promise<void> {
    this.cronJobs.delete(name);
  }

  readonly resumed: string[] = [];

  async resumeJob(namespace: string, name: string): Promise<boolean> {
    this.resumed.push(`${namespace}/${name}`);
    return true;
  }

  /** While set, deletes fail with it. */
  deleteError?: Error;

  async deleteJob(namespace: string, name: string): Promise<void> {
    if (this.deleteError) throw this.deleteError;
    this.deleted.push(`${namespace}/${name}`);
  }

  async getQuota(_namespace: string) {
    if (this.quotaError) throw this.quotaError;
    return this.quota;
  }

  async listManagedJobs(): Promise<V1Job[]> {
    return this.created;
  }

  watchJobs(): ManagedObjectsWatch {
    throw new Error('not watched in router tests');
  }

  watchPods(): ManagedObjectsWatch {
    throw new Error('not watched in router tests');
  }

  readonly events: TenantJobEvent[] = [];

  async listRunEvents(): Promise<TenantJobEvent[]> {
    return this.events;
  }

  /** Live pod logs by pod name; absent pods are gone. */
  readonly logs = new Map<string, string>();

  async readPodLog(_namespace: string, pod: string) {
    const log = this.logs.get(pod);
    return log === undefined ? undefined : { log, truncated: false };
  }

  async streamPodLog(
    _namespace: string,
    pod: string,
    out: Writable,
  ): Promise<boolean> {
    const log = this.logs.get(pod);
    if (log === undefined) return false;
    // As the apiserver's answer is piped: line by line, then the end, and
    // done once the output finished.
    const finished = new Promise(resolve => out.once('finish', resolve));
    for (const line of log.split(/(?<=\n)/)) out.write(line);
    out.end();
    await finished;
    return true;
  }
}
