import { DEFAULT_NAMESPACE_PATTERN } from '../constants';
import {
  TENANT_ID_MAX_LENGTH,
  isDns1123Label,
  isValidTenantId,
  reservedNameMatch,
} from '../names';

const TENANT_PLACEHOLDER = '{tenant}';
const RUN_SUFFIX = /^[a-z0-9]{1,10}$/;
const MAX_NAME_LENGTH = 63;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/**
 * A run's timestamp as it appears in Job names: `yyyymmdd-hhmmss` in UTC.
 *
 * @public
 */
export function formatRunTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new Error('Invalid date');
  }
  return (
    `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(
      date.getUTCDate(),
    )}-` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(
      date.getUTCSeconds(),
    )}`
  );
}

/**
 * The Kubernetes name of a run's Job:
 * `<type>-<tenant>-<yyyymmdd-hhmmss>-<suffix>`, the timestamp in UTC.
 *
 * The result is always a DNS-1123 label of at most 63 characters (the Job
 * controller copies the name into a label on its pods). When too long, the
 * `<type>-<tenant>` part is cut, never the timestamp or the suffix, which
 * keep names unique; the labels on the Job, not its name, are what to
 * select on.
 *
 * @param jobType - a job type id (DNS-1123 label)
 * @param tenantId - a tenant id
 * @param date - the submission time
 * @param suffix - 1 to 10 lowercase letters and digits, random per run
 *   (5 like Kubernetes' `generateName` is plenty)
 * @public
 */
export function buildRunName(
  jobType: string,
  tenantId: string,
  date: Date,
  suffix: string,
): string {
  if (!isDns1123Label(jobType)) {
    throw new Error(`Invalid job type id '${jobType}'`);
  }
  if (!isValidTenantId(tenantId)) {
    throw new Error(`Invalid tenant id '${tenantId}'`);
  }
  if (!RUN_SUFFIX.test(suffix)) {
    throw new Error(
      `Invalid run name suffix '${suffix}': use 1 to 10 lowercase letters and digits`,
    );
  }
  const tail = `${formatRunTimestamp(date)}-${suffix}`;
  const room = MAX_NAME_LENGTH - tail.length - 1;
  const head = `${jobType}-${tenantId}`.slice(0, room).replace(/-+$/, '');
  return `${head}-${tail}`;
}

/**
 * Why a namespace pattern is unusable, or `undefined` when it is fine. A
 * pattern holds `{tenant}` exactly once and otherwise only lowercase
 * letters, digits and `-`, and yields a DNS-1123 label for every tenant id
 * (up to 40 characters), e.g. `tenant-{tenant}` or `{tenant}-jobs`. It
 * puts a fixed prefix ending in `-` or a fixed suffix starting with `-`
 * around the id, so no tenant id can name a namespace that is not the
 * product's (`kube-system`, `default`), and the prefix is not a reserved
 * one (`kube-`, `openshift-`).
 *
 * @public
 */
export function validateNamespacePattern(pattern: string): string | undefined {
  const parts = pattern.split(TENANT_PLACEHOLDER);
  if (parts.length !== 2) {
    return `namespace pattern '${pattern}' must contain '${TENANT_PLACEHOLDER}' exactly once`;
  }
  if (!parts.every(part => /^[a-z0-9-]*$/.test(part))) {
    return `namespace pattern '${pattern}' may contain only lowercase letters, digits, '-' and '${TENANT_PLACEHOLDER}'`;
  }
  const longest = pattern.replace(
    TENANT_PLACEHOLDER,
    'a'.repeat(TENANT_ID_MAX_LENGTH),
  );
  if (longest.length > MAX_NAME_LENGTH) {
    return `namespace pattern '${pattern}' leaves too little room: with a ${TENANT_ID_MAX_LENGTH}-character tenant id the name exceeds ${MAX_NAME_LENGTH} characters`;
  }
  if (!isDns1123Label(longest)) {
    return `namespace pattern '${pattern}' must start and end with a letter, a digit or '${TENANT_PLACEHOLDER}'`;
  }
  const [prefix, suffix] = parts;
  if (!/^[a-z0-9].*-$/.test(prefix) && !/^-.*[a-z0-9]$/.test(suffix)) {
    return `namespace pattern '${pattern}' must put a fixed prefix ending in '-' (e.g. 'tenant-${TENANT_PLACEHOLDER}') or a fixed suffix starting with '-' (e.g. '${TENANT_PLACEHOLDER}-jobs') around '${TENANT_PLACEHOLDER}', so a tenant id cannot name a namespace of the cluster's own`;
  }
  const reserved = prefix && reservedNameMatch(`${prefix}x`);
  if (reserved) {
    return `namespace pattern '${pattern}' would put every tenant into reserved namespaces (${reserved})`;
  }
  return undefined;
}

/**
 * The namespace of a tenant: `pattern` with `{tenant}` replaced by the
 * tenant id. Throws for an invalid pattern or tenant id.
 *
 * @param pattern - see {@link validateNamespacePattern}; defaults to
 *   `tenant-{tenant}`
 * @public
 */
export function tenantNamespaceName(
  pattern: string | undefined,
  tenantId: string,
): string {
  const effective = pattern ?? DEFAULT_NAMESPACE_PATTERN;
  const problem = validateNamespacePattern(effective);
  if (problem) {
    throw new Error(problem);
  }
  if (!isValidTenantId(tenantId)) {
    throw new Error(`Invalid tenant id '${tenantId}'`);
  }
  return effective.replace(TENANT_PLACEHOLDER, tenantId);
}
