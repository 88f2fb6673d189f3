import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { actionContext, createCheckpointStore } from '../__testUtils__/context';
import { FakeTenantJobsApi } from '../__testUtils__/fakeApi';
import { createTenantJobsActions } from '.';

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const TASK = '0b8e1d52-5d1c-4f9e-9a55-3c1f1c2f0a11';

function setup() {
  const api = new FakeTenantJobsApi({
    acme: {
      members: [ALICE],
      plan: { id: 'standard', maxTier: 'large', maxPriority: 'high' },
      provisioned: true,
    },
    initech: {
      members: [ALICE],
      plan: { id: 'starter', maxTier: 'medium', maxPriority: 'high' },
    },
    claimed: {
      members: [ALICE],
      plan: { id: 'starter', maxTier: 'medium', maxPriority: 'high' },
      refusal: 'the tenant id is claimed by two Groups',
    },
  });
  const [create] = createTenantJobsActions({
    discovery: mockServices.discovery(),
    auth: mockServices.auth({ pluginId: 'scaffolder' }),
    appBaseUrl: 'http://localhost:3000/',
    pollInterval: { initialMs: 5, maxMs: 20 },
    fetch: api.fetch,
  });
  return { api, create };
}

const etl = {
  tenantId: 'acme',
  jobType: 'data-etl',
  tier: 'medium' as const,
  parameters: { source: 'events-db', destination: 'warehouse' },
  entityRef: 'component:default/etl-pipeline',
};

