/**
 * Kubernetes naming rules the plugin relies on. Pure checks, no I/O.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

/**
 * Maximum length of a tenant id. Shorter than a DNS-1123 label so that the
 * namespace pattern and run names have room around it.
 *
 * @public
 */
export const TENANT_ID_MAX_LENGTH = 40;

/**
 * Whether `value` is a DNS-1123 label (namespace and Job names): at most 63
 * lowercase letters, digits and `-`, starting and ending with a letter or
 * digit.
 *
 * @public
 */
export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

/**
 * Whether `value` is a DNS-1123 subdomain (Secret names): at most 253
 * characters of dot-separated DNS-1123 labels.
 *
 * @public
 */
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/**
 * Whether `value` is a valid Kubernetes label value (63 characters at most,
 * may be empty).
 *
 * @public
 */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/**
 * Whether `value` is a valid label or annotation key: an optional DNS-1123
 * subdomain prefix and `/`, then a name of at most 63 characters.
 *
 * @public
 */
export function isQualifiedKey(value: string): boolean {
  const slash = value.indexOf('/');
  const prefix = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) {
    return false;
  }
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

/**
 * Whether `value` is a valid tenant id: a DNS-1123 label of at most
 * {@link TENANT_ID_MAX_LENGTH} characters.
 *
 * @public
 */
export function isValidTenantId(value: string): boolean {
  return value.length <= TENANT_ID_MAX_LENGTH && isDns1123Label(value);
}

/**
 * Names no tenant id or tenant namespace may take, because the cluster or
 * its distribution owns them: `default`, `kube-*` and `openshift-*`. A
 * trailing `*` matches any rest.
 *
 * @public
 */
export const RESERVED_NAMES: readonly string[] = Object.freeze([
  'default',
  'kube',
  'kube-*',
  'openshift',
  'openshift-*',
]);

/**
 * The reserved name or pattern `value` matches, or `undefined` when it is
 * free: one of {@link RESERVED_NAMES} or of `extra` (same syntax, e.g. a
 * platform team's `platform-*`).
 *
 * @public
 */
export function reservedNameMatch(
  value: string,
  extra: readonly string[] = [],
): string | undefined {
  return [...RESERVED_NAMES, ...extra].find(pattern =>
    pattern.endsWith('*')
      ? value.startsWith(pattern.slice(0, -1))
      : value === pattern,
  );
}
