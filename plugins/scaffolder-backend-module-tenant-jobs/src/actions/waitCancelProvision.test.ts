import { mockServices } from '@backstage/backend-test-utils';
import { actionContext, createCheckpointStore } from '../__testUtils__/context';
import { FakeTenantJobsApi } from '../__testUtils__/fakeApi';
import { createTenantJobsActions } from '.';

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const DAVE = 'user:default/dave';

/** An API with tenant acme (alice) and one run of it, run-1, Queued. */
async function setup() {
  const api = new FakeTenantJobsApi({
    acme: {
      members: [ALICE],
      plan: { id: 'standard', maxTier: 'large', maxPriority: 'high' },
    },
    claimed: {
      members: [],
      plan: { id: 'starter', maxTier: 'medium', maxPriority: 'high' },
      refusal: 'the tenant id is claimed by two Groups',
    },
  });
  const [create, wait, cancel, provision] = createTenantJobsActions({
    discovery: mockServices.discovery(),
    auth: mockServices.auth({ pluginId: 'scaffolder' }),
    appBaseUrl: 'http://localhost:3000',
    pollInterval: { initialMs: 5, maxMs: 20 },
    fetch: api.fetch,
  });
  await create.handler(
    actionContext({
      tenantId: 'acme',
      jobType: 'billing-report',
      parameters: { period: '2025-06' },
    }).ctx as any,
  );
  api.calls.length = 0;
  return { api, wait, cancel, provision };
}

describe('tenant-jobs:run:wait', () => {
  it('describes itself', async () => {
    const { wait } = await setup();
    expect(wait.id).toBe('tenant-jobs:run:wait');
    expect(wait.supportsDryRun).toBe(true);
    expect(wait.examples?.length).toBeGreaterThan(0);
    expect((wait.schema?.input as { required?: string[] }).required).toEqual([
      'runId',
    ]);
  });

  it('success: waits until the run finished, streaming its changes, and outputs it', async () => {
    const { api, wait } = await setup();
    api.script(
      'run-1',
      { status: 'Pending' },
      { status: 'Running' },
      { status: 'Succeeded', reason: 'Completed' },
    );
    const { ctx, outputs, log } = actionContext({ runId: 'run-1' });

    await wait.handler(ctx as any);

    expect(log()).toEqual([
      'Run run-1: Pending',
      'Run run-1: Running',
      'Run run-1: Succeeded (Completed)',
      'Run run-1 finished: Succeeded (Completed)',
    ]);
    expect(outputs()).toEqual({
      runId: 'run-1',
      jobName: 'billing-report-acme-1',
      namespace: 'tenant-acme',
      cluster: 'local',
      status: 'Succeeded',
      reason: 'Completed',
      link: 'http://localhost:3000/tenant-jobs?run=run-1',
    });
    expect(api.calls.every(c => c.authorization?.includes(ALICE))).toBe(true);
  });

  it('success: until started returns once the pod runs', async () => {
    const { api, wait } = await setup();
    api.script('run-1', { status: 'Pending' }, { status: 'Running' });
    const { ctx, outputs } = actionContext({
      runId: 'run-1',
      until: 'started',
    });
    await wait.handler(ctx as any);
    expect(outputs().status).toBe('Running');
  });

  it('dry run: reads nothing', async () => {
    const { api, wait } = await setup();
    const { ctx, outputs } = actionContext({ runId: '' }, { isDryRun: true });
    await wait.handler(ctx as any);
    expect(api.calls).toHaveLength(0);
    expect(outputs()).toEqual({ status: 'DryRun' });
  });

  it('denial: a run of another tenant is not found, as the backend says', async () => {
    const { api, wait } = await setup();
    const { ctx } = actionContext({ runId: 'run-1' }, { user: BOB });
    await expect(wait.handler(ctx as any)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: "Could not read run run-1: No tenant job run with id 'run-1'",
    });
    expect(api.cancels).toHaveLength(0);
  });

  it("plan refusal: a run the plan's quota holds back is reported with its reason until the wait times out", async () => {
    const { api, wait } = await setup();
    api.script('run-1', {
      status: 'Pending',
      reason: 'QuotaExceeded',
      message: 'exceeded quota: tenant-quota, requested: cpu=4',
    });
    const { ctx, log } = actionContext({
      runId: 'run-1',
      until: 'started',
      timeoutSeconds: 1,
    });
    await expect(wait.handler(ctx as any)).rejects.toThrow(
      'Run run-1 did not start within 1s (last: Pending (QuotaExceeded): exceeded quota: tenant-quota, requested: cpu=4); it goes on running',
    );
    expect(log()).toEqual([
      'Run run-1: Pending (QuotaExceeded): exceeded quota: tenant-quota, requested: cpu=4',
    ]);
  });

  it('timeout: cancels the run when cancelOnTimeout says so', async () => {
    const { api, wait } = await setup();
    api.script('run-1', { status: 'Running' });
    const { ctx } = actionContext({
      runId: 'run-1',
      timeoutSeconds: 1,
      cancelOnTimeout: true,
    });
    await expect(wait.handler(ctx as any)).rejects.toThrow(
      /did not finish within 1s \(last: Running\), so it was cancelled/,
    );
    expect(api.runs.get('run-1')?.status).toBe('Cancelled');
  });

  it('abort: cancelling the task cancels the run', async () => {
    const { api, wait } = await setup();
    api.script('run-1', { status: 'Running' });
    const controller = new AbortController();
    const { ctx } = actionContext(
      { runId: 'run-1' },
      { signal: controller.signal },
    );
    const step = wait.handler(ctx as any);
    await new Promise(resolve => setTimeout(resolve, 30));
    controller.abort();
    await expect(step).rejects.toThrow(/the run was cancelled too/);
    expect(api.cancels.map(c => c.path)).toEqual(['/runs/run-1/cancel']);
  });

  it('abort: a run that finished meanwhile is left as it is', async () => {
    const { api, wait } = await setup();
    api.runs.get('run-1')!.status = 'Succeeded';
    api.script('run-1');
    const controller = new AbortController();
    controller.abort();
    const { ctx, log } = actionContext(
      { runId: 'run-1' },
      { signal: controller.signal },
    );
    await expect(wait.handler(ctx as any)).rejects.toThrow(/cancelled/);
    expect(log()).toContainEqual(
      expect.stringMatching(
        /^Run run-1 could not be cancelled: .*already finished/,
      ),
    );
  });

  it('retry: waiting again after a retry reads the same run and submits nothing', async () => {
    const { api, wait } = await setup();
    api.script('run-1', { status: 'Succeeded', reason: 'Completed' });
    const checkpoints = createCheckpointStore();
    for (let attempt = 0; attempt < 2; attempt++) {
      await wait.handler(
        actionContext({ runId: 'run-1' }, { checkpoints }).ctx as any,
      );
    }
    expect(api.submissions).toHaveLength(0);
    expect(api.calls.map(c => `${c.method} ${c.path}`)).toEqual([
      'GET /runs/run-1',
      'GET /runs/run-1',
    ]);
  });

  it('keeps waiting through a failing backend', async () => {
    const { api } = await setup();
    api.script('run-1', { status: 'Running' }, { status: 'Succeeded' });
    let failures = 2;
    const fetch = api.fetch;
    const [, flakyWait] = createTenantJobsActions({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
      pollInterval: { initialMs: 5, maxMs: 20 },
      fetch: async (input, init) => {
        if (failures-- > 0) {
          return new Response(
            JSON.stringify({
              error: {
                name: 'ServiceUnavailableError',
                message: 'try again (log reference 1a2b3c4d5e6f)',
              },
            }),
            { status: 503 },
          );
        }
        return fetch(input, init);
      },
    });
    const { ctx, log } = actionContext({ runId: 'run-1' });
    await flakyWait.handler(ctx as any);
    expect(log().filter(line => line.startsWith('Could not read'))).toEqual([
      'Could not read run run-1, trying again: Could not read run run-1: try again (log reference 1a2b3c4d5e6f)',
    ]);
  });
});

