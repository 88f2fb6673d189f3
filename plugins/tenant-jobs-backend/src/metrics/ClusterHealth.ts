import { ManagedObjectsWatch } from '../cluster/TenantCluster';
import { KubernetesRequestEvent } from '../kubernetes/kubernetesRequests';

/**
 * A healthy watch hears from the apiserver at least once per watch period
 * (the apiserver ends each watch after 5 minutes and the new one starts
 * with a bookmark), so twice that without an event or bookmark is a stall.
 */
export const DEFAULT_WATCH_STALL_SECONDS = 600;
/** A watch that has not synced for this long (failing, listing) is stalled. */
export const DEFAULT_UNSYNCED_STALL_SECONDS = 120;

/** Failures that mean the apiserver did not answer (as opposed to refusing). */
function isUnreachable(errorType: string | undefined): boolean {
  return (
    errorType === 'timeout' ||
    errorType === 'network' ||
    errorType === '502' ||
    errorType === '503' ||
    errorType === '504' ||
    errorType === 'config'
  );
}

/** The state of one watch, as health and metrics report it. */
export type WatchHealth = {
  cluster: string;
  resource: string;
  synced: boolean;
  lists: number;
  restarts: number;
  /** Seconds since the last event or bookmark (or since the watch started). */
  stalenessSeconds: number;
  /** Seconds the watch has not been synced; 0 while it is. */
  unsyncedSeconds: number;
  stalled: boolean;
  lastError?: string;
};

/** The state of one cluster, as health and metrics report it. */
export type ClusterHealthReport = {
  cluster: string;
  /** False when its last requests got no answer (timeout, network, 502-504). */
  reachable: boolean;
  /** The last failure to reach it, while it lasts. */
  lastError?: string;
  /** When the apiserver last answered a request, ISO 8601. */
  lastAnsweredAt?: string;
  watches: WatchHealth[];
};

type WatchEntry = {
  cluster: string;
  resource: string;
  watch: ManagedObjectsWatch;
  startedAt: number;
  unsyncedSince?: number;
};

type ClusterRecord = {
  lastAnsweredAt?: number;
  lastUnreachableAt?: number;
  lastError?: string;
};

/** Whether a cluster answers, as its tenants' members see it. */
export type ClusterState = {
  /** False when its last requests got no answer (timeout, network, 502-504). */
  reachable: boolean;
  /** When the apiserver last answered a request, ISO 8601. */
  lastAnsweredAt?: string;
  /**
   * The cluster that does not answer, when it is not the tenant's own:
   * a MultiKueue worker of it.
   */
  cluster?: string;
};

/**
 * Whether a tenant's cluster answers: a MultiKueue manager only while it
 * and every one of its workers does (the first that does not is named).
 */
export function tenantClusterState(
  cluster: string,
  clusters: ReadonlyArray<{
    name: string;
    multiKueue?: { workers: string[] };
  }>,
  health: Pick<ClusterHealth, 'stateOf'>,
): ClusterState {
  const own = health.stateOf(cluster);
  if (!own.reachable) return own;
  const workers =
    clusters.find(c => c.name === cluster)?.multiKueue?.workers ?? [];
  for (const worker of workers) {
    const state = health.stateOf(worker);
    if (!state.reachable) return { ...state, cluster: worker };
  }
  return own;
}

/**
 * Whether each configured cluster answers and whether its watches keep up:
 * fed by every apiserver request (see kubernetesRequests.ts) and by the
 * trackers' watches. Read by the readiness answer and the gauges
 * `tenant_jobs.cluster.reachable` and `tenant_jobs.watch.*`.
 */
export class ClusterHealth {
  private readonly states = new Map<string, ClusterRecord>();
  private readonly watches = new Set<WatchEntry>();

