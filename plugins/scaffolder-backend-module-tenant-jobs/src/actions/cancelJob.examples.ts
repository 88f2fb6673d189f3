import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `tenant-jobs:run:cancel`. */
export const cancelJobExamples: TemplateExample[] = [
  {
    description: 'Cancel a run launched earlier in the template',
    example: yaml.stringify({
      steps: [
        {
          id: 'cancel',
          name: 'Cancel the run',
          action: 'tenant-jobs:run:cancel',
          input: { runId: '${{ steps.launch.output.runId }}' },
        },
      ],
    }),
  },
  {
    description: 'Cancel a run by id, given in the form',
    example: yaml.stringify({
      steps: [
        {
          id: 'cancel',
          action: 'tenant-jobs:run:cancel',
          input: { runId: '${{ parameters.runId }}' },
        },
      ],
    }),
  },
];
