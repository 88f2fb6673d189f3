import type {
  V1LimitRange,
  V1Namespace,
  V1NetworkPolicy,
  V1ResourceQuota,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import {
  DEFAULT_DENY_NETWORK_POLICY_NAME,
  GPU_RESOURCE_NAME,
  RUNNER_SERVICE_ACCOUNT_NAME,
  TENANT_LIMIT_RANGE_NAME,
  TENANT_QUOTA_NAME,
} from '../constants';
import { resolvePlanLimits, validateTenantPlan } from '../plans';
import { TIERS, getTier } from '../tiers';
import type { TenantPlan } from '../types';
import { tenantLabels } from './labels';
import { tenantNamespaceName } from './names';
import { buildTenantPriorityQuotas } from './priorityQuotas';

/**
 * Where the cluster DNS pods run, for the one egress rule tenants get.
 *
 * @public
 */
export interface ClusterDnsSelector {
  /** Namespace of the DNS pods; `kube-system` by default. */
  namespace: string;
  /** Labels of the DNS pods; `k8s-app: kube-dns` by default (CoreDNS too). */
  podLabels: Record<string, string>;
}

/**
 * Options of {@link buildTenantObjects}.
 *
 * @public
 */
export interface TenantObjectsOptions {
  /** The namespace pattern; `tenant-{tenant}` by default. */
  namespacePattern?: string;
  /** Where cluster DNS runs; kube-system's kube-dns pods by default. */
  dns?: ClusterDnsSelector;
}

/**
 * Objects provisioned in every tenant namespace, in the order to apply.
 *
 * @public
 */
export type TenantObject =
  | V1Namespace
  | V1ResourceQuota
  | V1LimitRange
  | V1NetworkPolicy
  | V1ServiceAccount;

const DEFAULT_DNS: ClusterDnsSelector = {
  namespace: 'kube-system',
  podLabels: { 'k8s-app': 'kube-dns' },
};

const POD_SECURITY_LEVEL = 'restricted';

/**
 * The tenant's namespace, enforcing the `restricted` Pod Security Standard
 * (and warning and auditing on it) at the latest version.
 *
 * @public
 */
export function buildTenantNamespace(
  tenantId: string,
  namespace: string,
): V1Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      labels: {
        ...tenantLabels(tenantId),
        'pod-security.kubernetes.io/enforce': POD_SECURITY_LEVEL,
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': POD_SECURITY_LEVEL,
        'pod-security.kubernetes.io/warn-version': 'latest',
        'pod-security.kubernetes.io/audit': POD_SECURITY_LEVEL,
        'pod-security.kubernetes.io/audit-version': 'latest',
      },
    },
  };
}

/**
 * The tenant's ResourceQuota from its plan. CPU and memory bound requests
 * and limits alike (they are equal for jobs); GPUs are `0` unless the plan
 * grants some, so a tenant without GPU quota cannot schedule a GPU pod.
 *
 * @public
 */
export function buildTenantResourceQuota(
  tenantId: string,
  namespace: string,
  plan: TenantPlan,
): V1ResourceQuota {
  const limits = resolvePlanLimits(plan);
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: {
      name: TENANT_QUOTA_NAME,
      namespace,
      labels: tenantLabels(tenantId),
    },
    spec: {
      hard: {
        'requests.cpu': limits.cpu,
        'limits.cpu': limits.cpu,
        'requests.memory': limits.memory,
        'limits.memory': limits.memory,
        [`requests.${GPU_RESOURCE_NAME}`]: String(limits.gpu),
        pods: String(limits.pods),
        'count/jobs.batch': String(limits.jobs),
        // The apiserver's own bound on schedules, beside the plugin's.
        'count/cronjobs.batch': String(limits.maxSchedules),
      },
    },
  };
}

/**
 * The tenant's LimitRange: containers that state no resources get the
 * smallest tier (the quota needs every pod to state them), and no container
 * may exceed the plan's maximum tier.
 *
 * @public
 */
export function buildTenantLimitRange(
  tenantId: string,
  namespace: string,
  plan: TenantPlan,
): V1LimitRange {
  const smallest = TIERS[0];
  const largest = getTier(plan.maxTier);
  // No GPU entry: the apiserver defaults a LimitRange's missing `default`
  // to its `max`, so a GPU max would hand every container GPUs. GPUs are
  // bounded by the ResourceQuota and the tiers instead.
  const max: Record<string, string> = {
    cpu: largest.cpu,
    memory: largest.memory,
  };
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: {
      name: TENANT_LIMIT_RANGE_NAME,
      namespace,
      labels: tenantLabels(tenantId),
    },
    spec: {
      limits: [
        {
          type: 'Container',
          _default: { cpu: smallest.cpu, memory: smallest.memory },
          defaultRequest: { cpu: smallest.cpu, memory: smallest.memory },
          max,
        },
      ],
    },
  };
}

/**
 * The tenant's default-deny NetworkPolicy: no ingress at all, egress only
 * to cluster DNS on port 53 (UDP and TCP). Adopters whose jobs need more
 * add their own policies next to it; policies are additive.
 *
 * @public
 */
export function buildTenantNetworkPolicy(
  tenantId: string,
  namespace: string,
  dns: ClusterDnsSelector = DEFAULT_DNS,
): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: DEFAULT_DENY_NETWORK_POLICY_NAME,
      namespace,
      labels: tenantLabels(tenantId),
    },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [
        {
          to: [
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': dns.namespace },
              },
              podSelector: { matchLabels: { ...dns.podLabels } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    },
  };
}

/**
 * The ServiceAccount jobs run as. It has no roles and mounts no token.
 *
 * @public
 */
export function buildRunnerServiceAccount(
  tenantId: string,
  namespace: string,
): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: RUNNER_SERVICE_ACCOUNT_NAME,
      namespace,
      labels: tenantLabels(tenantId),
    },
    automountServiceAccountToken: false,
  };
}

/**
 * Everything a tenant namespace holds, Namespace first (then quota, limits,
 * network policy, runner ServiceAccount and the priority-scoped quotas of
 * {@link buildTenantPriorityQuotas}), ready for
 * server-side apply. Throws for an invalid tenant id, namespace pattern or
 * plan.
 *
 * @public
 */
export function buildTenantObjects(
  tenantId: string,
  plan: TenantPlan,
  options: TenantObjectsOptions = {},
): TenantObject[] {
  const namespace = tenantNamespaceName(options.namespacePattern, tenantId);
  const problems = validateTenantPlan(plan);
  if (problems.length > 0) {
    throw new Error(problems.join('; '));
  }
  return [
    buildTenantNamespace(tenantId, namespace),
    buildTenantResourceQuota(tenantId, namespace, plan),
    buildTenantLimitRange(tenantId, namespace, plan),
    buildTenantNetworkPolicy(tenantId, namespace, options.dns),
    buildRunnerServiceAccount(tenantId, namespace),
    ...buildTenantPriorityQuotas(tenantId, namespace, plan),
  ];
}
