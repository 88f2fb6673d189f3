/**
 * Turns a run's Kubernetes Job and its pods into what users see of the
 * run: a status, a machine-readable reason, one plain sentence, times,
 * attempts and a summary of every pod.
 *
 * Everything here is pure: no clock, no I/O. The rules follow the Job
 * controller of Kubernetes 1.36:
 *
 * - A Job is finished when it has a `Complete` or `Failed` condition with
 *   status `True`. Before that, `SuccessCriteriaMet` and `FailureTarget`
 *   announce the outcome while the last pods are still terminating.
 * - Pods of a Job are attempts, in the order they were created. The
 *   product's pod failure policy ignores disruptions (a pod with a
 *   `DisruptionTarget` condition does not use up a retry) and fails the
 *   Job at once when the `job` container exits with
 *   {@link NON_RETRIABLE_EXIT_CODE}.
 *
 * Every `message` is one sentence ending with a period.
 */

import type {
  V1ContainerStateTerminated,
  V1ContainerStatus,
  V1Job,
  V1JobCondition,
  V1Pod,
  V1PodCondition,
} from '@kubernetes/client-node';
import {
  isKueueJob,
  JOB_CONTAINER_NAME,
  NON_RETRIABLE_EXIT_CODE,
  type TenantJobCondition,
  type TenantJobPod,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { workerClusterOf } from '../cluster/workerCluster';
import { podRanInterval, podRequests } from './podUsage';

/** What the tracker records of a run from its Job and pods. */
export type RunObservation = {
  status: 'Queued' | 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /**
   * Machine-readable, PascalCase: `Completed`, `BackoffLimitExceeded`,
   * `OOMKilled`, `DeadlineExceeded`, `PodFailurePolicy` (or the reason of
   * another `Failed` condition), `Running`, `Suspended`, `Preempted`,
   * `Evicted`, `Unschedulable`, `ImagePullBackOff`, `ErrImagePull`,
   * `InvalidImageName`, `CreateContainerConfigError`, `CrashLoopBackOff`,
   * `ContainerCreating`, `BackOff`, `NoPod`, `Pending` or `Unknown`.
   */
  reason: string;
  /** One sentence in plain words for a user who does not know Kubernetes. */
  message: string;
  /** ISO 8601. */
  startedAt?: string;
  /** ISO 8601. */
  finishedAt?: string;
  /** Pods created so far (= attempts). */
  attempts: number;
  conditions: TenantJobCondition[];
  /** Oldest first (by creationTimestamp, then name). */
  pods: TenantJobPod[];
};

/** The part of a {@link RunObservation} that one rule decides. */
type Outcome = Pick<RunObservation, 'status' | 'reason' | 'message'>;

/**
 * A timestamp of a client-node object. The typed client gives `Date`s; a
 * raw watch stream gives strings.
 */
type Timestamp = Date | string | null | undefined;

/** `spec.backoffLimit` when the Job does not set it. */
const DEFAULT_BACKOFF_LIMIT = 6;

/** `DisruptionTarget` reasons that mean the scheduler preempted the pod. */
const PREEMPTION_REASONS: ReadonlySet<string> = new Set([
  'PreemptionByScheduler',
  'PreemptionByKubeScheduler',
]);

/** Container waiting reasons that mean the pod is simply starting. */
const STARTING_REASONS: ReadonlySet<string> = new Set([
  'ContainerCreating',
  'PodInitializing',
]);

/** What a container waiting reason means, in words. */
const WAITING_EXPLANATIONS: Readonly<Record<string, string>> = {
  ImagePullBackOff:
    'The container image cannot be downloaded and Kubernetes keeps trying',
  ErrImagePull: 'The container image cannot be downloaded',
  InvalidImageName: 'The name of the container image is not valid',
  CreateContainerConfigError:
    'The container cannot be set up, often because a secret or config map it needs is missing',
  CreateContainerError: 'The container cannot be created',
  RunContainerError: 'The container cannot be started',
  CrashLoopBackOff: 'The program keeps crashing and is restarted after a pause',
};

// ---------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------

/** `text` with runs of white space (newlines too) made single spaces. */
function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `text` as a sentence: squashed, ending with a period. */
function sentence(text: string): string {
  const squashed = squash(text);
  return /[.!?]$/.test(squashed) ? squashed : `${squashed}.`;
}

/** `lead: detail.`, or `lead.` when there is no detail. */
function withDetail(lead: string, detail: string | undefined): string {
  const squashed = detail ? squash(detail) : '';
  return sentence(squashed ? `${lead}: ${squashed}` : lead);
}

/** `once`, `twice`, `3 times`... */
function times(count: number): string {
  if (count === 1) return 'once';
  if (count === 2) return 'twice';
  return `${count} times`;
}

/** `1 attempt`, `2 attempts`... */
function attemptsText(count: number): string {
  return count === 1 ? '1 attempt' : `${count} attempts`;
}

// ---------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------

/** Milliseconds since the epoch, or undefined when absent or invalid. */
function toMillis(value: Timestamp): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const millis = (value instanceof Date ? value : new Date(value)).getTime();
  return Number.isNaN(millis) ? undefined : millis;
}

