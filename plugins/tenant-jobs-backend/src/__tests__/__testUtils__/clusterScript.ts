/*
 * scripts/cluster/cluster.sh for the suites: the local clusters, their
 * Kueue and MultiKueue, and failure tests (stop-apiserver).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './harness';

const CLUSTER_SH = path.join(REPO_ROOT, 'scripts/cluster/cluster.sh');

/** Runs cluster.sh with ARGS; resolves with its exit code and output. */
export function runClusterScript(
  args: string[],
  timeoutMs = 30 * 60_000,
): Promise<{ code: number; output: string }> {
  return new Promise(resolve => {
    execFile(
      CLUSTER_SH,
      args,
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

/** Runs cluster.sh with ARGS; its output, or an error with it on failure. */
export async function clusterScript(
  args: string[],
  timeoutMs?: number,
): Promise<string> {
  const { code, output } = await runClusterScript(args, timeoutMs);
  if (code !== 0) {
    throw new Error(
      `scripts/cluster/cluster.sh ${args.join(
        ' ',
      )} failed (exit ${code}):\n${output}`,
    );
  }
  return output;
}
