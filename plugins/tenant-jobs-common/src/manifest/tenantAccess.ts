import type { RbacV1Subject, V1RoleBinding } from '@kubernetes/client-node';
import { tenantLabels } from './labels';

/**
 * The ClusterRole that lets the backend read pod logs and events. It is
 * never bound cluster-wide: the backend binds it to itself in each tenant
 * namespace it provisions (see `plugins/tenant-jobs-backend/deploy`).
 *
 * @public
 */
export const TENANT_READER_CLUSTER_ROLE_NAME =
  'tenant-jobs-backend-tenant-reader';

/**
 * Name of the RoleBinding of {@link TENANT_READER_CLUSTER_ROLE_NAME} in
 * every tenant namespace.
 *
 * @public
 */
export const TENANT_READER_ROLE_BINDING_NAME =
  'tenant-jobs-backend-tenant-reader';

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/**
 * The RBAC subject of an authenticated user name, as the apiserver reports
 * it (e.g. by a SelfSubjectReview): `system:serviceaccount:<ns>:<name>` is
 * that ServiceAccount, anything else a User of that name.
 *
 * @public
 */
export function rbacSubjectOf(username: string): RbacV1Subject {
  if (username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
    const [namespace, name, ...rest] = username
      .slice(SERVICE_ACCOUNT_PREFIX.length)
      .split(':');
    if (namespace && name && rest.length === 0) {
      return { kind: 'ServiceAccount', namespace, name };
    }
  }
  if (!username) {
    throw new Error('An RBAC subject needs a non-empty user name');
  }
  return {
    kind: 'User',
    apiGroup: 'rbac.authorization.k8s.io',
    name: username,
  };
}

/**
 * The RoleBinding that grants the backend ({@link rbacSubjectOf} its own
 * user name) {@link TENANT_READER_CLUSTER_ROLE_NAME} in a tenant's
 * namespace, for server-side apply after the namespace. The apiserver's
 * confinement policy allows the backend no other role and no other
 * subject.
 *
 * @public
 */
export function buildTenantReaderRoleBinding(
  tenantId: string,
  namespace: string,
  backendUsername: string,
): V1RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name: TENANT_READER_ROLE_BINDING_NAME,
      namespace,
      labels: tenantLabels(tenantId),
    },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: TENANT_READER_CLUSTER_ROLE_NAME,
    },
    subjects: [rbacSubjectOf(backendUsername)],
  };
}