/** ISO 8601, or undefined when absent or invalid. */
function toIso(value: Timestamp): string | undefined {
  const millis = toMillis(value);
  return millis === undefined ? undefined : new Date(millis).toISOString();
}

// ---------------------------------------------------------------------------
// Pods
// ---------------------------------------------------------------------------

/** Pods oldest first: by creationTimestamp (missing ones last), then name. */
function sortPods(pods: readonly V1Pod[]): V1Pod[] {
  const created = (pod: V1Pod) =>
    toMillis(pod.metadata?.creationTimestamp) ?? Number.POSITIVE_INFINITY;
  return [...pods].sort((a, b) => {
    const byTime = created(a) - created(b);
    if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
    const nameA = a.metadata?.name ?? '';
    const nameB = b.metadata?.name ?? '';
    if (nameA === nameB) return 0;
    return nameA < nameB ? -1 : 1;
  });
}

/** The status of the container named `job`, else of the first container. */
function jobContainerStatus(pod: V1Pod): V1ContainerStatus | undefined {
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.find(s => s.name === JOB_CONTAINER_NAME) ?? statuses[0];
}

/**
 * How the job container last ended: its current terminated state, else
 * the terminated state before its last restart.
 */
function lastTermination(
  status: V1ContainerStatus | undefined,
): V1ContainerStateTerminated | undefined {
  return status?.state?.terminated ?? status?.lastState?.terminated;
}

/** The pod's condition of `type` whose status is `status`. */
function podCondition(
  pod: V1Pod,
  type: string,
  status: string,
): V1PodCondition | undefined {
  return pod.status?.conditions?.find(
    c => c.type === type && c.status === status,
  );
}

/** `Preempted` or `Evicted` when the pod was disrupted, else undefined. */
function disruptionOf(pod: V1Pod): 'Preempted' | 'Evicted' | undefined {
  const condition = podCondition(pod, 'DisruptionTarget', 'True');
  if (!condition) return undefined;
  return PREEMPTION_REASONS.has(condition.reason ?? '')
    ? 'Preempted'
    : 'Evicted';
}

/** Whether the pod's job container was killed for using too much memory. */
function isOomKilled(pod: V1Pod): boolean {
  return lastTermination(jobContainerStatus(pod))?.reason === 'OOMKilled';
}

/**
 * Whether the pod is a failed attempt: phase `Failed`, or its job
 * container ended with a non-zero exit code (the phase lags while the pod
 * terminates).
 */
function hasFailed(pod: V1Pod): boolean {
  if (pod.status?.phase === 'Failed') return true;
  const exitCode = jobContainerStatus(pod)?.state?.terminated?.exitCode;
  return exitCode !== undefined && exitCode !== 0;
}

/** Whether the pod's job container is running now. */
function isPodRunning(pod: V1Pod): boolean {
  if (pod.status?.phase !== 'Running' || disruptionOf(pod)) return false;
  const state = jobContainerStatus(pod)?.state;
  return !state?.waiting && !state?.terminated;
}

