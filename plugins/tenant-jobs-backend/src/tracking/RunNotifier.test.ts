import { mockServices } from '@backstage/backend-test-utils';
import { RunRecord } from '../database';
import { RunNotifier } from './RunNotifier';

const run = {
  id: 'run-1',
  tenantId: 'acme',
  status: 'Running',
  reason: 'Running',
} as RunRecord;

describe('RunNotifier', () => {
  it("signals a run's change to its tenant's Group and the platform team's, with id, status and reason only", async () => {
    const publish = jest.fn(async () => {});
    const notifier = new RunNotifier({
      signals: { publish },
      logger: mockServices.logger.mock(),
      groupOf: async id => (id === 'acme' ? 'group:default/acme' : undefined),
      adminGroups: ['group:default/platform-team'],
    });
    await notifier.runChanged(run);
    expect(publish).toHaveBeenCalledWith({
      recipients: {
        type: 'user',
        entityRef: ['group:default/acme', 'group:default/platform-team'],
      },
      channel: 'tenant-jobs:acme',
      message: {
        type: 'run-changed',
        runId: 'run-1',
        status: 'Running',
        reason: 'Running',
      },
    });
  });

  it('signals nobody for a tenant the catalog no longer names', async () => {
    const publish = jest.fn(async () => {});
    const notifier = new RunNotifier({
      signals: { publish },
      logger: mockServices.logger.mock(),
      groupOf: async () => undefined,
      adminGroups: ['group:default/platform-team'],
    });
    await notifier.runChanged({ ...run, tenantId: 'gone' });
    expect(publish).not.toHaveBeenCalled();
  });
});
