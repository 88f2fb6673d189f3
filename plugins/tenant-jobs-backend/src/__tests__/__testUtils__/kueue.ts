/*
 * Kueue on the local cluster for the suites of `tenantJobs.queue.mode:
 * kueue`, through scripts/cluster/cluster.sh: reused when it already runs
 * for the cluster, else built (the first time, a few minutes, cached
 * outside the repository), its CRDs installed and started, and then
 * stopped again when the suite is done.
 */
import { runClusterScript } from './clusterScript';

/** Kueue for one suite. */
export type KueueForSuite = {
  /** Whether this suite started it (and `stop` stops it). */
  startedHere: boolean;
  /** Stops Kueue if this suite started it. */
  stop(): Promise<void>;
};

/**
 * Makes sure Kueue runs against the local cluster (`cluster.sh kueue-up`,
 * which builds it first when it is not cached). Call in beforeAll with a
 * timeout that covers a first build.
 */
export async function ensureKueue(
  options: { timeoutMs?: number } = {},
): Promise<KueueForSuite> {
  if ((await runClusterScript(['kueue-status'], 60_000)).code === 0) {
    return { startedHere: false, stop: async () => undefined };
  }
  const up = await runClusterScript(
    ['kueue-up'],
    options.timeoutMs ?? 25 * 60_000,
  );
  if (up.code !== 0) {
    throw new Error(
      `scripts/cluster/cluster.sh kueue-up failed (exit ${up.code}):\n${up.output}`,
    );
  }
  // The build and start report how long they took.
  process.stderr.write(up.output);
  return {
    startedHere: true,
    async stop() {
      const down = await runClusterScript(['kueue-down'], 120_000);
      if (down.code !== 0) {
        throw new Error(
          `scripts/cluster/cluster.sh kueue-down failed (exit ${down.code}):\n${down.output}`,
        );
      }
    },
  };
}
