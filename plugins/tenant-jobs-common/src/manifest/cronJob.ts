import type { V1CronJob, V1EnvVar } from '@kubernetes/client-node';
import { TENANT_JOBS_LABELS } from '../constants';
import { RUN_ENV } from './parameters';
import { buildJob, BuildJobContext, BuildJobRequest } from './job';

/**
 * Label of a schedule's CronJob and of every Job it creates: the schedule
 * id. Such a Job's run id is its own uid.
 *
 * @public
 */
export const SCHEDULE_ID_LABEL = 'tenant-jobs.io/schedule-id';

/** The Job controller's label on pods: the uid of their Job. */
const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';

/**
 * What a schedule adds to a run's context.
 *
 * @public
 */
export interface BuildCronJobContext
  extends Omit<BuildJobContext, 'runId' | 'jobName'> {
  /** The schedule id; a valid label value. */
  scheduleId: string;
  /** The CronJob name (at most 52 characters, a CronJob limit). */
  name: string;
  /** Five-field cron expression or a macro such as `@daily`. */
  cron: string;
  /** IANA time zone, e.g. `Europe/Berlin`; the controller's zone if absent. */
  timeZone?: string;
  concurrencyPolicy: 'Allow' | 'Forbid' | 'Replace';
  startingDeadlineSeconds: number;
  /** A paused schedule creates no Jobs. */
  suspend: boolean;
}

/**
 * The CronJob of a schedule, in the tenant namespace: its Job template is
 * the one `buildJob` makes for a single run (hardened the same way), with
 * the schedule id instead of a run id, and suspended, so every Job it
 * creates waits for the tenant's queue like any submission. The run id
 * (`TJ_RUN_ID`) is the Job's uid.
 *
 * @public
 */
export function buildCronJob(
  request: BuildJobRequest,
  context: BuildCronJobContext,
): V1CronJob {
  if (context.name.length > 52) {
    throw new Error(`CronJob name '${context.name}' exceeds 52 characters`);
  }
  const job = buildJob(request, {
    ...context,
    runId: context.scheduleId,
    jobName: context.name,
  });
  const labels = { ...job.metadata!.labels };
  delete labels[TENANT_JOBS_LABELS.runId];
  labels[SCHEDULE_ID_LABEL] = context.scheduleId;
  const template = job.spec!.template;
  const container = template.spec!.containers[0];
  const env: V1EnvVar[] = (container.env ?? []).map(variable =>
    variable.name === RUN_ENV.runId
      ? {
          name: RUN_ENV.runId,
          valueFrom: {
            fieldRef: {
              fieldPath: `metadata.labels['${CONTROLLER_UID_LABEL}']`,
            },
          },
        }
      : variable,
  );
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name: context.name,
      namespace: job.metadata!.namespace,
      labels,
      ...(job.metadata!.annotations
        ? { annotations: job.metadata!.annotations }
        : {}),
    },
    spec: {
      schedule: context.cron,
      ...(context.timeZone ? { timeZone: context.timeZone } : {}),
      concurrencyPolicy: context.concurrencyPolicy,
      startingDeadlineSeconds: context.startingDeadlineSeconds,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      suspend: context.suspend,
      jobTemplate: {
        metadata: { labels, annotations: job.metadata!.annotations },
        spec: {
          ...job.spec!,
          suspend: true,
          template: {
            ...template,
            metadata: { ...template.metadata, labels },
            spec: {
              ...template.spec!,
              containers: [{ ...container, env }],
            },
          },
        },
      },
    },
  };
}
