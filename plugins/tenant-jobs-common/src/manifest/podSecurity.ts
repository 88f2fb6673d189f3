import type {
  V1Container,
  V1EphemeralContainer,
  V1LifecycleHandler,
  V1PodSpec,
  V1Probe,
  V1SELinuxOptions,
  V1Volume,
} from '@kubernetes/client-node';

/*
 * The Baseline and Restricted profiles of the Pod Security Standards as the
 * PodSecurity admission plugin enforces them at policy version `latest` on
 * Kubernetes 1.36. Where the Restricted profile replaces a Baseline check
 * with a stricter one (capabilities, volume types, seccomp, /proc mount),
 * only the stricter one is applied, as the admission plugin does.
 *
 * Deliberately stricter than the admission plugin in three corners the
 * manifest builder never uses: `image` volumes are refused (the published
 * standard lists eight volume types; the plugin also accepts `image` since
 * 1.33), user-namespace pods (`hostUsers: false`) get no relaxation of the
 * runAsNonRoot and runAsUser checks, and Windows pods (`os.name: windows`)
 * are not exempted from the Linux-only checks.
 */

type AnyContainer = V1Container | V1EphemeralContainer;

/** Pod metadata the checks read: only the AppArmor annotations. */
type PodMetadata = { annotations?: Readonly<Record<string, string>> };

type Check = (spec: V1PodSpec, metadata: PodMetadata) => string | undefined;

/** Capabilities the Restricted profile lets a container add. */
const ADDABLE_CAPABILITIES: ReadonlySet<string> = new Set(['NET_BIND_SERVICE']);

/** Volume sources the Restricted profile allows. */
const ALLOWED_VOLUME_SOURCES: ReadonlySet<string> = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

/** The "safe" sysctls of the Baseline profile (policy version 1.32 on). */
const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

/** SELinux types the Baseline profile allows; empty means unset. */
const ALLOWED_SELINUX_TYPES: ReadonlySet<string> = new Set([
  '',
  'container_t',
  'container_init_t',
  'container_kvm_t',
  'container_engine_t',
]);

/** AppArmor profile and seccomp profile types allowed when set. */
const ALLOWED_PROFILE_TYPES: ReadonlySet<string> = new Set([
  'RuntimeDefault',
  'Localhost',
]);

const APPARMOR_ANNOTATION_PREFIX =
  'container.apparmor.security.beta.kubernetes.io/';

function quoted(values: Iterable<string | number>): string {
  return [...values].map(value => JSON.stringify(String(value))).join(', ');
}

/** `container "a"` or `containers "a", "b"`. */
function containersPhrase(names: readonly string[]): string {
  return `${names.length === 1 ? 'container' : 'containers'} ${quoted(names)}`;
}

/** `pod`, `container "a"` or `pod and container "a"`. */
function settersPhrase(pod: boolean, containers: readonly string[]): string {
  const parts = pod ? ['pod'] : [];
  if (containers.length > 0) {
    parts.push(containersPhrase(containers));
  }
  return parts.join(' and ');
}

function violation(reason: string, detail: string): string {
  return `${reason} (${detail})`;
}

/** Init containers, containers and ephemeral containers, in that order. */
function allContainers(spec: V1PodSpec): AnyContainer[] {
  return [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? []),
  ];
}

function namesWhere(
  spec: V1PodSpec,
  predicate: (container: AnyContainer) => boolean,
): string[] {
  return allContainers(spec)
    .filter(predicate)
    .map(container => container.name);
}

/** Baseline, HostProcess: no Windows HostProcess containers. */
const checkHostProcess: Check = spec => {
  const pod = spec.securityContext?.windowsOptions?.hostProcess === true;
  const containers = namesWhere(
    spec,
    c => c.securityContext?.windowsOptions?.hostProcess === true,
  );
  if (!pod && containers.length === 0) {
    return undefined;
  }
  return violation(
    'hostProcess',
    `${settersPhrase(
      pod,
      containers,
    )} must not set securityContext.windowsOptions.hostProcess=true`,
  );
};

/** Baseline, Host Namespaces: no hostNetwork, hostPID or hostIPC. */
const checkHostNamespaces: Check = spec => {
  const shared = (['hostNetwork', 'hostPID', 'hostIPC'] as const)
    .filter(field => spec[field] === true)
    .map(field => `${field}=true`);
  return shared.length > 0
    ? violation('host namespaces', shared.join(', '))
    : undefined;
};

/** Baseline, Privileged Containers. */
const checkPrivileged: Check = spec => {
  const containers = namesWhere(
    spec,
    c => c.securityContext?.privileged === true,
  );
  return containers.length > 0
    ? violation(
        'privileged',
        `${containersPhrase(
          containers,
        )} must not set securityContext.privileged=true`,
      )
    : undefined;
};

