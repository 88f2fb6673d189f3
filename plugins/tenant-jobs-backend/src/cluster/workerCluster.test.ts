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
  it("tells users a worker's pod runs there, keeping the pod's own annotations", () => {
    const seen = markWorkerCluster(pod, 'gpu-east');
    expect(workerClusterOf(seen)).toBe('gpu-east');
    expect(seen.metadata?.annotations?.['tenant-jobs.io/simulate']).toBe(
      'duration=5s',
    );
    expect(summarizePod(seen)).toMatchObject({
      name: 'etl-1-abcde',
      nodeName: 'kwok-cpu-1',
      cluster: 'gpu-east',
    });
    expect(pod.metadata?.annotations).not.toHaveProperty(
      'tenant-jobs.io/observed-on-worker',
    );
  });

  it("takes no such mark from the pod itself: the manager's own pods have none", () => {
    const forged = {
      ...pod,
      metadata: {
        ...pod.metadata,
        annotations: { 'tenant-jobs.io/observed-on-worker': 'elsewhere' },
      },
    };
    const seen = markWorkerCluster(forged, undefined);
    expect(workerClusterOf(seen)).toBeUndefined();
    expect(summarizePod(seen)).not.toHaveProperty('cluster');
  });
});