/**
 * When the pod started: its startTime, else its job container's start
 * (the first valid one).
 */
function podStart(pod: V1Pod): number | undefined {
  const state = jobContainerStatus(pod)?.state;
  return [
    pod.status?.startTime,
    state?.running?.startedAt,
    state?.terminated?.startedAt,
  ]
    .map(toMillis)
    .find(m => m !== undefined);
}

/** When the earliest of `pods` started, as ISO 8601. */
function earliestStart(pods: readonly V1Pod[]): string | undefined {
  const starts = pods.map(podStart).filter((m): m is number => m !== undefined);
  return starts.length > 0
    ? new Date(Math.min(...starts)).toISOString()
    : undefined;
}

/** The newest failed pod that used up a retry, else the newest failed pod. */
function lastFailedPod(pods: readonly V1Pod[]): V1Pod | undefined {
  const failed = pods.filter(hasFailed);
  return failed.filter(p => !disruptionOf(p)).at(-1) ?? failed.at(-1);
}

/** The reason and message of a pod's summary, in priority order. */
function podReason(pod: V1Pod): { reason?: string; message?: string } {
  const disruption = podCondition(pod, 'DisruptionTarget', 'True');
  if (disruption) {
    return {
      reason: disruptionOf(pod),
      message: disruption.message ?? disruption.reason,
    };
  }
  const state = jobContainerStatus(pod)?.state;
  if (state?.terminated?.reason) {
    const { reason, message } = state.terminated;
    return {
      reason,
      message:
        message ??
        (reason === 'OOMKilled'
          ? 'The container ran out of memory.'
          : undefined),
    };
  }
  if (state?.waiting?.reason) {
    return { reason: state.waiting.reason, message: state.waiting.message };
  }
  const unscheduled = podCondition(pod, 'PodScheduled', 'False');
  if (unscheduled?.reason) {
    return { reason: unscheduled.reason, message: unscheduled.message };
  }
  if (pod.status?.reason) {
    return { reason: pod.status.reason, message: pod.status.message };
  }
  return {};
}

/**
 * Summary of one pod (one attempt) for users: phase, node, times, the job
 * container's exit code and restarts, and the most telling reason.
 */
export function summarizePod(pod: V1Pod): TenantJobPod {
  const container = jobContainerStatus(pod);
  const { reason, message } = podReason(pod);
  const summary: TenantJobPod = {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Pending',
    restarts: container?.restartCount ?? 0,
  };
  const fields: Partial<TenantJobPod> = {
    nodeName: pod.spec?.nodeName,
    cluster: workerClusterOf(pod),
    createdAt: toIso(pod.metadata?.creationTimestamp),
    startedAt: toIso(pod.status?.startTime),
    finishedAt: toIso(container?.state?.terminated?.finishedAt),
    exitCode: lastTermination(container)?.exitCode,
    reason,
    message,
    requests: podRequests(pod),
    ...podRanInterval(container),
  };
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && value !== '') {
      Object.assign(summary, { [key]: value });
    }
  }
  return summary;
}

// ---------------------------------------------------------------------------
// Job
// ---------------------------------------------------------------------------

/** The Job's condition of `type` with status `True`. */
function trueCondition(job: V1Job, type: string): V1JobCondition | undefined {
  return job.status?.conditions?.find(
    c => c.type === type && c.status === 'True',
  );
}

/** The Job's conditions as the API shows them, times in ISO 8601. */
function mapConditions(job: V1Job): TenantJobCondition[] {
  return (job.status?.conditions ?? []).map(c => {
    const condition: TenantJobCondition = { type: c.type, status: c.status };
    if (c.reason) condition.reason = c.reason;
    if (c.message) condition.message = c.message;
    const lastTransitionTime = toIso(c.lastTransitionTime);
    if (lastTransitionTime) condition.lastTransitionTime = lastTransitionTime;
    return condition;
  });
}

/**
 * Pods created so far: those seen, but at least what the Job counted
 * (pods may already be gone).
 */
