import type { WorkloadCondition } from '../cluster/TenantCluster';
import { describeWorkload } from './kueueWorkload';

const workload = (...conditions: WorkloadCondition[]) => ({
  name: 'job-probe-1a2b3',
  jobUid: 'uid-1',
  conditions,
});

const NO_QUOTA =
  "couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor tenant-jobs-default, 100m more needed";

describe('describeWorkload', () => {
  it("says nothing before Kueue judged it, and leaves a finished one to the Job's conditions", () => {
    expect(describeWorkload(workload())).toBeUndefined();
    expect(
      describeWorkload(
        workload(
          { type: 'QuotaReserved', status: 'True', reason: 'QuotaReserved' },
          { type: 'Admitted', status: 'True', reason: 'Admitted' },
          { type: 'Finished', status: 'True', reason: 'Succeeded' },
        ),
      ),
    ).toBeUndefined();
  });

  it("takes a waiting Workload's reason and message from its QuotaReserved condition", () => {
    expect(
      describeWorkload(
        workload({
          type: 'QuotaReserved',
          status: 'False',
          reason: 'Pending',
          message: NO_QUOTA,
        }),
      ),
    ).toEqual({
      reason: 'Pending',
      message: `Waiting for Kueue: ${NO_QUOTA}.`,
    });
    expect(
      describeWorkload(
        workload({
          type: 'QuotaReserved',
          status: 'False',
          reason: 'Inadmissible',
          message: "LocalQueue tenant-jobs doesn't exist",
        }),
      ),
    ).toEqual({
      reason: 'Inadmissible',
      message: "Waiting for Kueue: LocalQueue tenant-jobs doesn't exist.",
    });
  });

  it('says when Kueue admitted it, or reserved quota and waits for admission checks', () => {
    expect(
      describeWorkload(
        workload(
          { type: 'QuotaReserved', status: 'True', reason: 'QuotaReserved' },
          { type: 'Admitted', status: 'True', reason: 'Admitted' },
        ),
      ),
    ).toEqual({
      reason: 'Admitted',
      message: 'Kueue admitted it: the Job is starting.',
    });
    expect(
      describeWorkload(
        workload(
          { type: 'QuotaReserved', status: 'True', reason: 'QuotaReserved' },
          {
            type: 'Admitted',
            status: 'False',
            reason: 'NoChecks',
            message: 'The workload has not all checks ready',
          },
        ),
      ),
    ).toEqual({
      reason: 'QuotaReserved',
      message:
        'Kueue reserved quota for it and waits for its admission checks: The workload has not all checks ready.',
    });
  });

  it('says when Kueue evicted it, unless it already says why it waits again', () => {
    const evicted: WorkloadCondition = {
      type: 'Evicted',
      status: 'True',
      reason: 'Preempted',
      message: 'Preempted to accommodate a workload with higher priority',
    };
    expect(describeWorkload(workload(evicted))).toEqual({
      reason: 'Preempted',
      message:
        'Kueue evicted it and queues it again: Preempted to accommodate a workload with higher priority.',
    });
    expect(
      describeWorkload(
        workload(evicted, {
          type: 'QuotaReserved',
          status: 'False',
          reason: 'Pending',
          message: NO_QUOTA,
        }),
      )?.reason,
    ).toBe('Pending');
  });
});
