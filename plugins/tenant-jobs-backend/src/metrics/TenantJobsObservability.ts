import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import { Knex } from 'knex';
import { ACTIVE_STATUSES, FINAL_STATUSES } from '../database';
import {
  TenantCluster,
  TenantClusters,
  ManagedObjectsHandler,
} from '../cluster/TenantCluster';
import { runIdOf } from '../cluster/runIds';
import { isUpdate, RunBus, RunChange } from '../lifecycle';
import { ClusterHealth } from './ClusterHealth';
import {
  KubernetesRequestEvent,
  KubernetesRequestObserver,
} from '../kubernetes/kubernetesRequests';
import {
  boundedLabel,
  classifySubmissionError,
  OTHER,
  priorityLabel,
  SubmissionOutcome,
  SubmissionReason,
  UNKNOWN_TENANT,
} from './labels';
import { TenantJobsMetrics } from './TenantJobsMetrics';
import { SPAN_ATTRIBUTES, withSpan } from '../lib/tracing';

/** Active runs are counted in the database at most this often. */
const ACTIVE_RUNS_CACHE_MS = 10_000;
/** A watch event not followed by a recorded state this long is forgotten. */
const LAG_ENTRY_TTL_MS = 10 * 60_000;

/** An object whose listed methods are replaced; the others pass through. */
function decorate<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (Object.prototype.hasOwnProperty.call(overrides, property)) {
        return (overrides as Record<PropertyKey, unknown>)[property];
      }
      const value = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

/** The result of a submission, as far as its outcome goes. */
type SubmissionResultLike = { kind: 'created' | 'existing' | 'dryRun' };

const OUTCOME_BY_KIND: Record<SubmissionResultLike['kind'], SubmissionOutcome> =
  { created: 'created', existing: 'replayed', dryRun: 'dry_run' };

/** What a submission asked for, before anything was checked. */
export type SubmissionRequest = {
  tenantId?: unknown;
  jobType?: unknown;
  priority?: unknown;
  /** A retry of an earlier run. */
  retry?: boolean;
};

/**
 * Metrics, spans and health of the Tenant Jobs backend in one place. The
 * plugin hands its ports (clusters, run store, notifications, signals)
 * through the decorators here, so the code that does the work stays free
 * of instrumentation; see the plugin README for every metric.
 */
export class TenantJobsObservability {
  readonly health: ClusterHealth;
  private readonly metrics?: TenantJobsMetrics;
  /** By run id: when the first watch event not yet recorded arrived. */
  private readonly firstSeen = new Map<
    string,
    { at: number; cluster: string }
  >();
  private activeRuns?: {
    at: number;
    rows: Promise<Array<{ tenantId: string; status: string; count: number }>>;
  };

