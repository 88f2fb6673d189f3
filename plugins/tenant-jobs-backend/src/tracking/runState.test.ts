import type {
  V1ContainerStatus,
  V1Job,
  V1JobCondition,
  V1Pod,
  V1PodCondition,
} from '@kubernetes/client-node';
import { deriveRunState, describeJobEvent, summarizePod } from './runState';

// Plain objects shaped as the Kubernetes 1.36 Job controller and kubelet
// leave them, built with the typed client's Date timestamps unless a test
// says otherwise.

const T0 = new Date('2026-03-01T10:00:00Z');

/** T0 plus `seconds`. */
function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

/** A Job as the tracker reads it: backoffLimit 3 (4 attempts). */
function job(
  status: V1Job['status'] = {},
  spec: Partial<NonNullable<V1Job['spec']>> = {},
): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'run-1', namespace: 'tenant-a', creationTimestamp: T0 },
    spec: { backoffLimit: 3, template: {}, ...spec },
    status,
  };
}

/** A `True` Job condition. */
function jobCondition(
  type: string,
  reason?: string,
  message?: string,
  seconds = 300,
): V1JobCondition {
  return {
    type,
    status: 'True',
    reason,
    message,
    lastTransitionTime: at(seconds),
  };
}

/** A pod created `seconds` after T0 with the given status. */
function pod(
  name: string,
  seconds: number,
  status: V1Pod['status'],
  nodeName?: string,
): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'tenant-a', creationTimestamp: at(seconds) },
    spec: { containers: [{ name: 'job', image: 'img' }], nodeName },
    status,
  };
}

/** The status of the `job` container. */
function container(
  state: V1ContainerStatus['state'],
  extra: Partial<V1ContainerStatus> = {},
): V1ContainerStatus {
  return {
    name: 'job',
    image: 'img',
    imageID: '',
    ready: false,
    restartCount: 0,
    state,
    ...extra,
  };
}

/** A pod whose job container exited with `exitCode` (and `reason`). */
function failedPod(
  name: string,
  seconds: number,
  exitCode: number,
  reason = 'Error',
  conditions: V1PodCondition[] = [],
): V1Pod {
  return pod(
    name,
    seconds,
    {
      phase: 'Failed',
      startTime: at(seconds + 1),
      conditions,
      containerStatuses: [
        container({
          terminated: {
            exitCode,
            reason,
            startedAt: at(seconds + 2),
            finishedAt: at(seconds + 30),
          },
        }),
      ],
    },
    'node-1',
  );
}

/** A pod whose job container is running. */
function runningPod(name: string, seconds: number): V1Pod {
  return pod(
    name,
    seconds,
    {
      phase: 'Running',
      startTime: at(seconds + 1),
      containerStatuses: [
        container({ running: { startedAt: at(seconds + 5) } }, { ready: true }),
      ],
    },
    'node-1',
  );
}

/** A pod that succeeded. */
function succeededPod(name: string, seconds: number): V1Pod {
  return pod(
    name,
    seconds,
    {
      phase: 'Succeeded',
      startTime: at(seconds + 1),
      containerStatuses: [
        container({
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt: at(seconds + 2),
            finishedAt: at(seconds + 60),
          },
        }),
      ],
    },
    'node-1',
  );
}

/** A pod waiting with the job container in `reason`. */
function waitingPod(
  name: string,
  seconds: number,
  reason: string,
  message?: string,
): V1Pod {
  return pod(
    name,
    seconds,
    {
      phase: 'Pending',
      startTime: at(seconds + 1),
      conditions: [{ type: 'PodScheduled', status: 'True' }],
      containerStatuses: [container({ waiting: { reason, message } })],
    },
    'node-1',
  );
}

const SCHEDULER_MESSAGE =
  '0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';

