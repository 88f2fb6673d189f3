import {
  BUILT_IN_JOB_TYPES,
  JobTypeDefinition,
  validateJobTypeDefinition,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { JobTypeOverride } from '../config/readConfig';

/**
 * The job types this installation offers: the built-ins, those added
 * through the extension point (same id replaces), then app-config
 * overrides, which may also turn a type off. Checked once at startup.
 */
export class JobTypeRegistry {
  private readonly types: Map<string, JobTypeDefinition>;

  constructor(options: {
    added: JobTypeDefinition[];
    overrides: Map<string, JobTypeOverride>;
  }) {
    const types = new Map<string, JobTypeDefinition>();
    for (const type of [
      ...Object.values(BUILT_IN_JOB_TYPES),
      ...options.added,
    ]) {
      types.set(type.id, type);
    }
    for (const [id, override] of options.overrides) {
      const type = types.get(id);
      if (!type) {
        throw new Error(
          `tenantJobs.jobTypes.${id} overrides a job type that does not exist; known: ${[
            ...types.keys(),
          ].join(', ')}`,
        );
      }
      if (override.enabled === false) {
        types.delete(id);
        continue;
      }
      const { enabled: _enabled, ...fields } = override;
      const defined = Object.fromEntries(
        Object.entries(fields).filter(([, value]) => value !== undefined),
      );
      types.set(id, { ...type, ...defined });
    }
    for (const type of types.values()) {
      const problems = validateJobTypeDefinition(type);
      if (problems.length > 0) {
        throw new Error(
          `Job type '${type.id}' is invalid: ${problems.join('; ')}`,
        );
      }
    }
    this.types = types;
  }

  list(): JobTypeDefinition[] {
    return [...this.types.values()];
  }

  /**
   * Every job type as callers see it (`GET /job-types`, the
   * `list-job-types` action): what to launch and its parameters' schema.
   */
  describe() {
    return this.list().map(type => ({
      id: type.id,
      title: type.title,
      description: type.description,
      category: type.category,
      gpu: type.gpu ?? false,
      defaultTier: type.defaultTier,
      allowedTiers: type.allowedTiers,
      defaultDeadlineSeconds: type.defaultDeadlineSeconds,
      retries: type.retries,
      parameterSchema: type.parameterSchema,
    }));
  }

  get(id: string): JobTypeDefinition | undefined {
    return this.types.get(id);
  }
}
