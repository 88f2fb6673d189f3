import { Log } from '@kubernetes/client-node';
import { JOB_CONTAINER_NAME } from '@tenant-jobs/plugin-tenant-jobs-common';
import { Writable } from 'node:stream';
import { KubernetesApis } from './kubernetesApis';

/** Lines asked for when archiving; the bytes are then cut to the limit. */
const ARCHIVE_TAIL_LINES = 5000;

/**
 * The end of a pod's log: at most the last `limitBytes` bytes, cut at a
 * line start. `truncated` says older output was left out.
 */
export async function readLogTail(
  apis: KubernetesApis,
  namespace: string,
  pod: string,
  limitBytes: number,
): Promise<{ log: string; truncated: boolean }> {
  const text = await apis.core.readNamespacedPodLog({
    name: pod,
    namespace,
    container: JOB_CONTAINER_NAME,
    tailLines: ARCHIVE_TAIL_LINES,
  });
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  let truncated = lines >= ARCHIVE_TAIL_LINES;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limitBytes) return { log: text, truncated };
  truncated = true;
  let tail = bytes.subarray(bytes.length - limitBytes).toString('utf8');
  const newline = tail.indexOf('\n');
  if (newline >= 0 && newline < tail.length - 1) {
    tail = tail.slice(newline + 1);
  }
  return { log: tail, truncated };
}

/**
 * Streams a pod's log into `out`; resolves when the apiserver ends the
 * stream (at once unless `follow`), or when `signal` aborts (ending `out`).
 */
export async function streamLog(
  apis: KubernetesApis,
  namespace: string,
  pod: string,
  out: Writable,
  options: { follow: boolean; tailLines?: number; signal?: AbortSignal },
): Promise<void> {
  const finished = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('close', resolve);
    out.once('error', reject);
  });
  const controller = await new Log(apis.kubeConfig).log(
    namespace,
    pod,
    JOB_CONTAINER_NAME,
    out,
    { follow: options.follow, tailLines: options.tailLines },
  );
  // An aborted request does not end what it was piped into: end it here.
  const abort = () => {
    controller.abort();
    out.end();
  };
  if (options.signal?.aborted) abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    await finished;
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
}
