import type { V1Pod } from '@kubernetes/client-node';
import { summarizePod } from '../tracking/runState';
import { markWorkerCluster, workerClusterOf } from './workerCluster';

const pod: V1Pod = {
  metadata: {
    name: 'etl-1-abcde',
    namespace: 'tenant-acme',
    annotations: { 'tenant-jobs.io/simulate': 'duration=5s' },
  },
  spec: { nodeName: 'kwok-cpu-1', containers: [] },
  status: { phase: 'Running' },
};

describe('workerCluster', () => {
  it('tells users a worker runs the pod, in memory only', () => {
    const seen = markWorkerCluster(pod, 'gpu-east');
    expect(workerClusterOf(seen)).toBe('gpu-east');
    expect(summarizePod(seen)).toMatchObject({
      name: 'etl-1-abcde',
      nodeName: 'kwok-cpu-1',
      cluster: 'gpu-east',
    });
    // Never part of the pod as written or sent anywhere.
    expect(JSON.parse(JSON.stringify(seen))).toEqual(pod);
    expect(workerClusterOf(pod)).toBeUndefined();
  });

  it("cannot be forged by a pod's metadata, and the manager's own pods have none", () => {
    const forged: V1Pod = {
      ...pod,
      metadata: {
        ...pod.metadata,
        annotations: { 'tenant-jobs.io/observed-on-worker': 'elsewhere' },
        labels: { 'tenant-jobs.io/observed-on-worker': 'elsewhere' },
      },
    };
    expect(summarizePod(forged)).not.toHaveProperty('cluster');
    const own = markWorkerCluster(
      markWorkerCluster(pod, 'gpu-east'),
      undefined,
    );
    expect(workerClusterOf(own)).toBeUndefined();
  });
});
