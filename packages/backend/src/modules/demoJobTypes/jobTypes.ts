import {
  BUILT_IN_JOB_TYPES,
  JobTypeDefinition,
} from '@tenant-jobs/plugin-tenant-jobs-common';

/**
 * ML training on a pool of H100 nodes. The local demo cluster's GPU nodes
 * are A100s, so its runs stay Pending with the scheduler's Unschedulable
 * message: the demo (and the e2e suite) use it to show why a run waits.
 */
export const h100Training: JobTypeDefinition = {
  ...BUILT_IN_JOB_TYPES['ml-training'],
  id: 'ml-training-h100',
  title: 'ML training (H100 pool)',
  description:
    'Trains a model on the H100 node pool. The local demo cluster has no H100 nodes: runs wait as Unschedulable until you cancel them.',
  nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
};
