import type { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import { formatDuration } from './format';

/** Why a run waits and what can be done, in words. */
export interface PendingExplanation {
  kind:
    | 'queue'
    | 'creating'
    | 'unschedulable'
    | 'quota'
    | 'image'
    | 'retrying'
    | 'starting';
  headline: string;
  /** The cluster's own words (scheduler, quota admission), when it gave any. */
  detail?: string;
  advice: string;
  /** When it may start, and how that was estimated. */
  estimate?: string;
  /** Earlier runs of the tenant that wait too. */
  ahead?: string;
}

export interface PendingContext {
  /** The tenant's median and 95th percentile wait from submission to start. */
  waitP50Seconds?: number;
  waitP95Seconds?: number;
  /** Runs of the tenant submitted earlier that are still waiting. */
  waitingAhead?: number;
  now?: number;
}

function cause(
  run: TenantJobRun,
): Omit<PendingExplanation, 'estimate' | 'ahead'> {
  const detail = run.message || undefined;
  if (run.status === 'Queued' && run.queue) {
    const { position, running, slots } = run.queue;
    return {
      kind: 'queue',
      headline: `Waiting in the tenant's queue: ${
        position === 1 ? 'next to start' : `number ${position} in line`
      }`,
      detail: `${running} of the tenant's ${slots} slots are taken by jobs that have not finished.`,
      advice:
        'It starts as soon as one of them finishes. Cancel runs you no longer need to free a slot.',
    };
  }
  if (run.status === 'Queued') {
    return {
      kind: 'creating',
      headline: 'Recorded; its Kubernetes Job is being created',
      detail,
      advice:
        'This takes a moment. If it stays here, the cluster may be unreachable: the backend keeps trying.',
    };
  }
  switch (run.reason) {
    case 'Unschedulable':
      return {
        kind: 'unschedulable',
        headline: 'No node can run it right now',
        detail,
        advice:
          'It starts when a node with room for it is free. If the message names a node selector or affinity, no node of this cluster matches the job type: ask your platform team.',
      };
    case 'QuotaExceeded':
      return {
        kind: 'quota',
        headline: "The tenant's quota is used up",
        detail,
        advice:
          "It starts when the tenant's running jobs free quota (see the quota bars). A smaller tier may fit now.",
      };
    case 'ImagePullBackOff':
    case 'ErrImagePull':
      return {
        kind: 'image',
        headline: 'Its container image cannot be pulled',
        detail,
        advice:
          "Retrying will not help: ask the job type's owner to check the image and the registry's access.",
      };
    case 'BackOff':
      return {
        kind: 'retrying',
        headline: 'Waiting to retry after a failed attempt',
        detail,
        advice: 'See the attempts and the log of the failed attempt below.',
      };
    default:
      return {
        kind: 'starting',
        headline: 'Waiting for its pod to start',
        detail,
        advice: 'The scheduler is placing it; this usually takes seconds.',
      };
  }
}

/**
 * Why a Queued or Pending run has not started and when it may, or
 * undefined for a run that is not waiting.
 */
export function explainPending(
  run: TenantJobRun,
  context: PendingContext = {},
): PendingExplanation | undefined {
  if (run.status !== 'Queued' && run.status !== 'Pending') return undefined;
  const now = context.now ?? Date.now();
  const waited = Math.max(0, (now - Date.parse(run.createdAt)) / 1000);
  const explanation: PendingExplanation = cause(run);

  if (run.queue?.estimatedStartAt) {
    const inSeconds = (Date.parse(run.queue.estimatedStartAt) - now) / 1000;
    explanation.estimate =
      inSeconds > 0
        ? `Expected to start in about ${formatDuration(
            inSeconds,
          )}, from the tenant's median run time over the last week.`
        : "Expected to start any moment now, from the tenant's median run time over the last week.";
  } else if (context.waitP50Seconds !== undefined) {
    const p50 = formatDuration(context.waitP50Seconds);
    const p95 = formatDuration(context.waitP95Seconds);
    const usual = `Half of this tenant's recent runs started within ${p50} of being submitted, 95% within ${p95}.`;
    const remaining = context.waitP50Seconds - waited;
    if (explanation.kind === 'unschedulable' || explanation.kind === 'image') {
      explanation.estimate = `${usual} This one cannot start at that pace: it waits until the reason above is resolved.`;
    } else if (
      context.waitP95Seconds !== undefined &&
      waited > context.waitP95Seconds
    ) {
      explanation.estimate = `${usual} This one has waited ${formatDuration(
        waited,
      )}, longer than 95% of them: it is likely held by the reason above.`;
    } else if (remaining > 0) {
      explanation.estimate = `${usual} At that pace it starts in about ${formatDuration(
        remaining,
      )}.`;
    } else {
      explanation.estimate = `${usual} This one has waited ${formatDuration(
        waited,
      )} so far.`;
    }
  }

  if (context.waitingAhead) {
    explanation.ahead =
      context.waitingAhead === 1
        ? '1 earlier run of this tenant is waiting too.'
        : `${context.waitingAhead} earlier runs of this tenant are waiting too.`;
  }
  return explanation;
}
