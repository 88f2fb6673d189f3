import type {
  V1Container,
  V1EphemeralContainer,
  V1PodSpec,
  V1SecurityContext,
} from '@kubernetes/client-node';
import { restrictedPodSecurityViolations } from './podSecurity';
import {
  containerSecurityContext,
  podSecurityContext,
} from './securityContext';

/** A container that complies on its own, without pod-level settings. */
function container(
  name = 'job',
  securityContext: V1SecurityContext = {},
  extra: Partial<V1Container> = {},
): V1Container {
  return {
    name,
    image: 'python:3.12-slim',
    securityContext: {
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
      ...securityContext,
    },
    ...extra,
  };
}

function ephemeral(
  name: string,
  securityContext: V1SecurityContext = {},
): V1EphemeralContainer {
  return { ...container(name, securityContext), targetContainerName: 'job' };
}

/** A compliant pod spec with the given changes. */
function pod(changes: Partial<V1PodSpec> = {}): V1PodSpec {
  return {
    restartPolicy: 'Never',
    securityContext: podSecurityContext(),
    containers: [
      {
        name: 'job',
        image: 'python:3.12-slim',
        securityContext: containerSecurityContext(),
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      },
    ],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }],
    ...changes,
  };
}

const check = restrictedPodSecurityViolations;

