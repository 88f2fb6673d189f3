import { V1Pod } from '@kubernetes/client-node';
import { podRanInterval, podRequests } from './podUsage';

describe('podRequests', () => {
  it('sums the containers and takes an init container where it asks more, as the scheduler counts', () => {
    const pod: V1Pod = {
      spec: {
        containers: [
          {
            name: 'job',
            resources: {
              requests: { cpu: '1500m', memory: '2Gi', 'nvidia.com/gpu': '1' },
            },
          },
          { name: 'sidecar', resources: { requests: { cpu: '100m' } } },
        ],
        initContainers: [
          {
            name: 'fetch',
            resources: { requests: { cpu: '500m', memory: '4Gi' } },
          },
        ],
      },
    };
    expect(podRequests(pod)).toEqual({
      cpuCores: 1.6,
      memoryBytes: 4 * 1024 ** 3,
      gpus: 1,
    });
  });

  it('is undefined for a pod that requests nothing', () => {
    expect(podRequests({ spec: { containers: [{ name: 'job' }] } })).toBe(
      undefined,
    );
  });
});

describe('podRanInterval', () => {
  it('is the job container running start to its termination', () => {
    expect(
      podRanInterval({
        name: 'job',
        image: 'x',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: {
          terminated: {
            exitCode: 0,
            startedAt: new Date('2026-12-01T10:00:05Z'),
            finishedAt: new Date('2026-12-01T10:02:05Z'),
          },
        },
      }),
    ).toEqual({
      ranFrom: '2026-12-01T10:00:05.000Z',
      ranUntil: '2026-12-01T10:02:05.000Z',
    });
    expect(
      podRanInterval({
        name: 'job',
        image: 'x',
        imageID: '',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: new Date('2026-12-01T10:00:05Z') } },
      }),
    ).toEqual({ ranFrom: '2026-12-01T10:00:05.000Z' });
    expect(podRanInterval(undefined)).toEqual({});
    // A container that failed to start reports the epoch: it never ran.
    expect(
      podRanInterval({
        name: 'job',
        image: 'x',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: {
          terminated: {
            exitCode: 128,
            reason: 'StartError',
            startedAt: new Date(0),
            finishedAt: new Date('2026-12-01T10:00:05Z'),
          },
        },
      }),
    ).toEqual({});
  });
});
