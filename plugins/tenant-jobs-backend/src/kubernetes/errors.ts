import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  TENANT_READER_CLUSTER_ROLE_NAME,
  TENANT_READER_ROLE_BINDING_NAME,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { NamespaceNotReadableError } from '../cluster/TenantCluster';

/** How the apiserver names the confinement policy in its refusals. */
const CONFINEMENT_POLICY_REFERENCE =
  "ValidatingAdmissionPolicy 'tenant-jobs-backend-confinement'";

/** What only the per-tenant reader RoleBinding grants. */
const TENANT_READER_RESOURCES = new Set(['pods/log', 'events']);

/** Where a failed call went and what it tried to do, for messages. */
export type ClusterErrorContext = {
  /** The configured cluster name. */
  cluster: string;
  /** What the backend tried, e.g. `create Job etl-1 in tenant-acme`. */
  action: string;
};

/** The parts of a Kubernetes `Status` object (the body of a refusal) we read. */
export type KubernetesStatus = {
  code?: number;
  reason?: string;
  message?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
};

/**
 * The tenant's ResourceQuota refused an object. A ConflictError (HTTP 409):
 * the request is fine, the tenant's current usage is not; it may pass once
 * other jobs finish or are cleaned up. The message keeps the apiserver's
 * detail: which quota, requested, used and limited.
 */
export class QuotaExceededError extends ConflictError {
  /** Name of the ResourceQuota that refused, e.g. `tenant-jobs-quota`. */
  readonly quota?: string;
  /** Per resource, e.g. `{ 'count/jobs.batch': '1' }`. */
  readonly requested: Record<string, string>;
  readonly used: Record<string, string>;
  readonly limited: Record<string, string>;

  constructor(message: string, apiserverMessage: string) {
    super(message);
    const parsed = parseQuotaMessage(apiserverMessage);
    this.quota = parsed?.quota;
    this.requested = parsed?.requested ?? {};
    this.used = parsed?.used ?? {};
    this.limited = parsed?.limited ?? {};
  }
}

/** Network failures: the cluster did not answer (or not in time). */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** TLS failures: the cluster answered, but its certificate is not trusted. */
const TLS_ERROR_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * The Status object of a failed call, from the `body` of client-node's
 * ApiException (a JSON string, or already an object), if it has one.
 */
export function readStatus(error: unknown): KubernetesStatus | undefined {
  let body = (error as { body?: unknown } | undefined)?.body;
  if (typeof body === 'string') {
    const text = body.trim();
    try {
      body = JSON.parse(text);
    } catch {
      return text ? { message: text } : undefined;
    }
  }
  if (body && typeof body === 'object') {
    return body as KubernetesStatus;
  }
  return undefined;
}

/** The HTTP status of client-node's ApiException, else undefined. */
export function httpStatusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

function sections(list: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of list.split(',')) {
    const at = item.indexOf('=');
    if (at > 0) {
      result[item.slice(0, at).trim()] = item.slice(at + 1).trim();
    }
  }
  return result;
}

/**
 * Reads the apiserver's quota refusal, e.g. `exceeded quota:
 * tenant-jobs-quota, requested: count/jobs.batch=1, used:
 * count/jobs.batch=1, limited: count/jobs.batch=1`.
 */
export function parseQuotaMessage(message: string):
  | {
      quota: string;
      requested: Record<string, string>;
      used: Record<string, string>;
      limited: Record<string, string>;
    }
  | undefined {
  const match =
    /exceeded quota: ([^,]+), requested: (.*?), used: (.*?), limited: (.*)$/.exec(
      message,
    );
  if (!match) {
    return undefined;
  }
  return {
    quota: match[1].trim(),
    requested: sections(match[2]),
    used: sections(match[3]),
    limited: sections(match[4]),
  };
}

/**
 * Reads an RBAC refusal, e.g. `jobs.batch is forbidden: User "system:…"
 * cannot create resource "jobs" in API group "batch" in the namespace "x"`.
 */