/**
 * Restricted, Capabilities (replaces the Baseline check, whose allowed list
 * is a superset of `NET_BIND_SERVICE`): drop `ALL`, add at most
 * `NET_BIND_SERVICE`.
 */
const checkCapabilities: Check = spec => {
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbidden = new Set<string>();
  for (const container of allContainers(spec)) {
    const capabilities = container.securityContext?.capabilities;
    if (!(capabilities?.drop ?? []).includes('ALL')) {
      missingDropAll.push(container.name);
    }
    const added = (capabilities?.add ?? []).filter(
      capability => !ADDABLE_CAPABILITIES.has(capability),
    );
    if (added.length > 0) {
      addingForbidden.push(container.name);
      added.forEach(capability => forbidden.add(capability));
    }
  }
  const details: string[] = [];
  if (missingDropAll.length > 0) {
    details.push(
      `${containersPhrase(
        missingDropAll,
      )} must set securityContext.capabilities.drop=["ALL"]`,
    );
  }
  if (addingForbidden.length > 0) {
    details.push(
      `${containersPhrase(addingForbidden)} must not include ${quoted(
        [...forbidden].sort(),
      )} in securityContext.capabilities.add`,
    );
  }
  return details.length > 0
    ? violation('unrestricted capabilities', details.join('; '))
    : undefined;
};

function volumeSources(volume: V1Volume): string[] {
  return Object.entries(volume)
    .filter(
      ([key, value]) => key !== 'name' && value !== undefined && value !== null,
    )
    .map(([key]) => key);
}

/**
 * Restricted, Volume Types (replaces Baseline's HostPath Volumes): only
 * configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim,
 * projected and secret volumes.
 */
const checkVolumes: Check = spec => {
  const badVolumes: string[] = [];
  const badTypes = new Set<string>();
  for (const volume of spec.volumes ?? []) {
    const sources = volumeSources(volume);
    if (sources.some(source => ALLOWED_VOLUME_SOURCES.has(source))) {
      continue;
    }
    badVolumes.push(volume.name);
    (sources.length > 0 ? sources : ['unknown']).forEach(source =>
      badTypes.add(source),
    );
  }
  if (badVolumes.length === 0) {
    return undefined;
  }
  return violation(
    'restricted volume types',
    `${badVolumes.length === 1 ? 'volume' : 'volumes'} ${quoted(badVolumes)} ${
      badVolumes.length === 1 ? 'uses' : 'use'
    } ${
      badTypes.size === 1 ? 'restricted volume type' : 'restricted volume types'
    } ${quoted([...badTypes].sort())}`,
  );
};

/** Baseline, Host Ports: hostPort unset or 0. */
const checkHostPorts: Check = spec => {
  const containers: string[] = [];
  const ports = new Set<number>();
  for (const container of allContainers(spec)) {
    const used = (container.ports ?? [])
      .map(port => port.hostPort)
      .filter((port): port is number => port !== undefined && port !== 0);
    if (used.length > 0) {
      containers.push(container.name);
      used.forEach(port => ports.add(port));
    }
  }
  if (containers.length === 0) {
    return undefined;
  }
  return violation(
    'hostPort',
    `${containersPhrase(containers)} ${
      containers.length === 1 ? 'uses' : 'use'
    } ${ports.size === 1 ? 'hostPort' : 'hostPorts'} ${[...ports]
      .sort((a, b) => a - b)
      .join(', ')}`,
  );
};

function isAllowedAppArmorAnnotation(value: string): boolean {
  return (
    value === '' ||
    value === 'runtime/default' ||
    value.startsWith('localhost/')
  );
}

/**
 * Baseline, AppArmor: `appArmorProfile.type` RuntimeDefault or Localhost
 * when set, on the pod and every container; the deprecated per-container
 * annotations `runtime/default` or `localhost/*` when set.
 */
const checkAppArmor: Check = (spec, metadata) => {
  const badTypes = new Set<string>();
  const isBad = (profile: { type?: string } | undefined): boolean => {
    if (profile === undefined || profile === null) {
      return false;
    }
    const type = profile.type ?? '';
    if (ALLOWED_PROFILE_TYPES.has(type)) {
      return false;
    }
    badTypes.add(type);
    return true;
  };
  const pod = isBad(spec.securityContext?.appArmorProfile);
  const containers = namesWhere(spec, c =>
    isBad(c.securityContext?.appArmorProfile),
  );
  const details: string[] = [];
  if (pod || containers.length > 0) {
    details.push(
      `${settersPhrase(
        pod,
        containers,
      )} must not set securityContext.appArmorProfile.type to ${quoted(
        [...badTypes].sort(),
      )}`,
    );
  }
  const annotations = Object.entries(metadata.annotations ?? {})
    .filter(
      ([key, value]) =>
        key.startsWith(APPARMOR_ANNOTATION_PREFIX) &&
        !isAllowedAppArmorAnnotation(value),
    )
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .sort();
  details.push(...annotations);
  return details.length > 0
    ? violation('forbidden AppArmor profile', details.join('; '))
    : undefined;
};

