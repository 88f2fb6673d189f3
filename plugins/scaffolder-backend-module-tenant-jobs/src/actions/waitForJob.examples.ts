import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `tenant-jobs:run:wait`. */
export const waitForJobExamples: TemplateExample[] = [
  {
    description:
      'Launch a backup, register something in between, then wait for the backup to finish',
    example: yaml.stringify({
      steps: [
        {
          id: 'backup',
          action: 'tenant-jobs:run:create',
          input: {
            tenantId: '${{ parameters.job.tenantId }}',
            jobType: 'tenant-backup',
            parameters: '${{ parameters.job.parameters }}',
          },
        },
        {
          id: 'wait',
          name: 'Wait for the backup',
          action: 'tenant-jobs:run:wait',
          input: {
            runId: '${{ steps.backup.output.runId }}',
            until: 'finished',
            timeoutSeconds: 21600,
          },
        },
      ],
    }),
  },
  {
    description: 'Wait only until the run has started (its pod runs)',
    example: yaml.stringify({
      steps: [
        {
          id: 'started',
          action: 'tenant-jobs:run:wait',
          input: {
            runId: '${{ steps.launch.output.runId }}',
            until: 'started',
            timeoutSeconds: 600,
          },
        },
      ],
    }),
  },
];
