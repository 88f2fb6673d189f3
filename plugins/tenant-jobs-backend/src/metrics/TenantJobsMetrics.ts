import type {
  MetricsService,
  MetricsServiceCounter,
  MetricsServiceHistogram,
  MetricsServiceObservableResult,
} from '@backstage/backend-plugin-api/alpha';
import { RunRecord } from '../database';
import type { WatchHealth } from './ClusterHealth';
import {
  finalReasonLabel,
  OTHER,
  SubmissionOutcome,
  SubmissionReason,
} from './labels';

/**
 * The names of every instrument, as OpenTelemetry names them; Prometheus
 * sees dots as underscores and counters with `_total` (see the plugin's
 * README for each one).
 */
export const METRIC_NAMES = {
  submissions: 'tenant_jobs.submissions',
  runsFinished: 'tenant_jobs.runs.finished',
  runDuration: 'tenant_jobs.run.duration',
  runQueueWait: 'tenant_jobs.run.queue_wait',
  runsActive: 'tenant_jobs.runs.active',
  durationTarget: 'tenant_jobs.job_type.duration_target',
  successObjective: 'tenant_jobs.objective.success_ratio',
  trackingLag: 'tenant_jobs.tracking.lag',
  watchRestarts: 'tenant_jobs.watch.restarts',
  watchLists: 'tenant_jobs.watch.lists',
  watchSynced: 'tenant_jobs.watch.synced',
  watchStaleness: 'tenant_jobs.watch.staleness',
  clusterReachable: 'tenant_jobs.cluster.reachable',
  kubernetesRequestDuration: 'tenant_jobs.kubernetes.request.duration',
  notificationsSent: 'tenant_jobs.notifications.sent',
  signalsPublished: 'tenant_jobs.signals.published',
} as const;

/** The kind of each instrument, which decides its Prometheus name. */
const METRIC_KINDS: Record<
  keyof typeof METRIC_NAMES,
  'counter' | 'histogram' | 'gauge'
> = {
  submissions: 'counter',
  runsFinished: 'counter',
  runDuration: 'histogram',
  runQueueWait: 'histogram',
  runsActive: 'gauge',
  durationTarget: 'gauge',
  successObjective: 'gauge',
  trackingLag: 'histogram',
  watchRestarts: 'counter',
  watchLists: 'counter',
  watchSynced: 'gauge',
  watchStaleness: 'gauge',
  clusterReachable: 'gauge',
  kubernetesRequestDuration: 'histogram',
  notificationsSent: 'counter',
  signalsPublished: 'counter',
};

/**
 * The metric families Prometheus scrapes from the plugin: dots become
 * underscores, counters end in `_total`, histograms are `_bucket`, `_sum`
 * and `_count` of the name given here.
 */
export function prometheusMetricNames(): Array<{
  name: string;
  kind: 'counter' | 'histogram' | 'gauge';
}> {
  return (Object.keys(METRIC_NAMES) as Array<keyof typeof METRIC_NAMES>).map(
    key => {
      const base = METRIC_NAMES[key].replace(/\./g, '_');
      const kind = METRIC_KINDS[key];
      return { name: kind === 'counter' ? `${base}_total` : base, kind };
    },
  );
}

/** Bucket boundaries (seconds) of a run's duration: seconds to a day. */
export const RUN_DURATION_BUCKETS = [
  1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400,
];
/** Bucket boundaries (seconds) of the wait between submission and start. */
export const QUEUE_WAIT_BUCKETS = [
  0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 14400,
];
/** Bucket boundaries (seconds) from a watch event to its recorded run. */
export const TRACKING_LAG_BUCKETS = [
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];
/** Bucket boundaries (seconds) of one apiserver request. */
export const KUBERNETES_REQUEST_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

const FINAL = new Set(['Succeeded', 'Failed', 'Cancelled']);

function seconds(from?: string, to?: string): number | undefined {
  if (!from || !to) return undefined;
  const value = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(value) ? Math.max(0, value) : undefined;
}

/** A Kubernetes API request as a metric sees it. */
export type KubernetesRequestLabels = {
  cluster: string;
  /** `get`, `list`, `watch`, `create`, `apply`, `patch`, `update`, `delete`. */
  verb: string;
  /** `jobs`, `pods`, `pods/log`, `namespaces`, ... or `other`. */
  resource: string;
  /** The status code of a refusal, `timeout` or `network`; absent on success. */
  errorType?: string;
};

