import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

type ApiLike = { code?: number; body?: unknown; message?: string };

function statusMessage(error: ApiLike): string {
  let body = error.body;
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      return text || error.message || 'unknown error';
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string'
    ? message
    : error.message ?? 'unknown error';
}

/**
 * Turns a failed apiserver call into an error a caller can act on: the
 * cluster's refusals of a job (quota, admission, invalid objects) become
 * 4xx errors that keep the apiserver's words; the backend's own missing
 * RBAC and unreachable clusters become 5xx errors that say what to fix.
 */
export function toClusterError(
  error: unknown,
  context: { cluster: string; action: string },
): Error {
  const e = (error ?? {}) as ApiLike & { cause?: { code?: string } };
  const code = typeof e.code === 'number' ? e.code : undefined;
  if (code === undefined) {
    const reason = e.cause?.code ?? (e as { code?: string }).code ?? e.message;
    return new ServiceUnavailableError(
      `Cluster '${context.cluster}' could not be reached to ${context.action}: ${reason}`,
    );
  }
  const message = statusMessage(e);
  if (code === 403 && /exceeded quota/i.test(message)) {
    return new ConflictError(
      `The tenant's quota does not allow this job: ${message}`,
    );
  }
  if (code === 403 && /is forbidden: User ".*" cannot/.test(message)) {
    return new Error(
      `The Tenant Jobs backend lacks a permission in cluster '${context.cluster}' (apply deploy/clusterrole.yaml): ${message}`,
    );
  }
  if (code === 403 || code === 422) {
    return new InputError(
      `Cluster '${context.cluster}' refused to ${context.action}: ${message}`,
    );
  }
  if (code === 409) {
    return new ConflictError(
      `Cluster '${context.cluster}' refused to ${context.action}: ${message}`,
    );
  }
  if (code === 404) {
    return new NotFoundError(message);
  }
  if (code === 401) {
    return new Error(
      `Cluster '${context.cluster}' did not accept the backend's credentials: ${message}`,
    );
  }
  return new ServiceUnavailableError(
    `Cluster '${context.cluster}' failed to ${context.action} (HTTP ${code}): ${message}`,
  );
}
