import { mockServices } from '@backstage/backend-test-utils';
import { RunRecord } from '../database';
import { notificationFor, RunNotifications } from './RunNotifications';

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'r1',
    tenantId: 'acme',
    jobType: 'data-etl',
    tier: 'small',
    priority: 'normal',
    status: 'Running',
    request: {},
    submittedBy: 'user:default/alice',
    cluster: 'local',
    namespace: 'tenant-acme',
    k8sName: 'data-etl-acme-1',
    attempts: 1,
    createdAt: '2026-11-27T10:00:00.000Z',
    updatedAt: '2026-11-27T10:00:00.000Z',
    startedAt: '2026-11-27T10:00:00.000Z',
    ...overrides,
  };
}

describe('notificationFor', () => {
  it('tells about failures, preemptions and long successes only', () => {
    const running = run();
    expect(
      notificationFor(
        {
          before: running,
          after: run({ status: 'Failed', reason: 'BackoffLimitExceeded' }),
        },
        3600,
      ),
    ).toEqual({
      title: 'data-etl run data-etl-acme-1 failed: BackoffLimitExceeded',
      severity: 'high',
      topic: 'tenant-jobs:failed',
    });
    expect(
      notificationFor(
        {
          before: running,
          after: run({ status: 'Pending', reason: 'Preempted' }),
        },
        3600,
      )?.topic,
    ).toBe('tenant-jobs:preempted');
    const quick = run({
      status: 'Succeeded',
      finishedAt: '2026-11-27T10:05:00.000Z',
    });
    expect(notificationFor({ before: running, after: quick }, 3600)).toBe(
      undefined,
    );
    const long = run({
      status: 'Succeeded',
      finishedAt: '2026-11-27T12:00:00.000Z',
    });
    expect(notificationFor({ before: running, after: long }, 3600)?.title).toBe(
      'data-etl run data-etl-acme-1 succeeded after 120 min',
    );
    expect(
      notificationFor(
        { before: running, after: run({ reason: 'Running' }) },
        1,
      ),
    ).toBeUndefined();
  });
});

describe('RunNotifications', () => {
  const failed = {
    before: run(),
    after: run({
      status: 'Failed',
      reason: 'DeadlineExceeded',
      message: 'Stopped because it ran longer than its deadline of 60 s.',
      entityRef: 'component:default/etl',
    }),
  };

  function setup(
    settings: Partial<
      ConstructorParameters<typeof RunNotifications>[0]['settings']
    > = {},
  ) {
    const send = jest.fn(async () => {});
    const logger = mockServices.logger.mock();
    const notifications = new RunNotifications({
      notifications: { send },
      settings: {
        enabled: true,
        notifyTenantGroup: false,
        longRunSeconds: 3600,
        ...settings,
      },
      logger,
      groupOf: async () => 'group:default/acme-team',
      linkTo: r => `/catalog/${r.entityRef}`,
    });
    return { send, logger, notifications };
  }

  it('sends to the submitter, and by config to the tenant group', async () => {
    const { send, notifications } = setup();
    await notifications.runChanged(failed);
    expect(send).toHaveBeenCalledWith({
      recipients: { type: 'entity', entityRef: ['user:default/alice'] },
      payload: expect.objectContaining({
        title: 'data-etl run data-etl-acme-1 failed: DeadlineExceeded',
        description: 'Stopped because it ran longer than its deadline of 60 s.',
        severity: 'high',
        link: '/catalog/component:default/etl',
        scope: 'tenant-jobs:run:r1',
      }),
    });
    const withGroup = setup({ notifyTenantGroup: true });
    await withGroup.notifications.runChanged(failed);
    expect(withGroup.send).toHaveBeenCalledWith(
      expect.objectContaining({
        recipients: {
          type: 'entity',
          entityRef: ['user:default/alice', 'group:default/acme-team'],
        },
      }),
    );
  });

  it('sends nothing when turned off, and only warns when sending fails', async () => {
    const off = setup({ enabled: false });
    await off.notifications.runChanged(failed);
    expect(off.send).not.toHaveBeenCalled();

    const broken = setup();
    broken.send.mockRejectedValue(new Error('no notifications backend'));
    await expect(broken.notifications.runChanged(failed)).resolves.toBe(
      undefined,
    );
    expect(broken.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('no notifications backend'),
    );
  });
});