  constructor(
    private readonly options: {
      /** Backstage's metrics service; without it only spans and health. */
      metrics?: MetricsService;
      clusters: string[];
      /** Whether a job type id is one the plugin knows (else `other`). */
      isKnownJobType(id: string): boolean;
      /** Whether a tenant id is a tenant of the catalog (else `unknown`). */
      isKnownTenant(id: string): Promise<boolean>;
      /** The plugin's database, for the active runs gauge. */
      database?: Knex;
      durationTargets?: () => Array<{ jobType: string; seconds: number }>;
      successObjective?: number;
      watchStallSeconds?: number;
      now?: () => number;
    },
  ) {
    this.health = new ClusterHealth({
      clusters: options.clusters,
      watchStallSeconds: options.watchStallSeconds,
      now: options.now,
    });
    if (options.metrics) {
      this.metrics = new TenantJobsMetrics(options.metrics, {
        jobTypeLabel: id => this.jobTypeLabel(id),
      });
      this.metrics.setSources({
        activeRuns: options.database ? () => this.countActiveRuns() : undefined,
        watches: () => this.health.watchHealth(),
        clusters: () =>
          this.health
            .report()
            .map(c => ({ cluster: c.cluster, reachable: c.reachable })),
        durationTargets: options.durationTargets,
        successObjective: options.successObjective,
      });
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private jobTypeLabel(id: unknown): string {
    return boundedLabel(id, value => this.options.isKnownJobType(value));
  }

  private async tenantLabel(id: unknown): Promise<string> {
    if (typeof id !== 'string' || id === '') return UNKNOWN_TENANT;
    try {
      return (await this.options.isKnownTenant(id)) ? id : UNKNOWN_TENANT;
    } catch {
      return UNKNOWN_TENANT;
    }
  }

  /** Active runs by tenant and status: one grouped count, cached briefly. */
  private countActiveRuns() {
    const now = this.now();
    if (!this.activeRuns || now - this.activeRuns.at > ACTIVE_RUNS_CACHE_MS) {
      const db = this.options.database!;
      const rows = db('tenant_jobs_runs')
        .select('tenant_id', 'status')
        .count({ count: '*' })
        .whereIn('status', [...ACTIVE_STATUSES])
        .groupBy('tenant_id', 'status')
        .then(result =>
          (result as Array<Record<string, unknown>>).map(row => ({
            tenantId: String(row.tenant_id),
            status: String(row.status),
            count: Number(row.count),
          })),
        );
      rows.catch(() => {
        this.activeRuns = undefined;
      });
      this.activeRuns = { at: now, rows };
    }
    return this.activeRuns.rows.catch(() => []);
  }

  /** Told of every apiserver request: metrics and cluster health. */
  readonly kubernetesObserver: KubernetesRequestObserver = (
    event: KubernetesRequestEvent,
  ) => {
    this.health.onRequest(event);
    this.metrics?.kubernetesRequest(
      {
        cluster: event.cluster,
        verb: event.verb,
        resource: event.resource,
        errorType: event.errorType,
      },
      event.durationSeconds,
    );
  };

  /**
   * Runs a submission (or a retry) in a span, and counts it by tenant, job
   * type, priority, outcome and reason. The labels are read from `request`
   * when it is done, so a route fills in the tenant only once the caller
   * was allowed it: a refused caller never writes into, or learns about,
   * another tenant's series.
   */
  async submission<T extends SubmissionResultLike>(
    request: SubmissionRequest,
    fn: () => Promise<T>,
  ): Promise<T> {
    let outcome: SubmissionOutcome = 'failed';
    let reason: SubmissionReason = 'internal';
    try {
      return await withSpan(
        request.retry ? 'tenant-jobs retry' : 'tenant-jobs submit',
        {},
        async span => {
          try {
            const result = await fn();
            outcome = OUTCOME_BY_KIND[result.kind];
            reason = 'none';
            return result;
          } catch (error) {
            ({ outcome, reason } = classifySubmissionError(error));
            throw error;
          } finally {
            span.setAttributes({
              [SPAN_ATTRIBUTES.tenant]:
                typeof request.tenantId === 'string'
                  ? request.tenantId.slice(0, 100)
                  : undefined,
              [SPAN_ATTRIBUTES.jobType]: this.jobTypeLabel(request.jobType),
              [SPAN_ATTRIBUTES.priority]: priorityLabel(request.priority),
              [SPAN_ATTRIBUTES.outcome]: outcome,
              [SPAN_ATTRIBUTES.reason]: reason,
            });
          }
        },
      );
    } finally {
      if (this.metrics) {
        this.metrics.submission({
          tenant: await this.tenantLabel(request.tenantId),
          jobType: this.jobTypeLabel(request.jobType),
          priority: priorityLabel(request.priority),
          outcome,
          reason,
        });
      }
    }
  }

  /**
   * A submission or retry refused before its route ran (authentication,
   * body parser): counted with its status as the reason.
   */
  refusedBeforeRoute(action: string, error: unknown): void {
    if (action !== 'run-submit' && action !== 'run-retry') return;
    const { outcome, reason } = classifySubmissionError(error);
    this.metrics?.submission({
      tenant: UNKNOWN_TENANT,
      jobType: OTHER,
      priority: OTHER,
      outcome,
      reason,
    });
  }

  /**
   * Subscribes to every change of a run on the lifecycle's bus: runs
   * finished, durations and waits; for observations, the tracking lag
   * from the first watch event to the recorded change.
   */
  subscribe(bus: RunBus): void {
    bus.subscribe('metrics', change => this.runChanged(change));
  }

  private runChanged(change: RunChange): void {
    if (change.transition === 'observe') {
      const id = change.after.id;
      const seen = this.firstSeen.get(id);
      this.firstSeen.delete(id);
      if (seen) {
        this.metrics?.trackingLagSeconds(
          seen.cluster,
          (this.now() - seen.at) / 1000,
        );
      }
    }
    if (isUpdate(change)) {
      this.metrics?.runChanged(change);
    } else if (FINAL_STATUSES.has(change.after.status)) {
      // Recorded final (a schedule's run over a full queue).
      this.metrics?.runFinished(change.after);
    }
  }

  /** Notes the first unrecorded watch event of a run. */
  private seen(cluster: string, object: V1Job | V1Pod) {
    // As the tracker names runs: the run-id label, or a schedule Job's uid.
    const runId = runIdOf(object);
    if (!runId || this.firstSeen.has(runId)) return;
    const now = this.now();
    this.firstSeen.set(runId, { at: now, cluster });
    if (this.firstSeen.size > 10_000) {
      for (const [id, entry] of this.firstSeen) {
        if (now - entry.at > LAG_ENTRY_TTL_MS) this.firstSeen.delete(id);
      }
    }
  }

  private watchHandler<T extends V1Job | V1Pod>(
    cluster: string,
    resource: 'jobs' | 'pods',
    handler: ManagedObjectsHandler<T>,
  ): ManagedObjectsHandler<T> {
    return {
      onList: items => {
        for (const item of items) this.seen(cluster, item);
        return handler.onList(items);
      },
      onEvent: (type, object) => {
        // A deleted pod changes no recorded state; a deleted Job does.
        if (!(resource === 'pods' && type === 'DELETED')) {
          this.seen(cluster, object);
        }
        return handler.onEvent(type, object);
      },
    };
  }

  /**
   * The clusters as the trackers use them: each watch is followed for
   * health and metrics, and its events timed for the tracking lag.
   */
  trackedClusters(clusters: TenantClusters): TenantClusters {
    const wrapped = new Map<string, TenantCluster>();
    return decorate(clusters, {
      get: (name: string) => {
        const cluster = clusters.get(name);
        let decorated = wrapped.get(name);
        if (!decorated) {
          decorated = decorate(cluster, {
            watchJobs: handler =>
              this.health.addWatch(
                name,
                'jobs',
                cluster.watchJobs(this.watchHandler(name, 'jobs', handler)),
              ),
            watchPods: handler =>
              this.health.addWatch(
                name,
                'pods',
                cluster.watchPods(this.watchHandler(name, 'pods', handler)),
              ),
          });
          wrapped.set(name, decorated);
        }
        return decorated;
      },
    });
  }

  /** The notification service, counting what is sent. */
  countedNotifications(
    notifications: NotificationService,
  ): NotificationService {
    return decorate(notifications, {
      send: async options => {
        const topic = options.payload.topic ?? OTHER;
        try {
          await notifications.send(options);
          this.metrics?.notification(topic, 'sent');
        } catch (error) {
          this.metrics?.notification(topic, 'failed');
          throw error;
        }
      },
    });
  }

  /** The signals service, counting what is published. */
  countedSignals(signals: SignalsService): SignalsService {
    return decorate(signals, {
      publish: async signal => {
        try {
          await signals.publish(signal);
          this.metrics?.signal('sent');
        } catch (error) {
          this.metrics?.signal('failed');
          throw error;
        }
      },
    });
  }
}
