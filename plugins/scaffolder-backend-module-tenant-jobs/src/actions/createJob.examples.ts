import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `tenant-jobs:run:create`, shown in the portal's action list. */
export const createJobExamples: TemplateExample[] = [
  {
    description:
      'Launch a billing report for the tenant chosen in the form, and return at once with a link to the run',
    example: yaml.stringify({
      steps: [
        {
          id: 'launch',
          name: 'Launch the billing report',
          action: 'tenant-jobs:run:create',
          input: {
            tenantId: '${{ parameters.job.tenantId }}',
            jobType: 'billing-report',
            tier: '${{ parameters.job.tier }}',
            priority: '${{ parameters.job.priority }}',
            parameters: '${{ parameters.job.parameters }}',
          },
        },
      ],
      output: {
        links: [
          { title: 'Open the run', url: '${{ steps.launch.output.link }}' },
        ],
      },
    }),
  },
  {
    description:
      'Train a model for a component of the tenant and wait up to two hours for it to finish, cancelling it if it does not',
    example: yaml.stringify({
      steps: [
        {
          id: 'train',
          name: 'Train the model',
          action: 'tenant-jobs:run:create',
          input: {
            tenantId: 'acme-analytics',
            jobType: 'ml-training',
            tier: 'xlarge',
            priority: 'high',
            entityRef: 'component:default/recommender',
            parameters: {
              model: 'recommender-v2',
              dataset: 'listening-history-2025',
              epochs: 20,
            },
            wait: 'finished',
            timeoutSeconds: 7200,
            cancelOnTimeout: true,
          },
        },
      ],
    }),
  },
  {
    description:
      'Only check that a data ETL job would be admitted (plan, parameters, quota), creating nothing',
    example: yaml.stringify({
      steps: [
        {
          id: 'check',
          name: 'Check the ETL job',
          action: 'tenant-jobs:run:create',
          input: {
            tenantId: 'globex-retail',
            jobType: 'data-etl',
            parameters: { source: 'events-db', destination: 'warehouse' },
            dryRun: true,
          },
        },
      ],
    }),
  },
];