function countAttempts(job: V1Job, pods: readonly V1Pod[]): number {
  const status = job.status;
  const counted =
    (status?.succeeded ?? 0) + (status?.failed ?? 0) + (status?.active ?? 0);
  return Math.max(pods.length, counted);
}

/** The most attempts the Job makes: `backoffLimit + 1`. */
function maxAttempts(job: V1Job): number {
  return (job.spec?.backoffLimit ?? DEFAULT_BACKOFF_LIMIT) + 1;
}

/** Everything the rules look at, computed once. */
type Context = {
  job: V1Job;
  /** Oldest first. */
  pods: V1Pod[];
  attempts: number;
};

/**
 * The condition that decides the outcome of a finished (or finishing)
 * Job: `Failed`/`Complete`, else `FailureTarget`/`SuccessCriteriaMet`
 * while the last pods terminate.
 */
function terminalCondition(job: V1Job): V1JobCondition | undefined {
  return (
    trueCondition(job, 'Failed') ??
    trueCondition(job, 'Complete') ??
    trueCondition(job, 'FailureTarget') ??
    trueCondition(job, 'SuccessCriteriaMet')
  );
}

/** `; the last attempt ran out of memory (exit code 137)` and the like. */
function lastAttemptClause(pod: V1Pod | undefined): string {
  if (!pod) return '';
  const exitCode = lastTermination(jobContainerStatus(pod))?.exitCode;
  const code = exitCode === undefined ? '' : ` (exit code ${exitCode})`;
  if (isOomKilled(pod)) return `; the last attempt ran out of memory${code}`;
  return exitCode === undefined
    ? ''
    : `; the last attempt exited with code ${exitCode}`;
}

/** Retries used up: `BackoffLimitExceeded`, or `OOMKilled` if the last one was. */
function backoffLimitExceeded(ctx: Context): Outcome {
  const lastFailed = lastFailedPod(ctx.pods);
  const failedPods = ctx.pods.filter(p => hasFailed(p) && !disruptionOf(p));
  const failures = Math.max(ctx.job.status?.failed ?? 0, failedPods.length, 1);
  return {
    status: 'Failed',
    reason:
      lastFailed && isOomKilled(lastFailed)
        ? 'OOMKilled'
        : 'BackoffLimitExceeded',
    message: sentence(
      `Failed ${times(failures)} and has no retries left${lastAttemptClause(
        lastFailed,
      )}`,
    ),
  };
}

/** Stopped by `spec.activeDeadlineSeconds`. */
function deadlineExceeded(ctx: Context): Outcome {
  const deadline = ctx.job.spec?.activeDeadlineSeconds;
  const limit = deadline === undefined ? '' : ` of ${deadline} s`;
  return {
    status: 'Failed',
    reason: 'DeadlineExceeded',
    message: sentence(
      `Stopped because it ran longer than its deadline${limit}`,
    ),
  };
}

/**
 * The exit code that made the pod failure policy fail the Job: from the
 * last failed pod, else from the condition's message, else the product's
 * non-retriable exit code.
 */
function policyExitCode(ctx: Context, condition: V1JobCondition): number {
  const fromPod = ctx.pods
    .filter(hasFailed)
    .map(p => lastTermination(jobContainerStatus(p))?.exitCode)
    .filter((c): c is number => c !== undefined && c !== 0)
    .at(-1);
  if (fromPod !== undefined) return fromPod;
  const match = /exit code (\d+)/i.exec(condition.message ?? '');
  return match ? Number(match[1]) : NON_RETRIABLE_EXIT_CODE;
}

/** Failed at once by the pod failure policy (exit code 42). */
function podFailurePolicy(ctx: Context, condition: V1JobCondition): Outcome {
  const exitCode = policyExitCode(ctx, condition);
  return {
    status: 'Failed',
    reason: 'PodFailurePolicy',
    message: sentence(
      `The program exited with code ${exitCode}, which means retrying will not help, so it was not retried`,
    ),
  };
}