describe('deriveRunState', () => {
  describe('finished runs', () => {
    it('succeeds on Complete, with times from the Job and the pod', () => {
      const state = deriveRunState(
        job({
          succeeded: 1,
          startTime: at(0),
          completionTime: at(70),
          conditions: [
            jobCondition('SuccessCriteriaMet', 'CompletionsReached', '', 69),
            jobCondition('Complete', 'CompletionsReached', '', 70),
          ],
        }),
        [succeededPod('run-1-a', 0)],
      );
      expect(state).toMatchObject({
        status: 'Succeeded',
        reason: 'Completed',
        message: 'Finished successfully after 1 attempt.',
        attempts: 1,
        startedAt: at(1).toISOString(),
        finishedAt: at(70).toISOString(),
      });
      expect(state.conditions).toEqual([
        {
          type: 'SuccessCriteriaMet',
          status: 'True',
          reason: 'CompletionsReached',
          lastTransitionTime: at(69).toISOString(),
        },
        {
          type: 'Complete',
          status: 'True',
          reason: 'CompletionsReached',
          lastTransitionTime: at(70).toISOString(),
        },
      ]);
      expect(state.pods).toEqual([
        {
          name: 'run-1-a',
          phase: 'Succeeded',
          nodeName: 'node-1',
          createdAt: at(0).toISOString(),
          startedAt: at(1).toISOString(),
          finishedAt: at(60).toISOString(),
          exitCode: 0,
          reason: 'Completed',
          restarts: 0,
          // When the job container ran: what its usage is counted over.
          ranFrom: at(2).toISOString(),
          ranUntil: at(60).toISOString(),
        },
      ]);
    });

    it('counts the attempts of a success after retries', () => {
      const state = deriveRunState(
        job({
          succeeded: 1,
          failed: 1,
          conditions: [jobCondition('Complete', 'CompletionsReached')],
        }),
        [failedPod('run-1-a', 0, 1), succeededPod('run-1-b', 60)],
      );
      expect(state.message).toBe('Finished successfully after 2 attempts.');
      // No completionTime: the condition's transition time.
      expect(state.finishedAt).toBe(at(300).toISOString());
    });

    it('takes SuccessCriteriaMet as the coming success', () => {
      const state = deriveRunState(
        job({
          succeeded: 1,
          conditions: [
            jobCondition('SuccessCriteriaMet', 'CompletionsReached'),
          ],
        }),
        [succeededPod('run-1-a', 0)],
      );
      expect(state).toMatchObject({
        status: 'Succeeded',
        reason: 'Completed',
        finishedAt: at(300).toISOString(),
      });
    });

    it('fails on BackoffLimitExceeded with the last exit code', () => {
      const state = deriveRunState(
        job({
          failed: 4,
          conditions: [
            jobCondition(
              'Failed',
              'BackoffLimitExceeded',
              'Job has reached the specified backoff limit',
            ),
          ],
        }),
        [
          failedPod('run-1-a', 0, 2),
          failedPod('run-1-b', 40, 2),
          failedPod('run-1-c', 80, 2),
          failedPod('run-1-d', 120, 3),
        ],
      );
      expect(state).toMatchObject({
        status: 'Failed',
        reason: 'BackoffLimitExceeded',
        message:
          'Failed 4 times and has no retries left; the last attempt exited with code 3.',
        attempts: 4,
        finishedAt: at(300).toISOString(),
        startedAt: at(1).toISOString(),
      });
    });

    it('says when the last attempt ran out of memory', () => {
      const state = deriveRunState(
        job(
          {
            failed: 2,
            conditions: [jobCondition('Failed', 'BackoffLimitExceeded')],
          },
          { backoffLimit: 1 },
        ),
        [
          failedPod('run-1-a', 0, 1),
          failedPod('run-1-b', 40, 137, 'OOMKilled'),
        ],
      );
      expect(state).toMatchObject({
        status: 'Failed',
        reason: 'OOMKilled',
        message:
          'Failed twice and has no retries left; the last attempt ran out of memory (exit code 137).',
      });
      expect(state.pods[1]).toMatchObject({
        reason: 'OOMKilled',
        exitCode: 137,
        message: 'The container ran out of memory.',
      });
    });

    it('fails on DeadlineExceeded with the deadline', () => {
      const state = deriveRunState(
        job(
          {
            failed: 1,
            conditions: [
              jobCondition(
                'Failed',
                'DeadlineExceeded',
                'Job was active longer than specified deadline',
              ),
            ],
          },
          { activeDeadlineSeconds: 3600 },
        ),
        [failedPod('run-1-a', 0, 143, 'Error')],
      );
      expect(state).toMatchObject({
        status: 'Failed',
        reason: 'DeadlineExceeded',
        message: 'Stopped because it ran longer than its deadline of 3600 s.',
      });
    });

    it('fails at once on the non-retriable exit code 42', () => {
      const state = deriveRunState(
        job({
          failed: 1,
          conditions: [
            jobCondition(
              'FailureTarget',
              'PodFailurePolicy',
              'Container job for pod tenant-a/run-1-a failed with exit code 42 matching FailJob rule at index 1',
              299,
            ),
            jobCondition(
              'Failed',
              'PodFailurePolicy',
              'Container job for pod tenant-a/run-1-a failed with exit code 42 matching FailJob rule at index 1',
            ),
          ],
        }),
        [failedPod('run-1-a', 0, 42)],
      );
      expect(state).toMatchObject({
        status: 'Failed',
        reason: 'PodFailurePolicy',
        finishedAt: at(300).toISOString(),
      });
      expect(state.message).toBe(
        'The program exited with code 42, which means retrying will not help, so it was not retried.',
      );
    });

    it('reads the exit code from the condition when the pod is gone', () => {
      const state = deriveRunState(
        job({
          failed: 1,
          conditions: [
            jobCondition(
              'Failed',
              'PodFailurePolicy',
              'Container job for pod tenant-a/run-1-a failed with exit code 42 matching FailJob rule at index 1',
            ),
          ],
        }),
        [],
      );
      expect(state.message).toContain('exited with code 42');
      expect(state.attempts).toBe(1);
    });

    it('takes FailureTarget as the coming failure while pods terminate', () => {
      const state = deriveRunState(
        job({
          failed: 1,
          terminating: 1,
          conditions: [
            jobCondition(
              'FailureTarget',
              'PodFailurePolicy',
              'Container job for pod tenant-a/run-1-a failed with exit code 42 matching FailJob rule at index 1',
              250,
            ),
          ],
        }),
        [failedPod('run-1-a', 0, 42)],
      );
      expect(state).toMatchObject({
        status: 'Failed',
        reason: 'PodFailurePolicy',
        finishedAt: at(250).toISOString(),
      });
      expect(state.message).toContain('code 42');
    });

    it("uses another Failed condition's reason and message", () => {
      const state = deriveRunState(
        job({
          failed: 1,
          conditions: [
            jobCondition(
              'Failed',
              'MaxFailedIndexesExceeded',
              'Job has exceeded the specified maximal number of failed indexes',
            ),
          ],
        }),
        [failedPod('run-1-a', 0, 1)],
      );
      expect(state).toMatchObject({
        status: 'Failed',
        reason: 'MaxFailedIndexesExceeded',
        message:
          'Failed: Job has exceeded the specified maximal number of failed indexes.',
      });
    });

    it('is not moved by a disrupted pod once the Job failed', () => {
      const state = deriveRunState(
        job({
          failed: 4,
          conditions: [jobCondition('Failed', 'BackoffLimitExceeded')],
        }),
        [
          failedPod('run-1-a', 0, 1),
          failedPod('run-1-b', 40, 1, 'Error', [
            {
              type: 'DisruptionTarget',
              status: 'True',
              reason: 'PreemptionByScheduler',
            },
          ]),
        ],
      );
      expect(state.status).toBe('Failed');
      expect(state.reason).toBe('BackoffLimitExceeded');
    });
  });

  describe('running runs', () => {
    it('says which attempt runs, of how many', () => {
      const state = deriveRunState(
        job({ active: 1, ready: 1, failed: 1, startTime: at(0) }),
        [failedPod('run-1-a', 0, 1), runningPod('run-1-b', 60)],
      );
      expect(state).toMatchObject({
        status: 'Running',
        reason: 'Running',
        message: 'Running (attempt 2 of 4).',
        attempts: 2,
        startedAt: at(1).toISOString(),
      });
      expect(state.finishedAt).toBeUndefined();
      expect(state.pods.map(p => p.name)).toEqual(['run-1-a', 'run-1-b']);
    });

    it('runs on the Job ready count when the pods are not listed yet', () => {
      const state = deriveRunState(
        job({ active: 1, ready: 1, startTime: at(3) }),
        [],
      );
      expect(state).toMatchObject({
        status: 'Running',
        message: 'Running (attempt 1 of 4).',
        attempts: 1,
        startedAt: at(3).toISOString(),
      });
    });

    it('uses the default backoff limit of 6 when unset', () => {
      const j = job({ active: 1 });
      delete j.spec!.backoffLimit;
      const state = deriveRunState(j, [runningPod('run-1-a', 0)]);
      expect(state.message).toBe('Running (attempt 1 of 7).');
    });
  });

  describe('pending runs', () => {
    it("waits for a node with the scheduler's message", () => {
      const state = deriveRunState(job({ active: 1 }), [
        pod('run-1-a', 0, {
          phase: 'Pending',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: SCHEDULER_MESSAGE,
            },
          ],
        }),
      ]);
      expect(state).toMatchObject({
        status: 'Pending',
        reason: 'Unschedulable',
        message: `Waiting for a node: ${SCHEDULER_MESSAGE}`,
        attempts: 1,
      });
      expect(state.startedAt).toBeUndefined();
      expect(state.pods[0]).toMatchObject({
        reason: 'Unschedulable',
        message: SCHEDULER_MESSAGE,
      });
    });

    it('explains an image that cannot be pulled', () => {
      const state = deriveRunState(job({ active: 1 }), [
        waitingPod(
          'run-1-a',
          0,
          'ImagePullBackOff',
          'Back-off pulling image "registry.example/trainer:v9"',
        ),
      ]);
      expect(state).toMatchObject({
        status: 'Pending',
        reason: 'ImagePullBackOff',
        message:
          'The container image cannot be downloaded and Kubernetes keeps trying: Back-off pulling image "registry.example/trainer:v9".',
      });
      // Accepted by the kubelet is not started.
      expect(state.startedAt).toBeUndefined();
    });

    it.each([
      ['ErrImagePull', 'The container image cannot be downloaded'],
      ['InvalidImageName', 'The name of the container image is not valid'],
      [
        'CreateContainerConfigError',
        'The container cannot be set up, often because a secret or config map it needs is missing',
      ],
      [
        'CrashLoopBackOff',
        'The program keeps crashing and is restarted after a pause',
      ],
    ])('explains %s with the waiting message', (reason, explanation) => {
      const state = deriveRunState(job({ active: 1 }), [
        waitingPod('run-1-a', 0, reason, 'detail from the kubelet'),
      ]);
      expect(state).toMatchObject({
        status: 'Pending',
        reason,
        message: `${explanation}: detail from the kubelet.`,
      });
    });

    it('is starting once scheduled with the container being created', () => {
      const state = deriveRunState(job({ active: 1 }), [
        waitingPod('run-1-a', 0, 'ContainerCreating'),
      ]);
      expect(state).toMatchObject({
        status: 'Pending',
        reason: 'ContainerCreating',
        message:
          'Starting: the pod has a node and its container is being created.',
      });
    });

    it('is starting when scheduled before the kubelet reports containers', () => {
      const state = deriveRunState(job({ active: 1 }), [
        pod(
          'run-1-a',
          0,
          {
            phase: 'Pending',
            conditions: [{ type: 'PodScheduled', status: 'True' }],
          },
          'node-2',
        ),
      ]);
      expect(state.reason).toBe('ContainerCreating');
    });

    it('backs off after a failed attempt until the next pod', () => {
      const state = deriveRunState(job({ failed: 1, startTime: at(0) }), [
        failedPod('run-1-a', 0, 1),
      ]);
      expect(state).toMatchObject({
        status: 'Pending',
        reason: 'BackOff',
        message: 'Attempt 1 failed with exit code 1; retrying.',
        attempts: 1,
        // That attempt ran.
        startedAt: at(1).toISOString(),
      });
      expect(state.finishedAt).toBeUndefined();
    });

    it('backs off after an attempt that ran out of memory', () => {
      const state = deriveRunState(job({ failed: 2 }), [
        failedPod('run-1-a', 0, 1),
        failedPod('run-1-b', 40, 137, 'OOMKilled'),
      ]);
      expect(state).toMatchObject({
        reason: 'BackOff',
        message: 'Attempt 2 ran out of memory (exit code 137); retrying.',
      });
    });

    it('waits for the replacement of a preempted pod', () => {
      const preempted = failedPod('run-1-b', 40, 137, 'Error', [
        {
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'PreemptionByScheduler',
          message: 'Preempted in order to admit critical pod',
        },
      ]);
      const state = deriveRunState(job({ failed: 1 }), [
        failedPod('run-1-a', 0, 1),
        preempted,
      ]);
      expect(state).toMatchObject({
        status: 'Pending',
        reason: 'Preempted',
        message:
          'Preempted by more important work; it will be retried without using up a retry.',
        attempts: 2,
      });
      expect(state.pods[1]).toMatchObject({
        reason: 'Preempted',
        message: 'Preempted in order to admit critical pod',
      });
    });

    it.each([
      'EvictionByEvictionAPI',
      'TerminationByKubelet',
      'DeletionByTaintManager',
    ])('waits for the replacement of a pod disrupted by %s', reason => {
      const evicted = runningPod('run-1-a', 0);
      evicted.status!.conditions = [
        { type: 'DisruptionTarget', status: 'True', reason },
      ];
      const state = deriveRunState(job({ active: 1 }), [evicted]);
      expect(state).toMatchObject({
        status: 'Pending',
        reason: 'Evicted',
        message:
          'Evicted from its node; it will be retried without using up a retry.',
      });
      expect(summarizePod(evicted).reason).toBe('Evicted');
    });

    it('waits in the queue while suspended, and no longer once resumed', () => {
      const state = deriveRunState(
        job(
          {
            conditions: [
              jobCondition('Suspended', 'JobSuspended', 'Job suspended'),
            ],
          },
          { suspend: true },
        ),
        [],
      );
      expect(state).toMatchObject({
        status: 'Queued',
        reason: 'WaitingForSlot',
        attempts: 0,
      });
      expect(state.message).toContain("Waiting in the tenant's queue");
      // Resumed: the condition lingers a moment, the spec says it all.
      const resumed = deriveRunState(
        job(
          {
            conditions: [
              jobCondition('Suspended', 'JobSuspended', 'Job suspended'),
            ],
          },
          { suspend: false },
        ),
        [],
      );
      expect(resumed.status).toBe('Pending');
    });

    it('waits for the first pod', () => {
      const state = deriveRunState(job(), []);
      expect(state).toEqual({
        status: 'Pending',
        reason: 'NoPod',
        message: "Waiting for the Job's pod to be created.",
        attempts: 0,
        conditions: [],
        pods: [],
      });
    });

    it('waits for a pod the Job counts but the list does not show', () => {
      const state = deriveRunState(job({ active: 1 }), []);
      expect(state).toMatchObject({
        status: 'Pending',
        reason: 'Pending',
        message: 'Waiting for the pod to start.',
        attempts: 1,
      });
    });

    it('waits for a pod nobody has looked at yet', () => {
      const state = deriveRunState(job({ active: 1 }), [
        pod('run-1-a', 0, { phase: 'Pending' }),
      ]);
      expect(state).toMatchObject({
        reason: 'Pending',
        message: 'Waiting for the pod to be scheduled on a node.',
      });
    });
  });

  describe('attempts, order and timestamps', () => {
    it('counts attempts whose pods are gone', () => {
      const state = deriveRunState(job({ failed: 2, active: 1, ready: 1 }), [
        runningPod('run-1-c', 120),
      ]);
      expect(state).toMatchObject({
        attempts: 3,
        message: 'Running (attempt 3 of 4).',
      });
    });

    it('lists pods oldest first, then by name', () => {
      const state = deriveRunState(job({ failed: 2, active: 1 }), [
        runningPod('run-1-z', 120),
        failedPod('run-1-b', 0, 1),
        failedPod('run-1-a', 0, 1),
      ]);
      expect(state.pods.map(p => p.name)).toEqual([
        'run-1-a',
        'run-1-b',
        'run-1-z',
      ]);
    });

    it('accepts string timestamps from a watch stream and drops invalid ones', () => {
      const raw = {
        metadata: {
          name: 'run-1-a',
          creationTimestamp: '2026-03-01T10:00:00Z',
        },
        spec: { containers: [{ name: 'job' }], nodeName: 'node-1' },
        status: {
          phase: 'Failed',
          startTime: 'not a time',
          containerStatuses: [
            {
              name: 'job',
              restartCount: 0,
              state: {
                terminated: {
                  exitCode: 1,
                  reason: 'Error',
                  startedAt: '2026-03-01T10:00:05Z',
                  finishedAt: '2026-03-01T10:01:00Z',
                },
              },
            },
          ],
        },
      } as unknown as V1Pod;
      const rawJob = {
        metadata: { name: 'run-1' },
        spec: { backoffLimit: 0 },
        status: {
          failed: 1,
          conditions: [
            {
              type: 'Failed',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              lastTransitionTime: '2026-03-01T10:01:02Z',
            },
          ],
        },
      } as unknown as V1Job;
      const state = deriveRunState(rawJob, [raw]);
      expect(state).toMatchObject({
        status: 'Failed',
        reason: 'BackoffLimitExceeded',
        message:
          'Failed once and has no retries left; the last attempt exited with code 1.',
        // The invalid startTime is skipped for the container's start.
        startedAt: '2026-03-01T10:00:05.000Z',
        finishedAt: '2026-03-01T10:01:02.000Z',
      });
      expect(state.conditions[0].lastTransitionTime).toBe(
        '2026-03-01T10:01:02.000Z',
      );
      const summary = state.pods[0];
      expect(summary).toMatchObject({
        createdAt: '2026-03-01T10:00:00.000Z',
        finishedAt: '2026-03-01T10:01:00.000Z',
        exitCode: 1,
      });
      expect(summary).not.toHaveProperty('startedAt');
    });
  });
});

