/*
 * The scaffolder writes a failed step's `String(error.stack)` into the task
 * log (NunjucksWorkflowRunner, markFailed), which the task's creator reads:
 * the errors of the Tenant Jobs actions carry their first line only, no
 * frames and no file paths of the backend, while keeping their class, name
 * and message.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { actionContext } from '../__testUtils__/context';
import { FakeTenantJobsApi } from '../__testUtils__/fakeApi';
import { TenantJobsClient, TenantJobsRequestError } from '../client';
import { createTenantJobCreateAction, createTenantJobsActions } from '.';
import { hideStackFrames, withoutStackFrames } from './util';

const BOB = 'user:default/bob';

/** Frames as V8 prints them, or anything that looks like a source path. */
const FRAME = /^\s+at /m;
const PATH = /\/src\/|node_modules|\.[cm]?[jt]sx?\b|[A-Za-z]:\\|(^|\s)\//;

function expectNoFrames(error: Error) {
  expect(error.stack).toBe(`${error.name}: ${error.message}`);
  expect(error.stack).not.toMatch(FRAME);
  expect(error.stack).not.toMatch(PATH);
}

async function failureOf(run: () => Promise<void>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the action to fail');
}

function actions(fetchFn: typeof fetch) {
  return createTenantJobsActions({
    discovery: mockServices.discovery(),
    auth: mockServices.auth({ pluginId: 'scaffolder' }),
    appBaseUrl: 'http://localhost:3000',
    pollInterval: { initialMs: 5, maxMs: 20 },
    fetch: fetchFn,
  });
}

describe('errors of the Tenant Jobs actions', () => {
  const api = new FakeTenantJobsApi({
    acme: {
      members: ['user:default/alice'],
      plan: { id: 'standard', maxTier: 'large', maxPriority: 'high' },
    },
  });
  const [create, wait, cancel, provision] = actions(api.fetch);
  const inputs = {
    create: {
      tenantId: 'acme',
      jobType: 'billing-report',
      parameters: { period: '2025-06' },
    },
    wait: { runId: 'run-of-someone-else' },
    cancel: { runId: 'run-of-someone-else' },
    provision: { tenantId: 'acme' },
  };

  it.each([
    [
      'tenant-jobs:run:create',
      create,
      inputs.create,
      'NotAllowedError',
      "Could not launch the billing-report job of tenant 'acme': You may not launch jobs for tenant 'acme': you are not a member of it",
    ],
    [
      'tenant-jobs:run:wait',
      wait,
      inputs.wait,
      'NotFoundError',
      "Could not read run run-of-someone-else: No tenant job run with id 'run-of-someone-else'",
    ],
    [
      'tenant-jobs:run:cancel',
      cancel,
      inputs.cancel,
      'NotFoundError',
      "Could not read run run-of-someone-else: No tenant job run with id 'run-of-someone-else'",
    ],
    [
      'tenant-jobs:tenant:provision',
      provision,
      inputs.provision,
      'NotAllowedError',
      "Could not provision tenant 'acme': You may not provision tenants: that is for the platform team",
    ],
  ] as const)(
    '%s: a refusal keeps its class, name and message, and its stack is that line only',
    async (id, action, input, name, message) => {
      expect(action.id).toBe(id);
      const { ctx } = actionContext(input as any, { user: BOB });

      const error = await failureOf(() => action.handler(ctx as any));

      expect(error).toBeInstanceOf(TenantJobsRequestError);
      expect(error).toMatchObject({ name, message });
      expectNoFrames(error);
    },
  );

  it("an action's own error (a cancelled task) has no frames either", async () => {
    const controller = new AbortController();
    controller.abort();
    const { ctx } = actionContext(inputs.create, {
      user: 'user:default/alice',
      signal: controller.signal,
    });

    const error = await failureOf(() => create.handler(ctx as any));

    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(
      'The task was cancelled before the billing-report job was submitted; nothing was created',
    );
    expectNoFrames(error);
  });

  it("a network failure has no frames, nor does its cause's", async () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:7007');
    const [failingCreate] = actions(async () => {
      throw new TypeError('fetch failed', { cause });
    });
    const { ctx } = actionContext(inputs.create, {
      user: 'user:default/alice',
    });

    const error = await failureOf(() => failingCreate.handler(ctx as any));

    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
    expectNoFrames(error);
    expect(error.cause).toBe(cause);
    expectNoFrames(cause);
  });

  it('the same action unwrapped does show frames and paths (what the wrapper removes)', async () => {
    const bare = createTenantJobCreateAction({
      client: new TenantJobsClient({
        discovery: mockServices.discovery(),
        auth: mockServices.auth({ pluginId: 'scaffolder' }),
        fetch: api.fetch,
      }),
      settings: { jobPath: '/tenant-jobs?run={id}' },
    });
    const { ctx } = actionContext(inputs.create, { user: BOB });

    const error = await failureOf(() => bare.handler(ctx as any));

    expect(error.stack).toMatch(FRAME);
    expect(error.stack).toMatch(PATH);
  });
});

describe('hideStackFrames', () => {
  const failing = (thrown: () => unknown): TemplateAction<any, any, any> => ({
    id: 'test:fail',
    handler: async () => {
      throw thrown();
    },
  });

  it('keeps the action as it is, but for its handler', () => {
    const action = failing(() => new Error('x'));
    const wrapped = hideStackFrames(action);
    expect(wrapped).toEqual({ ...action, handler: expect.any(Function) });
    expect(wrapped.handler).not.toBe(action.handler);
  });

  it('passes a successful handler through', async () => {
    const handler = jest.fn(async (_ctx: unknown) => undefined);
    const wrapped = hideStackFrames({ id: 'test:ok', handler });
    await expect(wrapped.handler('ctx' as any)).resolves.toBeUndefined();
    expect(handler).toHaveBeenCalledWith('ctx');
  });

  it('turns a thrown string into an error without frames', async () => {
    const error = await failureOf(() =>
      hideStackFrames(failing(() => 'boom')).handler({} as any),
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('boom');
    expectNoFrames(error);
  });

  it("strips an AggregateError's errors too", async () => {
    const inner = new NotAllowedError('no');
    const error = await failureOf(() =>
      hideStackFrames(
        failing(() => new AggregateError([inner], 'two failures')),
      ).handler({} as any),
    );
    expect(error).toBeInstanceOf(AggregateError);
    expectNoFrames(error);
    expect(inner).toBeInstanceOf(NotAllowedError);
    expectNoFrames(inner);
  });

  it('exchanges an error whose stack is read-only for a plain one with its name and message', () => {
    const stuck = new NotAllowedError('nope');
    Object.defineProperty(stuck, 'stack', {
      get: () =>
        'NotAllowedError: nope\n    at handler (/srv/backend/src/x.ts:1:1)',
    });
    const error = withoutStackFrames(stuck);
    expect(error).not.toBe(stuck);
    expect(error).toMatchObject({ name: 'NotAllowedError', message: 'nope' });
    expectNoFrames(error as Error);
  });
});