describe('tenant-jobs:run:cancel', () => {
  it('describes itself', async () => {
    const { cancel } = await setup();
    expect(cancel.id).toBe('tenant-jobs:run:cancel');
    expect(cancel.supportsDryRun).toBe(true);
    expect(cancel.examples?.length).toBeGreaterThan(0);
  });

  it('success: cancels the run as the template user', async () => {
    const { api, cancel } = await setup();
    const { ctx, outputs, log } = actionContext({ runId: 'run-1' });
    await cancel.handler(ctx as any);
    expect(api.cancels).toHaveLength(1);
    expect(api.cancels[0].authorization).toContain(`"obo":"${ALICE}"`);
    expect(outputs()).toEqual({
      status: 'Cancelled',
      reason: 'CancelledByUser',
    });
    expect(log()).toEqual([
      'Run run-1: Cancelled (CancelledByUser): Cancelled by user:default/alice',
    ]);
  });

  it('dry run: checks the run can be read, cancels nothing', async () => {
    const { api, cancel } = await setup();
    const { ctx, outputs, log } = actionContext(
      { runId: 'run-1' },
      { isDryRun: true },
    );
    await cancel.handler(ctx as any);
    expect(api.cancels).toHaveLength(0);
    expect(outputs()).toEqual({ status: 'DryRun' });
    expect(log()).toEqual([
      'Dry run: would cancel run run-1, now Queued; nothing was cancelled',
    ]);
  });

  it("denial: another tenant's run is not found, and nothing is cancelled", async () => {
    const { api, cancel } = await setup();
    const { ctx } = actionContext({ runId: 'run-1' }, { user: BOB });
    await expect(cancel.handler(ctx as any)).rejects.toMatchObject({
      name: 'NotFoundError',
      statusCode: 404,
    });
    expect(api.runs.get('run-1')?.status).toBe('Queued');
  });

  it('a finished run fails the step, unless ignoreFinished says so', async () => {
    const { api, cancel } = await setup();
    api.runs.get('run-1')!.status = 'Succeeded';
    api.script('run-1');
    await expect(
      cancel.handler(actionContext({ runId: 'run-1' }).ctx as any),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('already finished'),
    });
    const { ctx, outputs } = actionContext({
      runId: 'run-1',
      ignoreFinished: true,
    });
    await cancel.handler(ctx as any);
    expect(outputs()).toEqual({ status: 'Succeeded' });
  });

  it('abort: cancelling the task does not stop a step that itself cancels', async () => {
    const { api, cancel } = await setup();
    const controller = new AbortController();
    controller.abort();
    await cancel.handler(
      actionContext({ runId: 'run-1' }, { signal: controller.signal })
        .ctx as any,
    );
    expect(api.runs.get('run-1')?.status).toBe('Cancelled');
  });

  it('retry after a checkpoint: a retried task does not cancel again, nor fail on the cancelled run', async () => {
    const { api, cancel } = await setup();
    const checkpoints = createCheckpointStore();
    await cancel.handler(
      actionContext({ runId: 'run-1' }, { checkpoints }).ctx as any,
    );
    const retry = actionContext({ runId: 'run-1' }, { checkpoints });
    await cancel.handler(retry.ctx as any);
    expect(api.cancels).toHaveLength(1);
    expect(retry.outputs()).toEqual({
      status: 'Cancelled',
      reason: 'CancelledByUser',
    });
  });
});

