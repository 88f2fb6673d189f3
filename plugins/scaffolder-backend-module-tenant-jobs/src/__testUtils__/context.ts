import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject, JsonValue } from '@backstage/types';

/**
 * Checkpoints as the scaffolder keeps them for a task: a value that `fn`
 * returned is stored and returned again on a retry without calling `fn`; a
 * failure is not stored, so a retry calls `fn` again.
 */
export function createCheckpointStore() {
  const values = new Map<string, JsonValue>();
  return {
    values,
    async checkpoint<T extends JsonValue | void>(opts: {
      key: string;
      fn: () => Promise<T> | T;
    }): Promise<T> {
      if (values.has(opts.key)) return values.get(opts.key) as T;
      const value = await opts.fn();
      values.set(opts.key, (value ?? {}) as JsonValue);
      return value;
    },
  };
}

/**
 * A context from `createMockActionContext` for one step of a task started
 * by `user`, with what the mock leaves out filled in: the initiator's
 * credentials, dry run, the abort signal and checkpoints.
 */
export function actionContext<TInput extends JsonObject>(
  input: TInput,
  options: {
    user?: string;
    credentials?: BackstageCredentials;
    isDryRun?: boolean;
    signal?: AbortSignal;
    checkpoints?: ReturnType<typeof createCheckpointStore>;
    taskId?: string;
    stepId?: string;
  } = {},
) {
  const logger = mockServices.logger.mock();
  const checkpoints = options.checkpoints ?? createCheckpointStore();
  const credentials =
    options.credentials ??
    mockCredentials.user(options.user ?? 'user:default/alice');
  const ctx = {
    ...createMockActionContext({
      input,
      logger,
      task: { id: options.taskId ?? '0b8e1d52-5d1c-4f9e-9a55-3c1f1c2f0a11' },
    }),
    getInitiatorCredentials: async () => credentials,
    isDryRun: options.isDryRun,
    signal: options.signal,
    checkpoint: checkpoints.checkpoint,
    step: { id: options.stepId ?? 'launch', name: 'Launch the job' },
  };
  const output = ctx.output as jest.Mock;
  return {
    ctx,
    logger,
    checkpoints,
    /** Every output the step set, by name. */
    outputs: (): Record<string, unknown> =>
      Object.fromEntries(output.mock.calls),
    /** The task log: info and warn messages in the order written. */
    log: (): string[] =>
      [logger.info, logger.warn]
        .flatMap(fn =>
          fn.mock.calls.map((call, i) => ({
            message: String(call[0]),
            order: fn.mock.invocationCallOrder[i],
          })),
        )
        .sort((a, b) => a.order - b.order)
        .map(entry => entry.message),
  };
}