describe('restrictedPodSecurityViolations', () => {
  describe('compliant specs', () => {
    it('accepts the pod the manifest builder produces', () => {
      expect(check(pod())).toEqual([]);
    });

    it('accepts container-level settings without pod-level ones', () => {
      expect(check({ containers: [container('a'), container('b')] })).toEqual(
        [],
      );
    });

    it('accepts every allowed value of each control', () => {
      expect(
        check(
          pod({
            securityContext: {
              ...podSecurityContext(),
              seccompProfile: {
                type: 'Localhost',
                localhostProfile: 'p.json',
              },
              appArmorProfile: { type: 'RuntimeDefault' },
              seLinuxOptions: { type: 'container_t', level: 's0:c1,c2' },
              windowsOptions: { hostProcess: false },
              sysctls: [
                { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' },
                { name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' },
              ],
            },
            hostNetwork: false,
            hostPID: false,
            hostIPC: false,
            containers: [
              container(
                'job',
                {
                  privileged: false,
                  procMount: 'Default',
                  capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
                  appArmorProfile: {
                    type: 'Localhost',
                    localhostProfile: 'k8s-job',
                  },
                  seLinuxOptions: { type: 'container_engine_t' },
                  runAsUser: 1000,
                },
                {
                  ports: [{ containerPort: 80, hostPort: 0 }],
                  livenessProbe: {
                    httpGet: { path: '/healthz', port: 80, host: '' },
                  },
                  readinessProbe: { tcpSocket: { port: 80 } },
                  lifecycle: { preStop: { httpGet: { port: 80 } } },
                },
              ),
            ],
            volumes: [
              { name: 'a', configMap: { name: 'cm' } },
              { name: 'b', csi: { driver: 'secrets-store.csi.k8s.io' } },
              { name: 'c', downwardAPI: {} },
              { name: 'd', emptyDir: {} },
              { name: 'e', ephemeral: {} },
              { name: 'f', persistentVolumeClaim: { claimName: 'data' } },
              { name: 'g', projected: { sources: [] } },
              { name: 'h', secret: { secretName: 's' } },
            ],
          }),
          {
            annotations: {
              'container.apparmor.security.beta.kubernetes.io/job':
                'runtime/default',
              'container.apparmor.security.beta.kubernetes.io/other':
                'localhost/k8s-job',
            },
          },
        ),
      ).toEqual([]);
    });

    it('accepts a spec with no containers at all', () => {
      expect(check({ containers: [] })).toEqual([]);
    });
  });

  describe('Baseline controls', () => {
    it('refuses Windows HostProcess on the pod or a container', () => {
      expect(
        check(
          pod({
            securityContext: {
              ...podSecurityContext(),
              windowsOptions: { hostProcess: true },
            },
          }),
        ),
      ).toEqual([
        'hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)',
      ]);
      expect(
        check({
          containers: [
            container('job', { windowsOptions: { hostProcess: true } }),
          ],
        }),
      ).toEqual([
        'hostProcess (container "job" must not set securityContext.windowsOptions.hostProcess=true)',
      ]);
    });

    it('refuses host namespaces', () => {
      expect(check(pod({ hostNetwork: true }))).toEqual([
        'host namespaces (hostNetwork=true)',
      ]);
      expect(check(pod({ hostPID: true, hostIPC: true }))).toEqual([
        'host namespaces (hostPID=true, hostIPC=true)',
      ]);
    });

    it('refuses privileged containers', () => {
      expect(
        check({ containers: [container('job', { privileged: true })] }),
      ).toEqual([
        'privileged (container "job" must not set securityContext.privileged=true)',
      ]);
    });

    it('refuses a hostPath volume', () => {
      expect(
        check(
          pod({
            volumes: [{ name: 'docker', hostPath: { path: '/var/run' } }],
          }),
        ),
      ).toEqual([
        'restricted volume types (volume "docker" uses restricted volume type "hostPath")',
      ]);
    });

    it('refuses host ports', () => {
      expect(
        check({
          containers: [
            container(
              'job',
              {},
              {
                ports: [
                  { containerPort: 80, hostPort: 8080 },
                  { containerPort: 443, hostPort: 8443 },
                  { containerPort: 9090 },
                ],
              },
            ),
          ],
        }),
      ).toEqual(['hostPort (container "job" uses hostPorts 8080, 8443)']);
    });

    it('refuses the Unconfined AppArmor profile at either level', () => {
      expect(
        check(
          pod({
            securityContext: {
              ...podSecurityContext(),
              appArmorProfile: { type: 'Unconfined' },
            },
          }),
        ),
      ).toEqual([
        'forbidden AppArmor profile (pod must not set securityContext.appArmorProfile.type to "Unconfined")',
      ]);
      expect(
        check({
          containers: [
            container('job', { appArmorProfile: { type: 'Unconfined' } }),
          ],
        }),
      ).toEqual([
        'forbidden AppArmor profile (container "job" must not set securityContext.appArmorProfile.type to "Unconfined")',
      ]);
    });

    it('refuses an unconfined AppArmor annotation', () => {
      expect(
        check(pod(), {
          annotations: {
            'container.apparmor.security.beta.kubernetes.io/job': 'unconfined',
            'tenant-jobs.io/entity-ref': 'component:default/x',
          },
        }),
      ).toEqual([
        'forbidden AppArmor profile (container.apparmor.security.beta.kubernetes.io/job="unconfined")',
      ]);
    });

    it('refuses custom SELinux types, users and roles', () => {
      expect(
        check(
          pod({
            securityContext: {
              ...podSecurityContext(),
              seLinuxOptions: { type: 'spc_t' },
            },
          }),
        ),
      ).toEqual([
        'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t")',
      ]);
      expect(
        check({
          containers: [
            container('job', {
              seLinuxOptions: { user: 'system_u', role: 'system_r' },
            }),
          ],
        }),
      ).toEqual([
        'seLinuxOptions (container "job" set forbidden securityContext.seLinuxOptions: user may not be set; role may not be set)',
      ]);
    });

    it('refuses an unmasked /proc mount', () => {
      expect(
        check({
          containers: [container('job', { procMount: 'Unmasked' })],
        }),
      ).toEqual([
        'procMount (container "job" must not set securityContext.procMount to "Unmasked")',
      ]);
    });

    it('refuses the /proc mount even for a user-namespace pod', () => {
      expect(
        check({
          hostUsers: false,
          containers: [container('job', { procMount: 'Unmasked' })],
        }),
      ).toHaveLength(1);
    });

    it('refuses sysctls outside the safe set', () => {
      expect(
        check(
          pod({
            securityContext: {
              ...podSecurityContext(),
              sysctls: [
                { name: 'kernel.shm_rmid_forced', value: '1' },
                { name: 'kernel.msgmax', value: '65536' },
                { name: 'net.core.somaxconn', value: '1024' },
              ],
            },
          }),
        ),
      ).toEqual(['forbidden sysctls (kernel.msgmax, net.core.somaxconn)']);
    });

    it('refuses a host in probes and lifecycle handlers', () => {
      expect(
        check({
          containers: [
            container(
              'job',
              {},
              {
                startupProbe: { tcpSocket: { port: 22, host: '10.0.0.1' } },
                lifecycle: {
                  postStart: {
                    httpGet: { port: 80, host: 'metadata.internal' },
                  },
                },
              },
            ),
          ],
        }),
      ).toEqual([
        'probe or lifecycle host (container "job" uses probe or lifecycle hosts "10.0.0.1", "metadata.internal")',
      ]);
    });
  });

  describe('Restricted controls', () => {
    it('requires dropping ALL capabilities', () => {
      expect(
        check({
          containers: [
            container('job', { capabilities: { drop: ['NET_RAW'] } }),
          ],
        }),
      ).toEqual([
        'unrestricted capabilities (container "job" must set securityContext.capabilities.drop=["ALL"])',
      ]);
      expect(
        check({
          containers: [container('job', { capabilities: undefined })],
        }),
      ).toEqual([
        'unrestricted capabilities (container "job" must set securityContext.capabilities.drop=["ALL"])',
      ]);
    });

    it('allows adding only NET_BIND_SERVICE, even from the Baseline list', () => {
      expect(
        check({
          containers: [
            container('job', {
              capabilities: {
                drop: ['ALL'],
                add: ['NET_BIND_SERVICE', 'CHOWN', 'SYS_ADMIN'],
              },
            }),
          ],
        }),
      ).toEqual([
        'unrestricted capabilities (container "job" must not include "CHOWN", "SYS_ADMIN" in securityContext.capabilities.add)',
      ]);
    });

    it.each([
      ['nfs', { nfs: { server: 'nfs.local', path: '/' } }],
      ['gitRepo', { gitRepo: { repository: 'https://example.com/r.git' } }],
      ['awsElasticBlockStore', { awsElasticBlockStore: { volumeID: 'v' } }],
      ['image', { image: { reference: 'example.com/data:1' } }],
    ])('refuses a %s volume', (type, source) => {
      expect(check(pod({ volumes: [{ name: 'v', ...source }] }))).toEqual([
        `restricted volume types (volume "v" uses restricted volume type "${type}")`,
      ]);
    });

    it('refuses a volume with no known source', () => {
      expect(check(pod({ volumes: [{ name: 'v' }] }))).toEqual([
        'restricted volume types (volume "v" uses restricted volume type "unknown")',
      ]);
    });

    it('requires allowPrivilegeEscalation=false on every container', () => {
      expect(
        check({
          containers: [
            container('a', { allowPrivilegeEscalation: true }),
            container('b', { allowPrivilegeEscalation: undefined }),
            container('c'),
          ],
        }),
      ).toEqual([
        'allowPrivilegeEscalation != false (containers "a", "b" must set securityContext.allowPrivilegeEscalation=false)',
      ]);
    });

    describe('seccomp', () => {
      it('requires a profile on the pod or every container', () => {
        expect(
          check({
            containers: [
              container('a', { seccompProfile: undefined }),
              container('b'),
            ],
          }),
        ).toEqual([
          'seccompProfile (pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
        ]);
      });

      it('lets a pod-level profile cover containers without one', () => {
        expect(
          check({
            securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
            containers: [container('job', { seccompProfile: undefined })],
          }),
        ).toEqual([]);
      });

      it('refuses Unconfined on a container even when the pod sets a profile', () => {
        expect(
          check(
            pod({
              containers: [
                container('job', { seccompProfile: { type: 'Unconfined' } }),
              ],
            }),
          ),
        ).toEqual([
          'seccompProfile (container "job" must not set securityContext.seccompProfile.type to "Unconfined")',
        ]);
      });

      it('refuses Unconfined on the pod even when every container sets a profile', () => {
        expect(
          check(
            pod({
              securityContext: {
                ...podSecurityContext(),
                seccompProfile: { type: 'Unconfined' },
              },
            }),
          ),
        ).toEqual([
          'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
        ]);
      });

      it('does not let an Unconfined pod profile cover containers', () => {
        expect(
          check({
            securityContext: { seccompProfile: { type: 'Unconfined' } },
            containers: [container('job', { seccompProfile: undefined })],
          }),
        ).toEqual([
          'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined"; pod or container "job" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
        ]);
      });
    });

    describe('runAsNonRoot', () => {
      it('requires runAsNonRoot on the pod or every container', () => {
        expect(
          check({
            containers: [
              container('a', { runAsNonRoot: undefined }),
              container('b'),
            ],
          }),
        ).toEqual([
          'runAsNonRoot != true (pod or container "a" must set securityContext.runAsNonRoot=true)',
        ]);
      });

      it('lets the pod-level setting cover containers without one', () => {
        expect(
          check({
            securityContext: { runAsNonRoot: true },
            containers: [container('job', { runAsNonRoot: undefined })],
          }),
        ).toEqual([]);
      });

      it('refuses a container that overrides the pod with false', () => {
        expect(
          check(
            pod({
              containers: [container('job', { runAsNonRoot: false })],
            }),
          ),
        ).toEqual([
          'runAsNonRoot != true (container "job" must not set securityContext.runAsNonRoot=false)',
        ]);
      });

      it('refuses runAsNonRoot=false on the pod even when containers set true', () => {
        expect(
          check({
            securityContext: { runAsNonRoot: false },
            containers: [container('job')],
          }),
        ).toEqual([
          'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)',
        ]);
      });

      it('gives user-namespace pods no relaxation', () => {
        expect(
          check({
            hostUsers: false,
            containers: [container('job', { runAsNonRoot: undefined })],
          }),
        ).toHaveLength(1);
      });
    });

    describe('runAsUser', () => {
      it('refuses runAsUser=0 on the pod, even when containers override it', () => {
        expect(
          check(
            pod({
              securityContext: { ...podSecurityContext(), runAsUser: 0 },
              containers: [container('job', { runAsUser: 1000 })],
            }),
          ),
        ).toEqual(['runAsUser=0 (pod must not set runAsUser=0)']);
      });

      it('refuses runAsUser=0 on a container', () => {
        expect(
          check(pod({ containers: [container('job', { runAsUser: 0 })] })),
        ).toEqual(['runAsUser=0 (container "job" must not set runAsUser=0)']);
      });
    });
  });

  describe('init and ephemeral containers', () => {
    it('checks init containers like containers', () => {
      expect(
        check(
          pod({
            initContainers: [
              container('setup', {
                allowPrivilegeEscalation: undefined,
                capabilities: undefined,
                privileged: true,
              }),
            ],
          }),
        ),
      ).toEqual([
        'privileged (container "setup" must not set securityContext.privileged=true)',
        'unrestricted capabilities (container "setup" must set securityContext.capabilities.drop=["ALL"])',
        'allowPrivilegeEscalation != false (container "setup" must set securityContext.allowPrivilegeEscalation=false)',
      ]);
    });

    it('checks ephemeral containers like containers', () => {
      expect(
        check(
          pod({
            ephemeralContainers: [
              ephemeral('debug', {
                runAsNonRoot: false,
                runAsUser: 0,
                seccompProfile: { type: 'Unconfined' },
              }),
            ],
          }),
        ),
      ).toEqual([
        'seccompProfile (container "debug" must not set securityContext.seccompProfile.type to "Unconfined")',
        'runAsNonRoot != true (container "debug" must not set securityContext.runAsNonRoot=false)',
        'runAsUser=0 (container "debug" must not set runAsUser=0)',
      ]);
    });

    it('names init, regular and ephemeral containers in that order', () => {
      const bare = (name: string): V1Container => ({ name, image: 'x' });
      expect(
        check({
          initContainers: [bare('init')],
          containers: [bare('main')],
          ephemeralContainers: [{ name: 'debug', image: 'x' }],
        }),
      ).toEqual([
        'unrestricted capabilities (containers "init", "main", "debug" must set securityContext.capabilities.drop=["ALL"])',
        'seccompProfile (pod or containers "init", "main", "debug" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
        'allowPrivilegeEscalation != false (containers "init", "main", "debug" must set securityContext.allowPrivilegeEscalation=false)',
        'runAsNonRoot != true (pod or containers "init", "main", "debug" must set securityContext.runAsNonRoot=true)',
      ]);
    });
  });

  it('makes buildJob refuse a pod that breaks the standard', () => {
    jest.isolateModules(() => {
      jest.doMock('./securityContext', () => ({
        ...jest.requireActual('./securityContext'),
        containerSecurityContext: () => ({
          ...containerSecurityContext(),
          allowPrivilegeEscalation: true,
        }),
      }));
      const { buildJob } = require('./job') as typeof import('./job');
      const { BUILT_IN_JOB_TYPES } =
        require('../jobTypes') as typeof import('../jobTypes');
      expect(() =>
        buildJob(
          {
            tenantId: 'acme',
            jobType: 'billing-report',
            parameters: { period: '2025-06' },
          },
          {
            jobType: BUILT_IN_JOB_TYPES['billing-report'],
            namespace: 'tenant-acme',
            runId: 'r1',
            jobName: 'billing-report-acme-20250701-000000-abcde',
            tier: 'small',
            priority: 'normal',
          },
        ),
      ).toThrow(
        `Job 'billing-report-acme-20250701-000000-abcde' would break the restricted Pod Security Standard: allowPrivilegeEscalation != false (container "job" must set securityContext.allowPrivilegeEscalation=false)`,
      );
    });
  });

  it('reports every broken control of a thoroughly unsafe pod', () => {
    const violations = check({
      hostNetwork: true,
      securityContext: {
        runAsUser: 0,
        sysctls: [{ name: 'kernel.sem', value: '1' }],
      },
      containers: [
        {
          name: 'job',
          image: 'x',
          securityContext: { privileged: true, procMount: 'Unmasked' },
          ports: [{ containerPort: 80, hostPort: 80 }],
        },
      ],
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
    });
    expect(violations.map(v => v.slice(0, v.indexOf(' (')))).toEqual([
      'host namespaces',
      'privileged',
      'unrestricted capabilities',
      'restricted volume types',
      'hostPort',
      'procMount',
      'seccompProfile',
      'forbidden sysctls',
      'allowPrivilegeEscalation != false',
      'runAsNonRoot != true',
      'runAsUser=0',
    ]);
  });
});