/** Any other failure: the condition's own reason and message. */
function otherFailure(ctx: Context, condition: V1JobCondition): Outcome {
  const reason = condition.reason || 'Failed';
  let message = condition.message
    ? withDetail('Failed', condition.message)
    : sentence(`Failed (${reason})`);
  const lastFailed = lastFailedPod(ctx.pods);
  if (lastFailed && isOomKilled(lastFailed)) {
    message = `${message} The last attempt ran out of memory.`;
  }
  return { status: 'Failed', reason, message };
}

/** The outcome of a finished (or finishing) Job. */
function terminalOutcome(ctx: Context, condition: V1JobCondition): Outcome {
  if (
    condition.type === 'Complete' ||
    condition.type === 'SuccessCriteriaMet'
  ) {
    return {
      status: 'Succeeded',
      reason: 'Completed',
      message: sentence(
        `Finished successfully after ${attemptsText(
          Math.max(ctx.attempts, 1),
        )}`,
      ),
    };
  }
  switch (condition.reason) {
    case 'BackoffLimitExceeded':
      return backoffLimitExceeded(ctx);
    case 'DeadlineExceeded':
      return deadlineExceeded(ctx);
    case 'PodFailurePolicy':
      return podFailurePolicy(ctx, condition);
    default:
      return otherFailure(ctx, condition);
  }
}

/** Why a pending pod is waiting, from its job container's waiting state. */
function waitingOutcome(pod: V1Pod): Outcome | undefined {
  const waiting = jobContainerStatus(pod)?.state?.waiting;
  if (!waiting?.reason) return undefined;
  const { reason, message } = waiting;
  if (STARTING_REASONS.has(reason)) return containerCreating();
  const explanation =
    WAITING_EXPLANATIONS[reason] ??
    `Waiting for the container to start (${reason})`;
  return {
    status: 'Pending',
    reason,
    message: withDetail(explanation, message),
  };
}

/** The pod has a node and its container is being created. */
function containerCreating(): Outcome {
  return {
    status: 'Pending',
    reason: 'ContainerCreating',
    message: 'Starting: the pod has a node and its container is being created.',
  };
}

/** The last attempt failed and the Job controller has not made the next. */
function retryBackOff(pod: V1Pod, attempts: number): Outcome {
  const exitCode = lastTermination(jobContainerStatus(pod))?.exitCode;
  const code = exitCode === undefined ? '' : ` (exit code ${exitCode})`;
  let what: string;
  if (isOomKilled(pod)) what = `ran out of memory${code}`;
  else if (exitCode === undefined) what = 'failed';
  else what = `failed with exit code ${exitCode}`;
  return {
    status: 'Pending',
    reason: 'BackOff',
    message: sentence(`Attempt ${attempts} ${what}; retrying`),
  };
}

/** Why the newest pod is not running, the most telling reason first. */
function pendingFromPod(ctx: Context, pod: V1Pod): Outcome {
  if (hasFailed(pod)) return retryBackOff(pod, ctx.attempts);
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') {
    return {
      status: 'Running',
      reason: 'Running',
      message:
        'The program finished; waiting for Kubernetes to record the result.',
    };
  }
  if (phase === 'Unknown') {
    return {
      status: 'Pending',
      reason: 'Unknown',
      message: 'Kubernetes lost contact with the node of the pod.',
    };
  }
  const unscheduled = podCondition(pod, 'PodScheduled', 'False');
  if (unscheduled?.reason === 'Unschedulable') {
    return {
      status: 'Pending',
      reason: 'Unschedulable',
      message: withDetail('Waiting for a node', unscheduled.message),
    };
  }
  const waiting = waitingOutcome(pod);
  if (waiting) return waiting;
  if (unscheduled?.reason) {
    return {
      status: 'Pending',
      reason: unscheduled.reason,
      message: withDetail('Waiting to be scheduled', unscheduled.message),
    };
  }
  if (pod.spec?.nodeName || podCondition(pod, 'PodScheduled', 'True')) {
    return containerCreating();
  }
  return {
    status: 'Pending',
    reason: 'Pending',
    message: 'Waiting for the pod to be scheduled on a node.',
  };
}

