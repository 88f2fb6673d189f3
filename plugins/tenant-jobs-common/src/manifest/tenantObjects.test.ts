import type {
  V1LimitRange,
  V1Namespace,
  V1NetworkPolicy,
  V1ResourceQuota,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import type { TenantPlan } from '../types';
import { buildTenantObjects } from './tenantObjects';

const plan: TenantPlan = {
  id: 'standard',
  maxTier: 'large',
  quota: { cpu: '8', memory: '16Gi', pods: 10, jobs: 50 },
};

const gpuPlan: TenantPlan = {
  id: 'ml',
  maxTier: 'enterprise',
  quota: { cpu: '64', memory: '128Gi', gpu: 4 },
};

function objectsOf(p: TenantPlan = plan, options = {}) {
  const [namespace, quota, limitRange, networkPolicy, serviceAccount] =
    buildTenantObjects('enterprise-001', p, options);
  return {
    namespace: namespace as V1Namespace,
    quota: quota as V1ResourceQuota,
    limitRange: limitRange as V1LimitRange,
    networkPolicy: networkPolicy as V1NetworkPolicy,
    serviceAccount: serviceAccount as V1ServiceAccount,
  };
}

const tenantLabels = {
  'app.kubernetes.io/managed-by': 'tenant-jobs',
  'tenant-jobs.io/tenant': 'enterprise-001',
};

describe('buildTenantObjects', () => {
  it('returns the objects, Namespace first, all in the namespace', () => {
    const objects = buildTenantObjects('enterprise-001', plan);
    expect(objects.map(o => `${o.apiVersion}/${o.kind}`)).toEqual([
      'v1/Namespace',
      'v1/ResourceQuota',
      'v1/LimitRange',
      'networking.k8s.io/v1/NetworkPolicy',
      'v1/ServiceAccount',
      'v1/ResourceQuota',
      'v1/ResourceQuota',
    ]);
    expect(objects[0].metadata?.name).toBe('tenant-enterprise-001');
    for (const object of objects.slice(1)) {
      expect(object.metadata?.namespace).toBe('tenant-enterprise-001');
    }
    for (const object of objects) {
      expect(object.metadata?.labels).toMatchObject(tenantLabels);
    }
  });

  it('bounds priorities by quotas scoped to PriorityClasses', () => {
    const [, , , , , ceiling, high] = buildTenantObjects(
      'enterprise-001',
      plan,
    );
    expect(ceiling.metadata?.name).toBe('tenant-jobs-priority-ceiling');
    expect((ceiling as V1ResourceQuota).spec).toEqual({
      hard: { pods: '0' },
      scopeSelector: {
        matchExpressions: [
          {
            scopeName: 'PriorityClass',
            operator: 'NotIn',
            values: [
              'tenant-jobs-high',
              'tenant-jobs-normal',
              'tenant-jobs-low',
              'tenant-jobs-batch',
            ],
          },
        ],
      },
    });
    expect((high as V1ResourceQuota).spec).toEqual({
      hard: { pods: '5' },
      scopeSelector: {
        matchExpressions: [
          {
            scopeName: 'PriorityClass',
            operator: 'In',
            values: ['tenant-jobs-high'],
          },
        ],
      },
    });
    // A plan that stops at normal has no high-priority band at all.
    const modest = buildTenantObjects('enterprise-001', {
      ...plan,
      maxPriority: 'normal',
    });
    expect(modest.map(o => o.metadata?.name)).not.toContain(
      'tenant-jobs-high-priority',
    );
  });

  it('uses the namespace pattern', () => {
    const { namespace, quota } = objectsOf(plan, {
      namespacePattern: '{tenant}-jobs',
    });
    expect(namespace.metadata?.name).toBe('enterprise-001-jobs');
    expect(quota.metadata?.namespace).toBe('enterprise-001-jobs');
  });

  it('labels the namespace for the restricted Pod Security Standard', () => {
    expect(objectsOf().namespace.metadata?.labels).toEqual({
      ...tenantLabels,
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'latest',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'latest',
    });
  });

  it('sets the quota from the plan, with no GPUs by default', () => {
    const { quota } = objectsOf();
    expect(quota.metadata?.name).toBe('tenant-jobs-quota');
    expect(quota.spec).toEqual({
      hard: {
        'requests.cpu': '8',
        'limits.cpu': '8',
        'requests.memory': '16Gi',
        'limits.memory': '16Gi',
        'requests.nvidia.com/gpu': '0',
        pods: '10',
        'count/jobs.batch': '50',
        'count/cronjobs.batch': '25',
      },
    });
  });

  it('grants GPUs and default pod and job counts', () => {
    expect(objectsOf(gpuPlan).quota.spec?.hard).toMatchObject({
      'requests.nvidia.com/gpu': '4',
      pods: '20',
      'count/jobs.batch': '200',
    });
  });

  it('defaults containers to micro and caps them at the plan maximum tier', () => {
    const { limitRange } = objectsOf();
    expect(limitRange.metadata?.name).toBe('tenant-jobs-limits');
    expect(limitRange.spec?.limits).toEqual([
      {
        type: 'Container',
        _default: { cpu: '100m', memory: '128Mi' },
        defaultRequest: { cpu: '100m', memory: '128Mi' },
        max: { cpu: '2', memory: '4Gi' },
      },
    ]);
  });

  it('never puts GPUs in the LimitRange: the apiserver makes its max the default', () => {
    const [limits] = objectsOf(gpuPlan).limitRange.spec!.limits;
    expect(limits.max).toEqual({ cpu: '16', memory: '32Gi' });
    expect(limits._default).not.toHaveProperty('nvidia.com/gpu');
    expect(limits.defaultRequest).not.toHaveProperty('nvidia.com/gpu');
  });

  it('denies all ingress and egress except DNS to kube-dns', () => {
    const { networkPolicy } = objectsOf();
    expect(networkPolicy.metadata?.name).toBe('tenant-jobs-default-deny');
    expect(networkPolicy.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [
        {
          to: [
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
              },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });
  });

  it('lets the DNS location be configured', () => {
    const { networkPolicy } = objectsOf(plan, {
      dns: { namespace: 'dns', podLabels: { app: 'coredns' } },
    });
    expect(networkPolicy.spec?.egress?.[0].to).toEqual([
      {
        namespaceSelector: {
          matchLabels: { 'kubernetes.io/metadata.name': 'dns' },
        },
        podSelector: { matchLabels: { app: 'coredns' } },
      },
    ]);
  });

  it('creates the runner ServiceAccount without token automount', () => {
    const { serviceAccount } = objectsOf();
    expect(serviceAccount.metadata?.name).toBe('tenant-jobs-runner');
    expect(serviceAccount.automountServiceAccountToken).toBe(false);
    expect(serviceAccount).not.toHaveProperty('secrets');
  });

  it('refuses invalid tenants, patterns and plans', () => {
    expect(() => buildTenantObjects('Bad', plan)).toThrow(
      "Invalid tenant id 'Bad'",
    );
    expect(() =>
      buildTenantObjects('acme', plan, { namespacePattern: 'x' }),
    ).toThrow('exactly once');
    expect(() =>
      buildTenantObjects('acme', {
        ...plan,
        quota: { cpu: 'x', memory: '1Gi' },
      }),
    ).toThrow("quota.cpu 'x' is not a quantity");
  });
});
