/**
 * Why a run handed to Kueue (`tenantJobs.queue.mode: kueue`) still waits,
 * from the conditions Kueue sets on the Workload it made of the run's
 * suspended Job. Pure: the tracker reads the Workloads.
 *
 * Kueue's conditions, in the order they matter here:
 *
 * - `Finished` True: the Job's own conditions tell the outcome.
 * - `Admitted` True: Kueue admitted it and resumes the Job.
 * - `QuotaReserved` True, not admitted: quota is reserved, admission
 *   checks are pending.
 * - `QuotaReserved` False: waiting, with Kueue's reason (`Pending`,
 *   `Inadmissible`) and message (`couldn't assign flavors to pod set
 *   main: insufficient unused quota for cpu in flavor ...`).
 * - `Evicted` True: Kueue took the quota back and queues it again.
 */
import type {
  KueueWorkload,
  WorkloadCondition,
} from '../cluster/TenantCluster';

/** What a waiting run records from its Workload. */
export type WorkloadExplanation = { reason: string; message: string };

function sentence(text: string): string {
  const squashed = text.replace(/\s+/g, ' ').trim();
  return /[.!?]$/.test(squashed) ? squashed : `${squashed}.`;
}

function withDetail(lead: string, detail: string | undefined): string {
  return sentence(detail?.trim() ? `${lead}: ${detail}` : lead);
}

function condition(
  workload: KueueWorkload,
  type: string,
): WorkloadCondition | undefined {
  return workload.conditions.find(c => c.type === type);
}

/**
 * The reason and message of a run whose Job waits in Kueue, from its
 * Workload; undefined when the Workload says nothing yet (no condition)
 * or has finished.
 */
export function describeWorkload(
  workload: KueueWorkload,
): WorkloadExplanation | undefined {
  const finished = condition(workload, 'Finished');
  if (finished?.status === 'True') return undefined;
  const admitted = condition(workload, 'Admitted');
  if (admitted?.status === 'True') {
    return {
      reason: admitted.reason ?? 'Admitted',
      message: 'Kueue admitted it: the Job is starting.',
    };
  }
  const reserved = condition(workload, 'QuotaReserved');
  if (reserved?.status === 'True') {
    return {
      reason: reserved.reason ?? 'QuotaReserved',
      message: withDetail(
        'Kueue reserved quota for it and waits for its admission checks',
        admitted?.message,
      ),
    };
  }
  if (reserved?.status === 'False' && (reserved.reason || reserved.message)) {
    return {
      reason: reserved.reason ?? 'Pending',
      message: withDetail('Waiting for Kueue', reserved.message),
    };
  }
  const evicted = condition(workload, 'Evicted');
  if (evicted?.status === 'True') {
    return {
      reason: evicted.reason ?? 'Evicted',
      message: withDetail(
        'Kueue evicted it and queues it again',
        evicted.message,
      ),
    };
  }
  if (admitted?.status === 'False' && (admitted.reason || admitted.message)) {
    return {
      reason: admitted.reason ?? 'Pending',
      message: withDetail('Waiting for Kueue', admitted.message),
    };
  }
  return undefined;
}
