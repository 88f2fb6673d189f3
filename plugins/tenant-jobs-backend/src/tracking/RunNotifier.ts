import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  TenantJobRunSignal,
  tenantJobsSignalChannel,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { RunRecord } from '../database';

/**
 * Pushes every recorded status change to the tenant's members over the
 * signals channel `tenant-jobs:<tenant>`: the signals backend delivers it
 * only to users whose ownership refs include the tenant's Group, or one of
 * the platform team's Groups (`adminGroups`), whose platform view follows
 * every tenant. The message holds the run's id, status and reason only.
 */
export class RunNotifier {
  constructor(
    private readonly options: {
      signals: SignalsService;
      logger: LoggerService;
      /** The Group that owns a tenant, if the catalog still names one. */
      groupOf(tenantId: string): Promise<string | undefined>;
      /** The platform team's Groups. */
      adminGroups?: string[];
    },
  ) {}

  async runChanged(run: RunRecord): Promise<void> {
    try {
      // Members only: a submitter who has left the tenant hears nothing.
      const group = await this.options.groupOf(run.tenantId);
      if (!group) return;
      const message: TenantJobRunSignal = {
        type: 'run-changed',
        runId: run.id,
        status: run.status,
        ...(run.reason ? { reason: run.reason } : {}),
      };
      await this.options.signals.publish({
        recipients: {
          type: 'user',
          entityRef: [group, ...(this.options.adminGroups ?? [])],
        },
        channel: tenantJobsSignalChannel(run.tenantId),
        message: { ...message },
      });
    } catch (error) {
      this.options.logger.warn(
        `Could not signal the change of run ${run.id}: ${
          (error as Error).message
        }`,
      );
    }
  }
}