describe('tenant-jobs:tenant:provision', () => {
  it('describes itself', async () => {
    const { provision } = await setup();
    expect(provision.id).toBe('tenant-jobs:tenant:provision');
    expect(provision.supportsDryRun).toBe(true);
    expect(provision.examples?.length).toBeGreaterThan(0);
  });

  it('success: provisions the tenant for the platform team', async () => {
    const { api, provision } = await setup();
    const { ctx, outputs, log } = actionContext(
      { tenantId: 'acme' },
      { user: DAVE },
    );
    await provision.handler(ctx as any);
    expect(api.provisioned).toEqual(['acme']);
    expect(api.calls[0].authorization).toContain(`"obo":"${DAVE}"`);
    expect(api.calls[0].body).toEqual({ dryRun: false });
    expect(outputs()).toEqual({
      namespace: 'tenant-acme',
      cluster: 'local',
      plan: 'standard',
      groupRef: 'group:default/acme',
    });
    expect(log()).toEqual([
      "Provisioned tenant 'acme' (plan 'standard', group group:default/acme) in namespace tenant-acme on cluster 'local'",
    ]);
  });

  it('dry run: resolves the tenant, applies nothing', async () => {
    const { api, provision } = await setup();
    const { ctx, outputs } = actionContext(
      { tenantId: 'acme' },
      { user: DAVE, isDryRun: true },
    );
    await provision.handler(ctx as any);
    expect(api.calls[0].body).toEqual({ dryRun: true });
    expect(api.provisioned).toEqual([]);
    expect(outputs().namespace).toBe('tenant-acme');
  });

  it("denial: anyone but the platform team gets the backend's permission error", async () => {
    const { api, provision } = await setup();
    const { ctx } = actionContext({ tenantId: 'acme' }, { user: ALICE });
    await expect(provision.handler(ctx as any)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        "Could not provision tenant 'acme': You may not provision tenants: that is for the platform team",
    });
    expect(api.provisioned).toEqual([]);
  });

  it('refusal: a tenant the backend refuses, or does not know, is reported', async () => {
    const { api, provision } = await setup();
    await expect(
      provision.handler(
        actionContext({ tenantId: 'claimed' }, { user: DAVE }).ctx as any,
      ),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    await expect(
      provision.handler(
        actionContext({ tenantId: 'nobody' }, { user: DAVE }).ctx as any,
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(api.provisioned).toEqual([]);
  });

  it('abort: a cancelled task provisions nothing', async () => {
    const { api, provision } = await setup();
    const controller = new AbortController();
    controller.abort();
    await expect(
      provision.handler(
        actionContext(
          { tenantId: 'acme' },
          { user: DAVE, signal: controller.signal },
        ).ctx as any,
      ),
    ).rejects.toThrow(/nothing was applied/);
    expect(api.calls).toHaveLength(0);
  });

  it('retry: provisioning again is harmless, the backend applies the same objects', async () => {
    const { api, provision } = await setup();
    const checkpoints = createCheckpointStore();
    for (let attempt = 0; attempt < 2; attempt++) {
      await provision.handler(
        actionContext({ tenantId: 'acme' }, { user: DAVE, checkpoints })
          .ctx as any,
      );
    }
    expect(api.provisioned).toEqual(['acme', 'acme']);
  });
});
