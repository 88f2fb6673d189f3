import { validateJobTypeDefinition } from '@tenant-jobs/plugin-tenant-jobs-common';
import { h100Training } from './jobTypes';

describe('demo job types', () => {
  it('are valid job types that ask for H100 nodes', () => {
    expect(validateJobTypeDefinition(h100Training)).toEqual([]);
    expect(h100Training.nodeSelector).toEqual({
      'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
    });
    expect(h100Training.gpu).toBe(true);
  });
});