/**
 * Baseline, SELinux: type empty or one of the container types, user and
 * role unset, on the pod and every container.
 */
const checkSELinux: Check = spec => {
  const badTypes = new Set<string>();
  let setUser = false;
  let setRole = false;
  const isBad = (options: V1SELinuxOptions | undefined): boolean => {
    if (!options) {
      return false;
    }
    let bad = false;
    const type = options.type ?? '';
    if (!ALLOWED_SELINUX_TYPES.has(type)) {
      badTypes.add(type);
      bad = true;
    }
    if (options.user) {
      setUser = true;
      bad = true;
    }
    if (options.role) {
      setRole = true;
      bad = true;
    }
    return bad;
  };
  const pod = isBad(spec.securityContext?.seLinuxOptions);
  const containers = namesWhere(spec, c =>
    isBad(c.securityContext?.seLinuxOptions),
  );
  if (!pod && containers.length === 0) {
    return undefined;
  }
  const problems: string[] = [];
  if (badTypes.size > 0) {
    problems.push(
      `${badTypes.size === 1 ? 'type' : 'types'} ${quoted(
        [...badTypes].sort(),
      )}`,
    );
  }
  if (setUser) {
    problems.push('user may not be set');
  }
  if (setRole) {
    problems.push('role may not be set');
  }
  return violation(
    'seLinuxOptions',
    `${settersPhrase(
      pod,
      containers,
    )} set forbidden securityContext.seLinuxOptions: ${problems.join('; ')}`,
  );
};

/** Restricted, /proc Mount Type: unset or Default, user namespace or not. */
const checkProcMount: Check = spec => {
  const values = new Set<string>();
  const containers = namesWhere(spec, c => {
    const procMount = c.securityContext?.procMount;
    if (
      procMount === undefined ||
      procMount === null ||
      procMount === 'Default'
    ) {
      return false;
    }
    values.add(procMount);
    return true;
  });
  return containers.length > 0
    ? violation(
        'procMount',
        `${containersPhrase(
          containers,
        )} must not set securityContext.procMount to ${quoted(
          [...values].sort(),
        )}`,
      )
    : undefined;
};

/**
 * Restricted, Seccomp (replaces the Baseline check): RuntimeDefault or
 * Localhost on the pod, or else on every container; never anything else
 * (Unconfined) at either level.
 */
