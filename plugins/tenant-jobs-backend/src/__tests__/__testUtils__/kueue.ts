/*
 * Kueue on the local cluster for the suites of `tenantJobs.queue.mode:
 * kueue`, through scripts/cluster/cluster.sh: reused when it already runs
 * for the cluster, else built (the first time, a few minutes, cached
 * outside the repository), its CRDs installed and started, and then
 * stopped again when the suite is done.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './harness';

const CLUSTER_SH = path.join(REPO_ROOT, 'scripts/cluster/cluster.sh');

/** Kueue for one suite. */
export type KueueForSuite = {
  /** Whether this suite started it (and `stop` stops it). */
  startedHere: boolean;
  /** Stops Kueue if this suite started it. */
  stop(): Promise<void>;
};

function clusterSh(
  command: string,
  timeoutMs: number,
): Promise<{ code: number; output: string }> {
  return new Promise(resolve => {
    execFile(
      CLUSTER_SH,
      [command],
      { cwd: REPO_ROOT, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) {
          const exit = (error as { code?: unknown }).code;
          code = typeof exit === 'number' ? exit : 1;
        }
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/**
 * Makes sure Kueue runs against the local cluster (`cluster.sh kueue-up`,
 * which builds it first when it is not cached). Call in beforeAll with a
 * timeout that covers a first build.
 */
export async function ensureKueue(
  options: { timeoutMs?: number } = {},
): Promise<KueueForSuite> {
  if ((await clusterSh('kueue-status', 60_000)).code === 0) {
    return { startedHere: false, stop: async () => undefined };
  }
  const up = await clusterSh('kueue-up', options.timeoutMs ?? 25 * 60_000);
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
      const down = await clusterSh('kueue-down', 120_000);
      if (down.code !== 0) {
        throw new Error(
          `scripts/cluster/cluster.sh kueue-down failed (exit ${down.code}):\n${down.output}`,
        );
      }
    },
  };
}