export function parseRbacMessage(message: string):
  | {
      user: string;
      verb: string;
      resource: string;
      group: string;
      namespace?: string;
    }
  | undefined {
  const match =
    /User "([^"]*)" cannot (\S+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]+)")?/.exec(
      message,
    );
  if (!match) {
    return undefined;
  }
  return {
    user: match[1],
    verb: match[2],
    resource: match[3],
    group: match[4] ?? '',
    namespace: match[5],
  };
}

function describeInvalid(status: KubernetesStatus | undefined): string {
  const causes = (status?.details?.causes ?? []).filter(c => c.field);
  if (causes.length === 0) {
    return status?.message ?? 'the object is invalid';
  }
  return `invalid fields: ${causes
    .map(c => `${c.field}: ${c.message ?? c.reason ?? 'invalid'}`)
    .join('; ')}`;
}

function fromApiException(
  code: number,
  status: KubernetesStatus | undefined,
  { cluster, action }: ClusterErrorContext,
): Error {
  const message = status?.message ?? `HTTP ${code}`;
  const refused = `Cluster '${cluster}' refused to ${action}`;

  if (code === 401) {
    return new Error(
      `Cluster '${cluster}' did not accept the Tenant Jobs backend's credentials (401 Unauthorized) when trying to ${action}: ` +
        `the token is invalid or expired, or belongs to another cluster; check tenantJobs.clusters '${cluster}' auth`,
    );
  }
  if (code === 403) {
    const rbac = parseRbacMessage(message);
    if (rbac && TENANT_READER_RESOURCES.has(rbac.resource) && rbac.namespace) {
      return new NamespaceNotReadableError(
        `The Tenant Jobs backend may not ${rbac.verb} ${rbac.resource} in namespace ${rbac.namespace} of cluster '${cluster}' (${rbac.user}). ` +
          `It reads logs and events only in tenant namespaces, through the RoleBinding ${TENANT_READER_ROLE_BINDING_NAME} that provisioning creates there: ` +
          `right after provisioning RBAC may take a moment to catch up; otherwise the namespace was not provisioned by this backend, ` +
          `or the ClusterRole ${TENANT_READER_CLUSTER_ROLE_NAME} (plugins/tenant-jobs-backend/deploy/clusterrole.yaml) is missing. Apiserver: ${message}`,
      );
    }
    if (rbac) {
      const group = rbac.group
        ? `API group '${rbac.group}'`
        : 'the core API group';
      const where = rbac.namespace
        ? `in namespace ${rbac.namespace}`
        : 'at cluster scope';
      return new Error(
        `The Tenant Jobs backend is not allowed to ${rbac.verb} ${rbac.resource} ${where} in cluster '${cluster}' ` +
          `(${rbac.user}): the installation is misconfigured. Its ClusterRole (plugins/tenant-jobs-backend/deploy/clusterrole.yaml) ` +
          `must grant verb '${rbac.verb}' on resource '${rbac.resource}' in ${group}, and be bound to the backend's ` +
          `ServiceAccount. Apiserver: ${message}`,
      );
    }
    if (message.includes(CONFINEMENT_POLICY_REFERENCE)) {
      return new Error(
        `${refused}: the Tenant Jobs confinement policy (plugins/tenant-jobs-backend/deploy/validatingadmissionpolicy.yaml) does not allow it. ${message}`,
      );
    }
    if (/exceeded quota/i.test(message)) {
      return new QuotaExceededError(
        `${refused}: the tenant's quota does not allow it: ${message}`,
        message,
      );
    }
    const terminating = (status?.details?.causes ?? []).some(
      c => c.reason === 'NamespaceTerminating',
    );
    if (terminating || /because it is being terminated/.test(message)) {
      return new ConflictError(
        `${refused}: the namespace is being deleted; try again once it is gone (${message})`,
      );
    }
    // Admission: PodSecurity, LimitRange, policy webhooks, ...
    return new InputError(`${refused}: ${message}`);
  }
  if (code === 404) {
    return new NotFoundError(
      `Not found in cluster '${cluster}' when trying to ${action}: ${message}`,
    );
  }
  if (code === 409) {
    return new ConflictError(`${refused}: ${message}`);
  }
  if (code === 422) {
    return new InputError(`${refused}: ${describeInvalid(status)}`);
  }
  if (code === 429) {
    return new ServiceUnavailableError(
      `Cluster '${cluster}' is throttling requests; try again shortly (${message})`,
    );
  }
  if (code >= 500) {
    return new ServiceUnavailableError(
      `Cluster '${cluster}' failed to ${action} (HTTP ${code}): ${message}`,
    );
  }
  // A log asked of a container that has not started: nothing to read yet.
  if (code === 400 && /is waiting to start|PodInitializing/.test(message)) {
    return new ConflictError(
      `The pod has not started yet; its log can be read once its container runs (${message})`,
    );
  }
  // 400 and other 4xx: the request the backend built was malformed.
  return new Error(`${refused} (HTTP ${code}): ${message}`);
}

function systemCodeOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Turns a failed apiserver call into an error a caller can act on, as
 * `@backstage/errors` types that the backend maps to HTTP statuses:
 *
 * | Apiserver answer                                   | Error                                  |
 * | -------------------------------------------------- | -------------------------------------- |
 * | 403 `exceeded quota: …`                            | QuotaExceededError (ConflictError, 409)|
 * | 403 RBAC `User "…" cannot <verb> resource "…"`     | Error (500), names the missing rule    |
 * | 403 by the confinement policy                      | Error (500), the policy's reason       |
 * | 403 namespace being terminated                     | ConflictError (409)                    |
 * | 403 other admission (PodSecurity, LimitRange, …)   | InputError (400)                       |
 * | 422 Invalid                                        | InputError (400), lists the fields     |
 * | 409 AlreadyExists / Conflict                       | ConflictError (409)                    |
 * | 404                                                | NotFoundError (404)                    |
 * | 401                                                | Error (500): credentials misconfigured |
 * | 429, 5xx                                           | ServiceUnavailableError (503)          |
 * | 400 log of a container that is waiting to start    | ConflictError (409): not started yet   |
 * | other 4xx (400 BadRequest)                         | Error (500): the backend built it wrong|
 * | connection refused/reset, DNS, timeout             | ServiceUnavailableError (503)          |
 * | TLS verification failed                            | Error (500): caFile/caData is wrong    |
 *
 * Errors that are not from the apiserver or the network (a missing token
 * file, an already translated error) are returned unchanged.
 */
export function toClusterError(
  error: unknown,
  context: ClusterErrorContext,
): Error {
  const code = httpStatusOf(error);
  if (code !== undefined) {
    return fromApiException(code, readStatus(error), context);
  }
  const e = error as
    | {
        name?: string;
        code?: unknown;
        type?: string;
        message?: string;
        cause?: { code?: unknown };
      }
    | undefined;
  const systemCode = systemCodeOf(e?.code) ?? systemCodeOf(e?.cause?.code);
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') {
    return new ServiceUnavailableError(
      `Cluster '${context.cluster}' did not answer in time when trying to ${context.action}`,
    );
  }
  if (systemCode && TLS_ERROR_CODES.has(systemCode)) {
    return new Error(
      [
        `Cluster '${context.cluster}' presented a certificate the backend does not trust (${systemCode}) when trying to ${context.action}:`,
        `set caFile or caData of tenantJobs.clusters '${context.cluster}' to the apiserver's CA.`,
        e?.message ?? '',
      ]
        .join(' ')
        .trim(),
    );
  }
  if (
    (systemCode && NETWORK_ERROR_CODES.has(systemCode)) ||
    (e?.name === 'FetchError' && e.type === 'system')
  ) {
    return new ServiceUnavailableError(
      `Cluster '${context.cluster}' could not be reached to ${
        context.action
      }: ${e?.message ?? systemCode}`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
