import { deepFreeze } from './deepFreeze';
import type { BuiltInJobTypeId, JobTypeDefinition } from './types';

/**
 * Names of resources a job reads or writes (a model, a dataset, a
 * connection): lowercase, starting with a letter or digit (never an option
 * like `-x`), and without `/`, so a value cannot name a path.
 */
const RESOURCE_NAME_PATTERN = '^[a-z0-9][a-z0-9._-]{0,62}$';

const mlTraining: JobTypeDefinition = {
  id: 'ml-training',
  title: 'ML training',
  description: 'Trains a machine learning model on a GPU.',
  category: 'ml',
  image: 'pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime',
  command: ['python', '-m', 'tenant_jobs.ml_training'],
  parameterSchema: {
    type: 'object',
    title: 'ML training parameters',
    properties: {
      model: {
        type: 'string',
        title: 'Model',
        description: 'Name of the model to train.',
        pattern: RESOURCE_NAME_PATTERN,
        maxLength: 63,
        examples: ['recommender-v2'],
      },
      dataset: {
        type: 'string',
        title: 'Dataset',
        description: "Name of a dataset in the tenant's storage.",
        pattern: RESOURCE_NAME_PATTERN,
        maxLength: 63,
        examples: ['listening-history-2025'],
      },
      epochs: {
        type: 'integer',
        title: 'Epochs',
        minimum: 1,
        maximum: 1000,
        default: 10,
      },
      learningRate: {
        type: 'number',
        title: 'Learning rate',
        minimum: 0.000001,
        maximum: 1,
        default: 0.001,
      },
      batchSize: {
        type: 'integer',
        title: 'Batch size',
        minimum: 1,
        maximum: 4096,
        default: 32,
      },
    },
    required: ['model', 'dataset'],
    additionalProperties: false,
  },
  defaultTier: 'xlarge',
  allowedTiers: ['xlarge', 'enterprise'],
  defaultDeadlineSeconds: 8 * 3600,
  retries: 1,
  gpu: true,
};

const dataEtl: JobTypeDefinition = {
  id: 'data-etl',
  title: 'Data ETL',
  description: 'Extracts, transforms and loads data between two connections.',
  category: 'data',
  image: 'python:3.12-slim',
  command: ['python', '-m', 'tenant_jobs.data_etl'],
  parameterSchema: {
    type: 'object',
    title: 'Data ETL parameters',
    properties: {
      source: {
        type: 'string',
        title: 'Source',
        description: 'Name of the connection to read from.',
        pattern: RESOURCE_NAME_PATTERN,
        maxLength: 63,
        examples: ['events-db'],
      },
      destination: {
        type: 'string',
        title: 'Destination',
        description: 'Name of the connection to write to.',
        pattern: RESOURCE_NAME_PATTERN,
        maxLength: 63,
        examples: ['warehouse'],
      },
      mode: {
        type: 'string',
        title: 'Mode',
        description:
          'Reload everything, or only what changed since the last run.',
        enum: ['full', 'incremental'],
        maxLength: 11,
        default: 'incremental',
      },
    },
    required: ['source', 'destination'],
    additionalProperties: false,
  },
  defaultTier: 'large',
  allowedTiers: ['small', 'medium', 'large', 'xlarge'],
  defaultDeadlineSeconds: 3 * 3600,
  retries: 3,
};

const tenantBackup: JobTypeDefinition = {
  id: 'tenant-backup',
  title: 'Tenant backup',
  description: "Backs up the tenant's databases and files.",
  category: 'infrastructure',
  image: 'python:3.12-slim',
  command: ['python', '-m', 'tenant_jobs.tenant_backup'],
  parameterSchema: {
    type: 'object',
    title: 'Tenant backup parameters',
    properties: {
      target: {
        type: 'string',
        title: 'Target',
        enum: ['database', 'files', 'all'],
        maxLength: 8,
        default: 'all',
      },
      retentionDays: {
        type: 'integer',
        title: 'Retention (days)',
        minimum: 1,
        maximum: 365,
        default: 30,
      },
    },
    additionalProperties: false,
  },
  defaultTier: 'large',
  allowedTiers: ['small', 'medium', 'large', 'xlarge'],
  defaultDeadlineSeconds: 6 * 3600,
  retries: 2,
};

const securityScan: JobTypeDefinition = {
  id: 'security-scan',
  title: 'Security scan',
  description:
    'Scans images, dependencies or configuration for vulnerabilities.',
  category: 'security',
  image: 'python:3.12-slim',
  command: ['python', '-m', 'tenant_jobs.security_scan'],
  parameterSchema: {
    type: 'object',
    title: 'Security scan parameters',
    properties: {
      scanType: {
        type: 'string',
        title: 'Scan type',
        enum: ['image', 'dependencies', 'config'],
        maxLength: 12,
        default: 'image',
      },
      severityThreshold: {
        type: 'string',
        title: 'Severity threshold',
        description: 'Lowest severity that fails the scan.',
        enum: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'],
        maxLength: 8,
        default: 'HIGH',
      },
      target: {
        type: 'string',
        title: 'Target',
        description: 'Image reference or repository to scan.',
        pattern: '^[a-z0-9][a-z0-9._/:@-]{0,254}$',
        maxLength: 255,
        examples: ['registry.example.com/team/app:1.4.2'],
      },
    },
    additionalProperties: false,
  },
  defaultTier: 'medium',
  allowedTiers: ['small', 'medium', 'large'],
  defaultDeadlineSeconds: 2 * 3600,
  retries: 2,
};

const billingReport: JobTypeDefinition = {
  id: 'billing-report',
  title: 'Billing report',
  description: "Builds the tenant's billing report for one month.",
  category: 'business',
  image: 'python:3.12-slim',
  command: ['python', '-m', 'tenant_jobs.billing_report'],
  parameterSchema: {
    type: 'object',
    title: 'Billing report parameters',
    properties: {
      period: {
        type: 'string',
        title: 'Period',
        description: 'The month to report, as YYYY-MM.',
        pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$',
        maxLength: 7,
        examples: ['2025-06'],
      },
      format: {
        type: 'string',
        title: 'Format',
        enum: ['csv', 'pdf', 'json'],
        maxLength: 4,
        default: 'csv',
      },
    },
    required: ['period'],
    additionalProperties: false,
  },
  defaultTier: 'medium',
  allowedTiers: ['micro', 'small', 'medium', 'large'],
  defaultDeadlineSeconds: 90 * 60,
  retries: 3,
};

/**
 * The job types that ship with the plugin, keyed by id. The images are
 * public and pinned by tag but only stand-ins for an adopter's own (the
 * local KWOK cluster never pulls them); override them with
 * `tenantJobs.jobTypes.<id>.image`.
 *
 * @public
 */
export const BUILT_IN_JOB_TYPES: Readonly<
  Record<BuiltInJobTypeId, JobTypeDefinition>
> = deepFreeze({
  'ml-training': mlTraining,
  'data-etl': dataEtl,
  'tenant-backup': tenantBackup,
  'security-scan': securityScan,
  'billing-report': billingReport,
});

/**
 * Ids of the built-in job types.
 *
 * @public
 */
export const BUILT_IN_JOB_TYPE_IDS: readonly BuiltInJobTypeId[] = deepFreeze(
  Object.keys(BUILT_IN_JOB_TYPES) as BuiltInJobTypeId[],
);
