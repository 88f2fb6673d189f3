import type {
  V1PodSecurityContext,
  V1SecurityContext,
} from '@kubernetes/client-node';

/**
 * User and group id jobs run as: the conventional `nonroot` user of
 * distroless images, unprivileged on any node.
 *
 * @public
 */
export const RUNNER_UID = 65532;

/**
 * The pod security context of every job: non-root, fixed ids, seccomp
 * `RuntimeDefault`. Meets the `restricted` Pod Security Standard.
 *
 * @public
 */
export function podSecurityContext(): V1PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: RUNNER_UID,
    runAsGroup: RUNNER_UID,
    fsGroup: RUNNER_UID,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * The container security context of every job: no privilege escalation,
 * every capability dropped, read-only root file system (the job writes to
 * its `/tmp` emptyDir), non-root, seccomp `RuntimeDefault`.
 *
 * @public
 */
export function containerSecurityContext(): V1SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
