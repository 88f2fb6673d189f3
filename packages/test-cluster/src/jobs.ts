/*
 * Building blocks for tests that run Jobs on the local KWOK cluster: a Job
 * whose pod passes the Pod Security `restricted` profile, the annotation that
 * tells KWOK what the pod simulates, and waits on Job and pod states.
 */
import {
  BatchV1Api,
  CoreV1Api,
  CoreV1Event,
  V1Container,
  V1Job,
  V1JobCondition,
  V1Pod,
  V1PodFailurePolicy,
  V1ResourceRequirements,
  V1Toleration,
} from '@kubernetes/client-node';
import { waitFor } from './cluster';

/**
 * Pod annotation read by the local cluster's KWOK stages
 * (scripts/cluster/kwok/stages.yaml): a comma-separated list of `fail`,
 * `fail=<exit code>` and `duration=<Go duration>`. Without it a Job pod runs
 * for about 2s and succeeds.
 */
export const SIMULATE_ANNOTATION = 'tenant-jobs.io/simulate';

/** Label the Job controller puts on the pods of a Job. */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

/** Node label that tells CPU nodes from GPU nodes in the local cluster. */
export const NODE_CLASS_LABEL = 'tenant-jobs.io/node-class';

/** The toleration GPU workloads need for the local cluster's GPU nodes. */
export const GPU_TOLERATION: V1Toleration = {
  key: 'nvidia.com/gpu',
  operator: 'Equal',
  value: 'present',
  effect: 'NoSchedule',
};

/** A container that satisfies the Pod Security `restricted` profile. */
export function restrictedContainer(
  name = 'main',
  resources: V1ResourceRequirements = {
    requests: { cpu: '100m', memory: '128Mi' },
    limits: { cpu: '100m', memory: '128Mi' },
  },
): V1Container {
  return {
    name,
    // Never pulled: KWOK simulates the container.
    image: 'registry.invalid/tenant-jobs/simulated:1',
    command: ['/bin/simulated-job'],
    resources,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

/** Options of {@link simulatedJob}. */
export interface SimulatedJobOptions {
  name: string;
  /** Value of the {@link SIMULATE_ANNOTATION} on the pod template. */
  simulate?: string;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  podFailurePolicy?: V1PodFailurePolicy;
  resources?: V1ResourceRequirements;
  tolerations?: V1Toleration[];
  nodeSelector?: Record<string, string>;
  labels?: Record<string, string>;
}

/** A Job of one restricted-profile pod that KWOK runs as `simulate` asks. */
export function simulatedJob(options: SimulatedJobOptions): V1Job {
  const annotations: Record<string, string> = {};
  if (options.simulate !== undefined) {
    annotations[SIMULATE_ANNOTATION] = options.simulate;
  }
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: options.name, labels: options.labels },
    spec: {
      backoffLimit: options.backoffLimit ?? 0,
      activeDeadlineSeconds: options.activeDeadlineSeconds,
      podFailurePolicy: options.podFailurePolicy,
      template: {
        metadata: { labels: options.labels, annotations },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [restrictedContainer('main', options.resources)],
          tolerations: options.tolerations,
          nodeSelector: options.nodeSelector,
        },
      },
    },
  };
}

/** The condition of `type` with status True on a Job, if any. */
export function trueCondition(
  job: V1Job,
  type: string,
): V1JobCondition | undefined {
  return job.status?.conditions?.find(
    c => c.type === type && c.status === 'True',
  );
}

/**
 * Waits until the Job reaches a terminal condition (Complete or Failed) and
 * returns it; fails if it is not the expected one.
 */
export async function waitForJobFinished(
  batch: BatchV1Api,
  namespace: string,
  name: string,
  expected: 'Complete' | 'Failed',
  timeoutMs = 90_000,
): Promise<{ job: V1Job; condition: V1JobCondition }> {
  const result = await waitFor(
    `Job ${namespace}/${name} to finish`,
    async () => {
      const job = await batch.readNamespacedJob({ name, namespace });
      const condition =
        trueCondition(job, 'Complete') ?? trueCondition(job, 'Failed');
      return condition ? { job, condition } : undefined;
    },
    { timeoutMs, intervalMs: 500 },
  );
  if (result.condition.type !== expected) {
    throw new Error(
      `Job ${namespace}/${name} ended ${result.condition.type} (${
        result.condition.reason
      }: ${
        result.condition.message
      }), expected ${expected}; status: ${JSON.stringify(result.job.status)}`,
    );
  }
  return result;
}

/** The pods of a Job, oldest first. */
export async function listJobPods(
  core: CoreV1Api,
  namespace: string,
  jobName: string,
): Promise<V1Pod[]> {
  const list = await core.listNamespacedPod({
    namespace,
    labelSelector: `${JOB_NAME_LABEL}=${jobName}`,
  });
  return [...list.items].sort(
    (a, b) =>
      (a.metadata?.creationTimestamp?.getTime() ?? 0) -
      (b.metadata?.creationTimestamp?.getTime() ?? 0),
  );
}

/** Events about one object, oldest first. */
export async function listEventsFor(
  core: CoreV1Api,
  namespace: string,
  kind: string,
  name: string,
): Promise<CoreV1Event[]> {
  const list = await core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`,
  });
  return list.items;
}

/** Waits until a pod is in one of `phases` and returns it. */
export async function waitForPodPhase(
  core: CoreV1Api,
  namespace: string,
  name: string,
  phases: string[],
  timeoutMs = 60_000,
): Promise<V1Pod> {
  return waitFor(
    `pod ${namespace}/${name} to be ${phases.join(' or ')}`,
    async () => {
      const pod = await core.readNamespacedPod({ name, namespace });
      return phases.includes(pod.status?.phase ?? '') ? pod : undefined;
    },
    { timeoutMs },
  );
}