/** What the observable instruments read at each collection. */
export type MetricSources = {
  /** Active runs per tenant and status, from the database. */
  activeRuns?(): Promise<
    Array<{ tenantId: string; status: string; count: number }>
  >;
  /** The watches of each cluster. */
  watches?(): Array<Omit<WatchHealth, 'unsyncedSeconds'>>;
  /** Whether each cluster answered its last requests. */
  clusters?(): Array<{ cluster: string; reachable: boolean }>;
  /** The p95 duration target of each job type, in seconds. */
  durationTargets?(): Array<{ jobType: string; seconds: number }>;
  /** The success objective of finished runs (0..1). */
  successObjective?: number;
};

/**
 * Every metric of the Tenant Jobs backend, created through Backstage's
 * metrics service (OpenTelemetry underneath). Label values come bounded
 * (see labels.ts): callers pass known tenants, types and priorities or
 * `other`.
 */
export class TenantJobsMetrics {
  private readonly submissions: MetricsServiceCounter;
  private readonly runsFinished: MetricsServiceCounter;
  private readonly runDuration: MetricsServiceHistogram;
  private readonly runQueueWait: MetricsServiceHistogram;
  private readonly trackingLag: MetricsServiceHistogram;
  private readonly kubernetesRequestDuration: MetricsServiceHistogram;
  private readonly notificationsSent: MetricsServiceCounter;
  private readonly signalsPublished: MetricsServiceCounter;

  constructor(
    metrics: MetricsService,
    private readonly options: {
      /** The job type as a label: known types as they are, else `other`. */
      jobTypeLabel(jobType: string): string;
    },
  ) {
    this.submissions = metrics.createCounter(METRIC_NAMES.submissions, {
      description:
        'Submissions (POST /runs and retries) by tenant, job type, priority, outcome (created, replayed, dry_run, refused, failed) and reason',
      unit: '{submission}',
    });
    this.runsFinished = metrics.createCounter(METRIC_NAMES.runsFinished, {
      description:
        'Runs that reached a final status (Succeeded, Failed, Cancelled), by tenant, job type, status and reason',
      unit: '{run}',
    });
    this.runDuration = metrics.createHistogram(METRIC_NAMES.runDuration, {
      description:
        'Time from start to finish of runs that started, by job type and final status',
      unit: 's',
      advice: { explicitBucketBoundaries: RUN_DURATION_BUCKETS },
    });
    this.runQueueWait = metrics.createHistogram(METRIC_NAMES.runQueueWait, {
      description:
        "Time from submission until a run's first pod started (tenant queue and Kubernetes scheduling), by job type",
      unit: 's',
      advice: { explicitBucketBoundaries: QUEUE_WAIT_BUCKETS },
    });
    this.trackingLag = metrics.createHistogram(METRIC_NAMES.trackingLag, {
      description:
        'Time from the first watch event about a run until its state is recorded, by cluster',
      unit: 's',
      advice: { explicitBucketBoundaries: TRACKING_LAG_BUCKETS },
    });
    this.kubernetesRequestDuration = metrics.createHistogram(
      METRIC_NAMES.kubernetesRequestDuration,
      {
        description:
          'Kubernetes API requests by cluster, verb and resource; error.type is set for failures (status code, timeout, network)',
        unit: 's',
        advice: { explicitBucketBoundaries: KUBERNETES_REQUEST_BUCKETS },
      },
    );
    this.notificationsSent = metrics.createCounter(
      METRIC_NAMES.notificationsSent,
      {
        description:
          'Backstage notifications about runs, by topic (failed, preempted, succeeded) and outcome (sent, failed)',
        unit: '{notification}',
      },
    );
    this.signalsPublished = metrics.createCounter(
      METRIC_NAMES.signalsPublished,
      {
        description:
          'Live updates published on the signals channel of a tenant, by outcome (sent, failed)',
        unit: '{signal}',
      },
    );
    this.observe(metrics);
  }

  /** The sources of the observable instruments, set once known. */
  private sources: MetricSources = {};