describe('tenant-jobs:run:create', () => {
  it('describes itself with a schema, examples and dry-run support', () => {
    const { create } = setup();
    expect(create.id).toBe('tenant-jobs:run:create');
    expect(create.supportsDryRun).toBe(true);
    expect(create.examples?.length).toBeGreaterThan(0);
    const input = create.schema?.input as {
      required?: string[];
      properties: Record<string, { description?: string }>;
    };
    expect(input.required?.sort()).toEqual(['jobType', 'tenantId']);
    for (const [name, property] of Object.entries(input.properties)) {
      expect([name, property.description]).toEqual([name, expect.any(String)]);
    }
    expect(Object.keys(input.properties)).toEqual(
      expect.arrayContaining(['wait', 'timeoutSeconds', 'dryRun', 'tier']),
    );
  });

  describe('success', () => {
    it("submits as the template's user, with a key from the task and step, and outputs the run and its link", async () => {
      const { api, create } = setup();
      const { ctx, outputs, log } = actionContext(etl);

      await create.handler(ctx as any);

      expect(api.submissions).toHaveLength(1);
      const [call] = api.submissions;
      expect(call.body).toEqual({
        ...etl,
        idempotencyKey: expect.stringMatching(
          new RegExp(`^scaffolder:${TASK}:launch:[0-9a-f]{12}$`),
        ),
      });
      // A token for alice towards tenant-jobs, never the scaffolder's own.
      expect(call.authorization).toContain(`"obo":"${ALICE}"`);
      expect(call.authorization).toContain('"target":"tenant-jobs"');
      expect(outputs()).toEqual({
        runId: 'run-1',
        jobName: 'data-etl-acme-1',
        namespace: 'tenant-acme',
        cluster: 'local',
        status: 'Queued',
        link: 'http://localhost:3000/tenant-jobs?run=run-1',
      });
      expect(log()).toEqual([
        "Submitted run run-1 of data-etl for tenant 'acme' as Job tenant-acme/data-etl-acme-1 on cluster 'local'",
        'Follow the run at http://localhost:3000/tenant-jobs?run=run-1',
      ]);
    });

    it('waits until the run finished, writing each status change to the task log once', async () => {
      const { api, create } = setup();
      api.nextScript = [
        { status: 'Queued' },
        { status: 'Pending', reason: 'Unschedulable', message: '0/6 nodes' },
        { status: 'Pending', reason: 'Unschedulable', message: '0/6 nodes' },
        { status: 'Running' },
        { status: 'Running' },
        { status: 'Succeeded', reason: 'Completed' },
      ];
      const { ctx, outputs, log } = actionContext({ ...etl, wait: 'finished' });

      await create.handler(ctx as any);

      expect(log().slice(2)).toEqual([
        'Run run-1: Queued',
        'Run run-1: Pending (Unschedulable): 0/6 nodes',
        'Run run-1: Running',
        'Run run-1: Succeeded (Completed)',
        'Run run-1 finished: Succeeded (Completed)',
      ]);
      expect(outputs().status).toBe('Succeeded');
      expect(api.cancels).toHaveLength(0);
    });

    it('waits only until the run started when asked to', async () => {
      const { api, create } = setup();
      api.nextScript = [
        { status: 'Pending' },
        { status: 'Running' },
        { status: 'Succeeded' },
      ];
      const { ctx, outputs } = actionContext({ ...etl, wait: 'started' });

      await create.handler(ctx as any);

      expect(outputs().status).toBe('Running');
    });

    it('fails the step with the reason of a run that failed', async () => {
      const { api, create } = setup();
      api.nextScript = [
        { status: 'Running' },
        {
          status: 'Failed',
          reason: 'BackoffLimitExceeded',
          message: 'exit code 3',
        },
      ];
      const { ctx } = actionContext({ ...etl, wait: 'finished' });

      await expect(create.handler(ctx as any)).rejects.toThrow(
        'Run run-1 failed: Failed (BackoffLimitExceeded): exit code 3',
      );
    });

    it('gives each iteration of a step with `each` its own run', async () => {
      const { api, create } = setup();
      const checkpoints = createCheckpointStore();
      for (const destination of ['warehouse', 'lake']) {
        const { ctx } = actionContext(
          { ...etl, parameters: { source: 'events-db', destination } },
          { checkpoints },
        );
        await create.handler(ctx as any);
      }
      expect(api.runs.size).toBe(2);
      const keys = api.submissions.map(c => c.body?.idempotencyKey);
      expect(new Set(keys).size).toBe(2);
    });

    it('outputs no link when the portal has no app.baseUrl', async () => {
      const api = new FakeTenantJobsApi({
        acme: {
          members: [ALICE],
          plan: { id: 'standard', maxTier: 'large', maxPriority: 'high' },
        },
      });
      const [create] = createTenantJobsActions({
        discovery: mockServices.discovery(),
        auth: mockServices.auth(),
        fetch: api.fetch,
      });
      const { ctx, outputs } = actionContext(etl);
      await create.handler(ctx as any);
      expect(outputs().link).toBeUndefined();
      expect(outputs().runId).toBe('run-1');
    });
  });

  describe('dry run', () => {
    it('asks the backend for a server-side dry run when the template is dry-run, creating nothing', async () => {
      const { api, create } = setup();
      const { ctx, outputs, log, checkpoints } = actionContext(
        { ...etl, wait: 'finished' },
        { isDryRun: true },
      );

      await create.handler(ctx as any);

      expect(api.calls).toHaveLength(1);
      expect(api.calls[0].body).toEqual({ ...etl, dryRun: true });
      expect(api.calls[0].body).not.toHaveProperty('idempotencyKey');
      expect(api.runs.size).toBe(0);
      expect(checkpoints.values.size).toBe(0);
      expect(outputs()).toEqual({
        jobName: 'data-etl-acme-1',
        namespace: 'tenant-acme',
        status: 'DryRun',
        checkedBy: 'apiserver',
        message: 'The apiserver admitted the Job; nothing was created',
      });
      expect(log()).toEqual([
        "Dry run: the data-etl job of tenant 'acme' would run as Job tenant-acme/data-etl-acme-1 (tier medium, priority normal); checked by the apiserver: The apiserver admitted the Job; nothing was created. Nothing was created.",
      ]);
    });

    it('dry-runs when the input asks for it, in a real run too', async () => {
      const { api, create } = setup();
      const { ctx, outputs } = actionContext({
        ...etl,
        tenantId: 'initech',
        dryRun: true,
      });

      await create.handler(ctx as any);

      expect(api.runs.size).toBe(0);
      expect(outputs().checkedBy).toBe('plugin');
    });

    it('fails a dry run that the backend refuses', async () => {
      const { api, create } = setup();
      const { ctx } = actionContext(
        { ...etl, tier: 'xlarge' as any },
        { isDryRun: true },
      );
      await expect(create.handler(ctx as any)).rejects.toThrow(
        "tier: tier 'xlarge' exceeds the maximum tier 'large' of plan 'standard'",
      );
      expect(api.runs.size).toBe(0);
    });
  });

  describe('denial', () => {
    it("fails with the backend's permission error for a user who is not a member, creating nothing", async () => {
      const { api, create } = setup();
      const { ctx, checkpoints } = actionContext(etl, { user: BOB });

      const failure = create.handler(ctx as any);

      await expect(failure).rejects.toThrow(
        "Could not launch the data-etl job of tenant 'acme': You may not launch jobs for tenant 'acme': you are not a member of it",
      );
      await expect(failure).rejects.toMatchObject({
        name: 'NotAllowedError',
        statusCode: 403,
      });
      expect(api.runs.size).toBe(0);
      // Nothing is kept: a retry asks again.
      expect(checkpoints.values.size).toBe(0);
    });

    it('refuses to act for a task that no signed-in user started', async () => {
      const { api, create } = setup();
      for (const credentials of [
        mockCredentials.none(),
        mockCredentials.service('plugin:catalog'),
      ]) {
        const { ctx } = actionContext(etl, { credentials });
        await expect(create.handler(ctx as any)).rejects.toThrow(
          /act on behalf of the user who runs the template/,
        );
      }
      expect(api.calls).toHaveLength(0);
    });

    it('reports a tenant the backend refuses', async () => {
      const { api, create } = setup();
      const { ctx } = actionContext({ ...etl, tenantId: 'claimed' });
      await expect(create.handler(ctx as any)).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining('claimed by two Groups'),
      });
      expect(api.runs.size).toBe(0);
    });
  });

  describe('plan refusal', () => {
    it("fails with the plan's reason for a tier above the plan", async () => {
      const { api, create } = setup();
      const { ctx } = actionContext({ ...etl, tier: 'enterprise' as any });
      await expect(create.handler(ctx as any)).rejects.toMatchObject({
        name: 'InputError',
        statusCode: 400,
        message:
          "Could not launch the data-etl job of tenant 'acme': tier: tier 'enterprise' exceeds the maximum tier 'large' of plan 'standard'",
      });
      expect(api.runs.size).toBe(0);
    });

    it("fails with the plan's reason for a priority above the plan", async () => {
      const { api, create } = setup();
      const { ctx } = actionContext({ ...etl, priority: 'critical' as any });
      await expect(create.handler(ctx as any)).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(
          "priority 'critical' is above the highest priority of plan 'standard', which is 'high'",
        ),
      });
      expect(api.runs.size).toBe(0);
    });
  });

  describe('timeout', () => {
    it('fails the step and leaves the run running', async () => {
      const { api, create } = setup();
      api.nextScript = [{ status: 'Running' }];
      const { ctx, log } = actionContext({
        ...etl,
        wait: 'finished',
        timeoutSeconds: 1,
      });

      await expect(create.handler(ctx as any)).rejects.toThrow(
        'Run run-1 did not finish within 1s (last: Running); it goes on running',
      );
      expect(api.cancels).toHaveLength(0);
      expect(api.runs.get('run-1')?.status).toBe('Running');
      expect(log()).toContain('Run run-1: Running');
    });

    it('cancels the run when cancelOnTimeout says so', async () => {
      const { api, create } = setup();
      api.nextScript = [{ status: 'Pending', reason: 'QuotaExceeded' }];
      const { ctx, log } = actionContext({
        ...etl,
        wait: 'started',
        timeoutSeconds: 1,
        cancelOnTimeout: true,
      });

      await expect(create.handler(ctx as any)).rejects.toThrow(
        'Run run-1 did not start within 1s (last: Pending (QuotaExceeded)), so it was cancelled',
      );
      expect(api.cancels.map(c => c.path)).toEqual(['/runs/run-1/cancel']);
      expect(api.cancels[0].authorization).toContain(`"obo":"${ALICE}"`);
      expect(log()).toContain(
        'Run run-1: Cancelled (CancelledByUser): Cancelled by user:default/alice',
      );
    });
  });

  describe('abort', () => {
    it('cancels the run it waits for when the task is cancelled', async () => {
      const { api, create } = setup();
      api.nextScript = [{ status: 'Running' }];
      const controller = new AbortController();
      const { ctx, log } = actionContext(
        { ...etl, wait: 'finished' },
        { signal: controller.signal },
      );

      const step = create.handler(ctx as any);
      await new Promise(resolve => setTimeout(resolve, 50));
      controller.abort();

      await expect(step).rejects.toThrow(
        'The task was cancelled while waiting for run run-1, so the run was cancelled too',
      );
      expect(api.cancels.map(c => c.path)).toEqual(['/runs/run-1/cancel']);
      expect(api.runs.get('run-1')?.status).toBe('Cancelled');
      expect(log()).toContain('The task was cancelled: cancelling run run-1');
    });

    it('submits nothing when the task was cancelled before the step ran', async () => {
      const { api, create } = setup();
      const controller = new AbortController();
      controller.abort();
      const { ctx } = actionContext(etl, { signal: controller.signal });

      await expect(create.handler(ctx as any)).rejects.toThrow(
        /cancelled before the data-etl job was submitted; nothing was created/,
      );
      expect(api.calls).toHaveLength(0);
    });
  });

  describe('retry after a checkpoint', () => {
    it('a retried task does not submit again and waits for the run it submitted', async () => {
      const { api, create } = setup();
      api.nextScript = [{ status: 'Running' }];
      const checkpoints = createCheckpointStore();
      const input = { ...etl, wait: 'finished' as const, timeoutSeconds: 1 };

      // First attempt: submitted, then the wait fails (the task is retried).
      const first = actionContext(input, { checkpoints });
      await expect(create.handler(first.ctx as any)).rejects.toThrow(
        /did not finish within 1s/,
      );
      expect(api.submissions).toHaveLength(1);

      api.script('run-1', { status: 'Running' }, { status: 'Succeeded' });
      const retry = actionContext(input, { checkpoints });
      await create.handler(retry.ctx as any);

      expect(api.submissions).toHaveLength(1);
      expect(api.runs.size).toBe(1);
      expect(retry.outputs()).toMatchObject({
        runId: 'run-1',
        status: 'Succeeded',
      });
      expect(retry.log()[0]).toBe(
        "Run run-1 was submitted by an earlier attempt of this task (Job tenant-acme/data-etl-acme-1 on cluster 'local'); not submitting again",
      );
    });

    it('replays the run by its idempotency key when the checkpoint was lost', async () => {
      const { api, create } = setup();
      await create.handler(actionContext(etl).ctx as any);
      // Same task and step, fresh checkpoints: the backend replays.
      const again = actionContext(etl);
      await create.handler(again.ctx as any);

      expect(api.submissions).toHaveLength(2);
      expect(api.runs.size).toBe(1);
      expect(again.outputs().runId).toBe('run-1');
      expect(again.log()[0]).toMatch(
        /^Run run-1 already existed for this task and step \(idempotency key scaffolder:.*\); not submitted again/,
      );
    });

    it('another task submits its own run', async () => {
      const { api, create } = setup();
      await create.handler(actionContext(etl).ctx as any);
      await create.handler(
        actionContext(etl, { taskId: 'another-task' }).ctx as any,
      );
      expect(api.runs.size).toBe(2);
    });
  });
});