/** The outcome of a Job that has not finished. */
function activeOutcome(ctx: Context): Outcome {
  const { job, pods, attempts } = ctx;
  if (job.spec?.suspend === true && isKueueJob(job)) {
    return {
      status: 'Queued',
      reason: 'WaitingForKueue',
      message:
        "Waiting for Kueue: the Job is suspended until the tenant's ClusterQueue has quota for it, highest priority first.",
    };
  }
  if (job.spec?.suspend === true) {
    return {
      status: 'Queued',
      reason: 'WaitingForSlot',
      message:
        "Waiting in the tenant's queue: the Job is suspended until one of the tenant's slots frees, highest priority first, then oldest.",
    };
  }
  const newest = pods.at(-1);
  const disruption = newest && disruptionOf(newest);
  if (disruption) {
    const what =
      disruption === 'Preempted'
        ? 'Preempted by more important work'
        : 'Evicted from its node';
    return {
      status: 'Pending',
      reason: disruption,
      message: `${what}; it will be retried without using up a retry.`,
    };
  }
  if ((job.status?.ready ?? 0) > 0 || pods.some(isPodRunning)) {
    return {
      status: 'Running',
      reason: 'Running',
      message: `Running (attempt ${Math.max(attempts, 1)} of ${maxAttempts(
        job,
      )}).`,
    };
  }
  if (newest) return pendingFromPod(ctx, newest);
  if ((job.status?.active ?? 0) > 0) {
    return {
      status: 'Pending',
      reason: 'Pending',
      message: 'Waiting for the pod to start.',
    };
  }
  return {
    status: 'Pending',
    reason: 'NoPod',
    message: "Waiting for the Job's pod to be created.",
  };
}

/**
 * What users see of a run, from its Job and pods (in any order).
 *
 * `startedAt` is the earliest pod start (else the Job's startTime once
 * the run is running or finished); a pending run has one only when an
 * earlier attempt ran. `finishedAt` is set once the outcome is known:
 * the Job's completionTime, else the deciding condition's
 * lastTransitionTime.
 */
export function deriveRunState(
  job: V1Job,
  pods: readonly V1Pod[],
): RunObservation {
  const sorted = sortPods(pods);
  const ctx: Context = {
    job,
    pods: sorted,
    attempts: countAttempts(job, sorted),
  };
  const base = {
    attempts: ctx.attempts,
    conditions: mapConditions(job),
    pods: sorted.map(summarizePod),
  };

  const terminal = terminalCondition(job);
  if (terminal) {
    return withTimes(
      { ...terminalOutcome(ctx, terminal), ...base },
      earliestStart(sorted) ?? toIso(job.status?.startTime),
      toIso(job.status?.completionTime) ?? toIso(terminal.lastTransitionTime),
    );
  }

  const outcome = activeOutcome(ctx);
  const started =
    outcome.status === 'Running'
      ? earliestStart(sorted) ?? toIso(job.status?.startTime)
      : earliestStart(sorted.filter(p => p.status?.phase !== 'Pending'));
  return withTimes({ ...outcome, ...base }, started, undefined);
}

/** `observation` with the times that are known (absent ones left out). */
function withTimes(
  observation: RunObservation,
  startedAt: string | undefined,
  finishedAt: string | undefined,
): RunObservation {
  return {
    ...observation,
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
  };
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

/**
 * The Job and pod events worth showing on a run, in words: why the pod
 * cannot be created (quota, Pod Security), scheduled or kept running.
 * Undefined for any other event.
 */
export function describeJobEvent(
  reason: string,
  message: string,
): string | undefined {
  switch (reason) {
    case 'FailedCreate':
      if (/exceeded quota/i.test(message)) {
        return withDetail("The tenant's quota is used up", message);
      }
      if (/violates PodSecurity/i.test(message)) {
        return withDetail(
          "The cluster's Pod Security rules refused the pod",
          message,
        );
      }
      return withDetail('Kubernetes could not create the pod', message);
    case 'FailedScheduling':
      return withDetail('Waiting for a node', message);
    case 'BackOff':
      return withDetail('Restarting after a failure', message);
    default:
      return undefined;
  }
}