  constructor(
    private readonly options: {
      clusters: string[];
      watchStallSeconds?: number;
      unsyncedStallSeconds?: number;
      now?: () => number;
    },
  ) {
    for (const name of options.clusters) this.states.set(name, {});
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Records how a request to a cluster ended. */
  onRequest(event: KubernetesRequestEvent): void {
    let state: ClusterRecord | undefined = this.states.get(event.cluster);
    if (!state) {
      state = {};
      this.states.set(event.cluster, state);
    }
    if (isUnreachable(event.errorType)) {
      state.lastUnreachableAt = this.now();
      state.lastError =
        event.errorType === 'config'
          ? 'the backend cannot load its kubeconfig'
          : `${event.verb} ${event.resource}: ${
              event.errorType === 'timeout' || event.errorType === 'network'
                ? `no answer (${event.errorType})`
                : `HTTP ${event.errorType}`
            }`;
    } else {
      state.lastAnsweredAt = this.now();
      state.lastError = undefined;
    }
  }

  /** Follows a watch until it is stopped. */
  addWatch(
    cluster: string,
    resource: string,
    watch: ManagedObjectsWatch,
  ): ManagedObjectsWatch {
    const entry: WatchEntry = {
      cluster,
      resource,
      watch,
      startedAt: this.now(),
    };
    this.watches.add(entry);
    return {
      getStats: () => watch.getStats(),
      stop: async () => {
        this.watches.delete(entry);
        await watch.stop();
      },
    };
  }

  /** The watches now, with their staleness and whether they stalled. */
  watchHealth(): WatchHealth[] {
    const now = this.now();
    const stallAfter =
      (this.options.watchStallSeconds ?? DEFAULT_WATCH_STALL_SECONDS) * 1000;
    const unsyncedAfter =
      (this.options.unsyncedStallSeconds ?? DEFAULT_UNSYNCED_STALL_SECONDS) *
      1000;
    return [...this.watches].map(entry => {
      const stats = entry.watch.getStats();
      if (stats.synced) entry.unsyncedSince = undefined;
      else entry.unsyncedSince ??= Math.max(entry.startedAt, stats.lastEventAt);
      const heardAt = Math.max(stats.lastEventAt, entry.startedAt);
      const staleness = Math.max(0, now - heardAt);
      const unsynced = entry.unsyncedSince ? now - entry.unsyncedSince : 0;
      return {
        cluster: entry.cluster,
        resource: entry.resource,
        synced: stats.synced,
        lists: stats.lists,
        restarts: stats.restarts,
        stalenessSeconds: staleness / 1000,
        unsyncedSeconds: unsynced / 1000,
        stalled: staleness > stallAfter || unsynced > unsyncedAfter,
        ...(stats.lastError ? { lastError: stats.lastError } : {}),
      };
    });
  }

  /**
   * Whether one cluster answers now, without its error or watches: what
   * a tenant's members may know of their tenant's cluster.
   */
  stateOf(cluster: string): ClusterState {
    const state = this.states.get(cluster) ?? {};
    return {
      reachable: !(
        state.lastUnreachableAt !== undefined &&
        (state.lastAnsweredAt ?? 0) < state.lastUnreachableAt
      ),
      ...(state.lastAnsweredAt
        ? { lastAnsweredAt: new Date(state.lastAnsweredAt).toISOString() }
        : {}),
    };
  }

  /** Every cluster with its reachability and watches. */
  report(): ClusterHealthReport[] {
    const watches = this.watchHealth();
    return [...this.states.entries()].map(([cluster, state]) => ({
      cluster,
      ...this.stateOf(cluster),
      ...(state.lastError ? { lastError: state.lastError } : {}),
      watches: watches.filter(w => w.cluster === cluster),
    }));
  }

  /**
   * The readiness answer: 200 when every cluster answers and every watch
   * keeps up, else 503 naming the unreachable clusters and stalled watches.
   */
  readiness(): {
    status: 200 | 503;
    body: {
      status: 'ok' | 'degraded';
      message?: string;
      unreachableClusters: string[];
      stalledWatches: string[];
      clusters: ClusterHealthReport[];
    };
  } {
    const clusters = this.report();
    const unreachable = clusters.filter(c => !c.reachable).map(c => c.cluster);
    const stalled = clusters.flatMap(c =>
      c.watches
        .filter(w => w.stalled)
        .map(w => `${w.resource} in cluster '${w.cluster}'`),
    );
    const problems = [
      ...unreachable.map(
        name =>
          `cluster '${name}' is unreachable (${
            clusters.find(c => c.cluster === name)?.lastError ?? 'no answer'
          })`,
      ),
      ...stalled.map(what => `the watch of ${what} has stalled`),
    ];
    return {
      status: problems.length > 0 ? 503 : 200,
      body: {
        status: problems.length > 0 ? 'degraded' : 'ok',
        ...(problems.length > 0 ? { message: problems.join('; ') } : {}),
        unreachableClusters: unreachable,
        stalledWatches: stalled,
        clusters,
      },
    };
  }
}