  setSources(sources: MetricSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  private observe(metrics: MetricsService) {
    metrics
      .createObservableGauge(METRIC_NAMES.runsActive, {
        description:
          'Runs not finished yet, by tenant and status (Queued: waiting in the tenant queue; Pending: waiting for Kubernetes; Running), from the database',
        unit: '{run}',
      })
      .addCallback(async result => {
        const rows = (await this.sources.activeRuns?.()) ?? [];
        for (const row of rows) {
          result.observe(row.count, {
            tenant: row.tenantId,
            status: row.status,
          });
        }
      });
    metrics
      .createObservableGauge(METRIC_NAMES.durationTarget, {
        description: 'The p95 duration target of each job type',
        unit: 's',
      })
      .addCallback(result => {
        for (const target of this.sources.durationTargets?.() ?? []) {
          result.observe(target.seconds, {
            job_type: this.options.jobTypeLabel(target.jobType),
          });
        }
      });
    metrics
      .createObservableGauge(METRIC_NAMES.successObjective, {
        description:
          'The objective for the share of finished runs that succeed (cancelled runs excluded)',
        unit: '1',
      })
      .addCallback(result => {
        if (this.sources.successObjective !== undefined) {
          result.observe(this.sources.successObjective);
        }
      });
    const watchGauge = (
      name: string,
      options: { description: string; unit: string },
      value: (
        w: ReturnType<NonNullable<MetricSources['watches']>>[number],
      ) => number,
      kind: 'gauge' | 'counter',
    ) => {
      const instrument =
        kind === 'gauge'
          ? metrics.createObservableGauge(name, options)
          : metrics.createObservableCounter(name, options);
      instrument.addCallback((result: MetricsServiceObservableResult) => {
        for (const watch of this.sources.watches?.() ?? []) {
          result.observe(value(watch), {
            cluster: watch.cluster,
            resource: watch.resource,
          });
        }
      });
    };
    watchGauge(
      METRIC_NAMES.watchRestarts,
      {
        description:
          'Watches of Jobs and pods resumed after they ended or failed, by cluster and resource',
        unit: '{restart}',
      },
      w => w.restarts,
      'counter',
    );
    watchGauge(
      METRIC_NAMES.watchLists,
      {
        description:
          'Full lists of Jobs and pods: one at start, one more after each 410 Gone (a relist)',
        unit: '{list}',
      },
      w => w.lists,
      'counter',
    );
    watchGauge(
      METRIC_NAMES.watchSynced,
      {
        description:
          'Whether the watch has listed and is running (1) or is listing again or failing (0)',
        unit: '1',
      },
      w => (w.synced ? 1 : 0),
      'gauge',
    );
    watchGauge(
      METRIC_NAMES.watchStaleness,
      {
        description:
          'Seconds since the watch last received an event or a bookmark',
        unit: 's',
      },
      w => w.stalenessSeconds,
      'gauge',
    );
    metrics
      .createObservableGauge(METRIC_NAMES.clusterReachable, {
        description:
          "Whether the cluster's apiserver answered (1) or its last requests failed with a timeout, a network error or a 5xx (0)",
        unit: '1',
      })
      .addCallback(result => {
        for (const cluster of this.sources.clusters?.() ?? []) {
          result.observe(cluster.reachable ? 1 : 0, {
            cluster: cluster.cluster,
          });
        }
      });
  }

  /** One submission and what became of it. */
  submission(labels: {
    tenant: string;
    jobType: string;
    priority: string;
    outcome: SubmissionOutcome;
    reason: SubmissionReason;
  }): void {
    this.submissions.add(1, {
      tenant: labels.tenant,
      job_type: labels.jobType,
      priority: labels.priority,
      outcome: labels.outcome,
      reason: labels.reason,
    });
  }

  /**
   * A recorded change of a run: counts it when it finished, and records
   * its duration and its wait for a start.
   */
  runChanged(change: { before: RunRecord; after: RunRecord }): void {
    const { before, after } = change;
    const jobType = this.options.jobTypeLabel(after.jobType);
    if (!before.startedAt && after.startedAt) {
      const wait = seconds(after.createdAt, after.startedAt);
      if (wait !== undefined) {
        this.runQueueWait.record(wait, { job_type: jobType });
      }
    }
    if (FINAL.has(after.status) && !FINAL.has(before.status)) {
      this.runFinished(after);
    }
  }

  /** A run that reached a final status (once per run). */
  runFinished(run: RunRecord): void {
    const jobType = this.options.jobTypeLabel(run.jobType);
    this.runsFinished.add(1, {
      tenant: run.tenantId,
      job_type: jobType,
      status: run.status,
      reason: finalReasonLabel(run.reason),
    });
    const duration = seconds(run.startedAt, run.finishedAt);
    if (duration !== undefined) {
      this.runDuration.record(duration, {
        job_type: jobType,
        status: run.status,
      });
    }
  }

  /** Time from a run's first unrecorded watch event to its recorded state. */
  trackingLagSeconds(cluster: string, lag: number): void {
    this.trackingLag.record(Math.max(0, lag), { cluster });
  }

  kubernetesRequest(labels: KubernetesRequestLabels, duration: number): void {
    this.kubernetesRequestDuration.record(duration, {
      cluster: labels.cluster,
      verb: labels.verb,
      resource: labels.resource,
      ...(labels.errorType ? { 'error.type': labels.errorType } : {}),
    });
  }

  notification(topic: string, outcome: 'sent' | 'failed'): void {
    const short = topic.replace(/^tenant-jobs:/, '');
    this.notificationsSent.add(1, {
      topic: ['failed', 'preempted', 'succeeded'].includes(short)
        ? short
        : OTHER,
      outcome,
    });
  }

  signal(outcome: 'sent' | 'failed'): void {
    this.signalsPublished.add(1, { outcome });
  }
}