const checkSeccomp: Check = spec => {
  const badValues = new Set<string>();
  const isBad = (profile: { type?: string }): boolean => {
    const type = profile.type ?? '';
    if (ALLOWED_PROFILE_TYPES.has(type)) {
      return false;
    }
    badValues.add(type);
    return true;
  };
  const podProfile = spec.securityContext?.seccompProfile;
  const podBad = podProfile ? isBad(podProfile) : false;
  const podSet = Boolean(podProfile) && !podBad;
  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  for (const container of allContainers(spec)) {
    const profile = container.securityContext?.seccompProfile;
    if (profile) {
      if (isBad(profile)) {
        explicitlyBad.push(container.name);
      }
    } else if (!podSet) {
      implicitlyBad.push(container.name);
    }
  }
  const details: string[] = [];
  if (podBad || explicitlyBad.length > 0) {
    details.push(
      `${settersPhrase(
        podBad,
        explicitlyBad,
      )} must not set securityContext.seccompProfile.type to ${quoted(
        [...badValues].sort(),
      )}`,
    );
  }
  if (implicitlyBad.length > 0) {
    details.push(
      `pod or ${containersPhrase(
        implicitlyBad,
      )} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    );
  }
  return details.length > 0
    ? violation('seccompProfile', details.join('; '))
    : undefined;
};

/** Baseline, Sysctls: only the safe set. */
const checkSysctls: Check = spec => {
  const forbidden = (spec.securityContext?.sysctls ?? [])
    .map(sysctl => sysctl.name)
    .filter(name => !SAFE_SYSCTLS.has(name));
  return forbidden.length > 0
    ? violation('forbidden sysctls', forbidden.join(', '))
    : undefined;
};

function handlerHosts(
  handler: V1Probe | V1LifecycleHandler | undefined,
): string[] {
  return [handler?.httpGet?.host, handler?.tcpSocket?.host].filter(
    (host): host is string => typeof host === 'string' && host !== '',
  );
}

/**
 * Baseline, Host Probes / Lifecycle Hooks (policy version 1.34 on): no
 * `host` in httpGet or tcpSocket probes and lifecycle handlers.
 */
const checkProbeHosts: Check = spec => {
  const containers: string[] = [];
  const hosts = new Set<string>();
  for (const container of allContainers(spec)) {
    const found = [
      container.livenessProbe,
      container.readinessProbe,
      container.startupProbe,
      container.lifecycle?.postStart,
      container.lifecycle?.preStop,
    ].flatMap(handlerHosts);
    if (found.length > 0) {
      containers.push(container.name);
      found.forEach(host => hosts.add(host));
    }
  }
  if (containers.length === 0) {
    return undefined;
  }
  return violation(
    'probe or lifecycle host',
    `${containersPhrase(containers)} ${
      containers.length === 1 ? 'uses' : 'use'
    } ${
      hosts.size === 1 ? 'probe or lifecycle host' : 'probe or lifecycle hosts'
    } ${quoted([...hosts].sort())}`,
  );
};

/** Restricted, Privilege Escalation: explicitly false on every container. */
const checkAllowPrivilegeEscalation: Check = spec => {
  const containers = namesWhere(
    spec,
    c => c.securityContext?.allowPrivilegeEscalation !== false,
  );
  return containers.length > 0
    ? violation(
        'allowPrivilegeEscalation != false',
        `${containersPhrase(
          containers,
        )} must set securityContext.allowPrivilegeEscalation=false`,
      )
    : undefined;
};

/**
 * Restricted, Running as Non-root: runAsNonRoot true on the pod, or else on
 * every container; never false at either level.
 */
const checkRunAsNonRoot: Check = spec => {
  const podValue = spec.securityContext?.runAsNonRoot;
  const podBad = podValue === false;
  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  for (const container of allContainers(spec)) {
    const value = container.securityContext?.runAsNonRoot;
    if (value === false) {
      explicitlyBad.push(container.name);
    } else if (value !== true && podValue !== true) {
      implicitlyBad.push(container.name);
    }
  }
  const details: string[] = [];
  if (podBad || explicitlyBad.length > 0) {
    details.push(
      `${settersPhrase(
        podBad,
        explicitlyBad,
      )} must not set securityContext.runAsNonRoot=false`,
    );
  }
  if (implicitlyBad.length > 0) {
    details.push(
      `pod or ${containersPhrase(
        implicitlyBad,
      )} must set securityContext.runAsNonRoot=true`,
    );
  }
  return details.length > 0
    ? violation('runAsNonRoot != true', details.join('; '))
    : undefined;
};

/** Restricted, Running as Non-root user: runAsUser never 0 at any level. */
const checkRunAsUser: Check = spec => {
  const pod = spec.securityContext?.runAsUser === 0;
  const containers = namesWhere(spec, c => c.securityContext?.runAsUser === 0);
  if (!pod && containers.length === 0) {
    return undefined;
  }
  return violation(
    'runAsUser=0',
    `${settersPhrase(pod, containers)} must not set runAsUser=0`,
  );
};

const CHECKS: readonly Check[] = [
  checkHostProcess,
  checkHostNamespaces,
  checkPrivileged,
  checkCapabilities,
  checkVolumes,
  checkHostPorts,
  checkAppArmor,
  checkSELinux,
  checkProcMount,
  checkSeccomp,
  checkSysctls,
  checkProbeHosts,
  checkAllowPrivilegeEscalation,
  checkRunAsNonRoot,
  checkRunAsUser,
];

/**
 * Why a pod spec breaks the `restricted` Pod Security Standard (latest, as
 * of Kubernetes 1.36); empty when it complies.
 *
 * Every Baseline and Restricted control is checked on the pod and on its
 * init, regular and ephemeral containers, with container-level settings
 * overriding pod-level ones where the standard says so (seccomp,
 * runAsNonRoot). Each message names the broken control, then the pod or
 * containers and the field, e.g.
 * `allowPrivilegeEscalation != false (container "job" must set securityContext.allowPrivilegeEscalation=false)`.
 *
 * @param spec - the pod spec, e.g. a Job's `spec.template.spec`
 * @param metadata - the pod's metadata, optional: only its deprecated
 *   AppArmor annotations are checked
 * @public
 */
export function restrictedPodSecurityViolations(
  spec: V1PodSpec,
  metadata: PodMetadata = {},
): string[] {
  return CHECKS.map(check => check(spec, metadata)).filter(
    (message): message is string => message !== undefined,
  );
}