describe('summarizePod', () => {
  it('takes the exit code of the job container, not a sidecar', () => {
    const p = failedPod('run-1-a', 0, 3);
    p.status!.containerStatuses = [
      container(
        { terminated: { exitCode: 0, reason: 'Completed' } },
        { name: 'sidecar' },
      ),
      ...p.status!.containerStatuses!,
    ];
    expect(summarizePod(p)).toMatchObject({ exitCode: 3, reason: 'Error' });
  });

  it('takes the last termination of a restarted container', () => {
    const p = pod('run-1-a', 0, {
      phase: 'Running',
      containerStatuses: [
        container(
          {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: 'back-off 10s restarting failed container=job',
            },
          },
          {
            restartCount: 2,
            lastState: { terminated: { exitCode: 2, reason: 'Error' } },
          },
        ),
      ],
    });
    expect(summarizePod(p)).toEqual({
      name: 'run-1-a',
      phase: 'Running',
      createdAt: at(0).toISOString(),
      exitCode: 2,
      reason: 'CrashLoopBackOff',
      message: 'back-off 10s restarting failed container=job',
      restarts: 2,
    });
  });

  it("falls back to the pod's own reason", () => {
    const p = pod('run-1-a', 0, {
      phase: 'Failed',
      reason: 'Evicted',
      message: 'The node was low on resource: memory.',
    });
    expect(summarizePod(p)).toMatchObject({
      reason: 'Evicted',
      message: 'The node was low on resource: memory.',
      restarts: 0,
    });
  });
});

