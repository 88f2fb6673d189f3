import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { RunRecord } from '../database';

/** When and to whom run notifications go; `tenantJobs.notifications`. */
export type RunNotificationSettings = {
  enabled: boolean;
  /** Also notify the tenant's Group, not only the submitter. */
  notifyTenantGroup: boolean;
  /** A success is worth a notification after running this long. */
  longRunSeconds: number;
};

/** What a change is worth telling people about, if anything. */
export function notificationFor(
  { before, after }: { before: RunRecord; after: RunRecord },
  longRunSeconds: number,
): { title: string; severity: 'high' | 'normal'; topic: string } | undefined {
  const what = `${after.jobType} run ${after.k8sName}`;
  if (after.status === 'Failed' && before.status !== 'Failed') {
    return {
      title: `${what} failed: ${after.reason ?? 'Failed'}`,
      severity: 'high',
      topic: 'tenant-jobs:failed',
    };
  }
  const preempted = (reason?: string) =>
    reason === 'Preempted' || reason === 'Evicted';
  if (preempted(after.reason) && !preempted(before.reason)) {
    return {
      title: `${what} was ${after.reason?.toLowerCase()}; it will be retried`,
      severity: 'normal',
      topic: 'tenant-jobs:preempted',
    };
  }
  if (after.status === 'Succeeded' && before.status !== 'Succeeded') {
    const seconds =
      after.startedAt && after.finishedAt
        ? (Date.parse(after.finishedAt) - Date.parse(after.startedAt)) / 1000
        : 0;
    if (seconds >= longRunSeconds) {
      return {
        title: `${what} succeeded after ${Math.round(seconds / 60)} min`,
        severity: 'normal',
        topic: 'tenant-jobs:succeeded',
      };
    }
  }
  return undefined;
}

/**
 * Sends Backstage notifications when a run fails, is preempted or
 * evicted, or succeeds after running long: to the submitter and, by
 * config, to the tenant's Group. A missing notifications backend only
 * costs a warning in the log.
 */
export class RunNotifications {
  constructor(
    private readonly options: {
      notifications: NotificationService;
      settings: RunNotificationSettings;
      logger: LoggerService;
      groupOf(tenantId: string): Promise<string | undefined>;
      /** A link to the run in the portal, if the app's base URL is known. */
      linkTo(run: RunRecord): string | undefined;
    },
  ) {}

  async runChanged(change: {
    before: RunRecord;
    after: RunRecord;
  }): Promise<void> {
    const { settings } = this.options;
    if (!settings.enabled) return;
    const notice = notificationFor(change, settings.longRunSeconds);
    if (!notice) return;
    const run = change.after;
    const recipients = new Set<string>();
    if (run.submittedBy.startsWith('user:')) recipients.add(run.submittedBy);
    if (settings.notifyTenantGroup) {
      const group = await this.options.groupOf(run.tenantId);
      if (group) recipients.add(group);
    }
    if (recipients.size === 0) return;
    try {
      await this.options.notifications.send({
        recipients: { type: 'entity', entityRef: [...recipients] },
        payload: {
          title: notice.title,
          description: run.message,
          link: this.options.linkTo(run),
          severity: notice.severity,
          topic: notice.topic,
          scope: `tenant-jobs:run:${run.id}`,
        },
      });
    } catch (error) {
      this.options.logger.warn(
        `Could not send the notification about run ${run.id}: ${
          (error as Error).message
        }`,
      );
    }
  }
}
