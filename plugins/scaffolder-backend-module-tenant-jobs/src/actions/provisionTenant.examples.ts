import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `tenant-jobs:tenant:provision`. */
export const provisionTenantExamples: TemplateExample[] = [
  {
    description:
      "Provision the tenant of a Group picked in the form (platform team only): read the Group's tenant id, then apply its namespace, quota, limits and network policy",
    example: yaml.stringify({
      steps: [
        {
          id: 'group',
          action: 'catalog:fetch',
          input: { entityRef: '${{ parameters.group }}' },
        },
        {
          id: 'provision',
          name: 'Provision the tenant',
          action: 'tenant-jobs:tenant:provision',
          input: {
            tenantId:
              "${{ steps.group.output.entity.metadata.annotations['tenant-jobs.io/tenant-id'] }}",
          },
        },
      ],
    }),
  },
];