describe('describeJobEvent', () => {
  it('explains a used-up quota', () => {
    expect(
      describeJobEvent(
        'FailedCreate',
        'Error creating: pods "run-1-x" is forbidden: exceeded quota: tenant-quota, requested: requests.cpu=2, used: requests.cpu=4, limited: requests.cpu=4',
      ),
    ).toBe(
      'The tenant\'s quota is used up: Error creating: pods "run-1-x" is forbidden: exceeded quota: tenant-quota, requested: requests.cpu=2, used: requests.cpu=4, limited: requests.cpu=4.',
    );
  });

  it('explains a Pod Security refusal', () => {
    expect(
      describeJobEvent(
        'FailedCreate',
        'Error creating: pods "run-1-x" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true',
      ),
    ).toMatch(
      /^The cluster's Pod Security rules refused the pod: Error creating/,
    );
  });

  it('explains another creation failure', () => {
    expect(describeJobEvent('FailedCreate', 'Error creating: boom')).toBe(
      'Kubernetes could not create the pod: Error creating: boom.',
    );
  });

  it('explains scheduling and restart back-off', () => {
    expect(describeJobEvent('FailedScheduling', SCHEDULER_MESSAGE)).toBe(
      `Waiting for a node: ${SCHEDULER_MESSAGE}`,
    );
    expect(
      describeJobEvent('BackOff', 'Back-off restarting failed container job'),
    ).toBe(
      'Restarting after a failure: Back-off restarting failed container job.',
    );
  });

  it('ignores other events', () => {
    expect(describeJobEvent('SuccessfulCreate', 'Created pod: run-1-a')).toBe(
      undefined,
    );
    expect(describeJobEvent('Completed', 'Job completed')).toBeUndefined();
  });
});
