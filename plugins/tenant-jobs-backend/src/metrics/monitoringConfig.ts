import { Config } from '@backstage/config';
import { DEFAULT_WATCH_STALL_SECONDS } from './ClusterHealth';

/** The service level of finished runs: 99.5% succeed (cancelled ones excluded). */
export const DEFAULT_SUCCESS_OBJECTIVE = 0.995;
/** Without a configured target, a type's p95 duration target is this share of its deadline. */
export const DEFAULT_DURATION_TARGET_SHARE = 0.5;

/** `tenantJobs.monitoring`: objectives and thresholds of the metrics and health. */
export type MonitoringConfig = {
  successObjective: number;
  /** Seconds, by job type id; types not named get half their deadline. */
  durationTargetSeconds: Map<string, number>;
  watchStallSeconds: number;
};

export function readMonitoringConfig(root: Config): MonitoringConfig {
  const config = root.getOptionalConfig('tenantJobs.monitoring');
  const successObjective =
    config?.getOptionalNumber('successObjective') ?? DEFAULT_SUCCESS_OBJECTIVE;
  if (!(successObjective > 0 && successObjective < 1)) {
    throw new Error(
      `tenantJobs.monitoring.successObjective must be between 0 and 1 (e.g. 0.995), not ${successObjective}`,
    );
  }
  const targets = new Map<string, number>();
  const targetConfig = config?.getOptionalConfig('durationTargetSeconds');
  for (const key of targetConfig?.keys() ?? []) {
    const seconds = targetConfig!.getNumber(key);
    if (!(seconds > 0)) {
      throw new Error(
        `tenantJobs.monitoring.durationTargetSeconds.${key} must be a positive number of seconds`,
      );
    }
    targets.set(key, seconds);
  }
  const watchStallSeconds =
    config?.getOptionalNumber('watchStallSeconds') ??
    DEFAULT_WATCH_STALL_SECONDS;
  if (!(watchStallSeconds > 0)) {
    throw new Error(
      'tenantJobs.monitoring.watchStallSeconds must be a positive number of seconds',
    );
  }
  return {
    successObjective,
    durationTargetSeconds: targets,
    watchStallSeconds,
  };
}

/** The p95 duration target of each job type, in seconds. */
export function durationTargets(
  config: MonitoringConfig,
  jobTypes: Array<{ id: string; defaultDeadlineSeconds: number }>,
): Array<{ jobType: string; seconds: number }> {
  return jobTypes.map(type => ({
    jobType: type.id,
    seconds:
      config.durationTargetSeconds.get(type.id) ??
      type.defaultDeadlineSeconds * DEFAULT_DURATION_TARGET_SHARE,
  }));
}
