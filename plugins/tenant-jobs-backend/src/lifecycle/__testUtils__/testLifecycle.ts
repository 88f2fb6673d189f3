import { mockServices } from '@backstage/backend-test-utils';
import { QueueStore, RunStore } from '../../database';
import { Clock } from '../../lib/clock';
import { isUpdate, RunBus, RunUpdateChange } from '../RunBus';
import { RunLifecycle } from '../RunLifecycle';

/**
 * A lifecycle on real stores for unit tests, with `onChange` told of every
 * change of an existing run that it publishes.
 */
export function testLifecycle(
  stores: { runs: RunStore; queue: QueueStore },
  options: {
    onChange?: (change: RunUpdateChange) => void | Promise<void>;
    clock?: Clock;
  } = {},
): RunLifecycle {
  const bus = new RunBus(mockServices.logger.mock());
  const { onChange } = options;
  if (onChange) {
    bus.subscribe('test', change =>
      isUpdate(change) ? onChange(change) : undefined,
    );
  }
  return new RunLifecycle({ ...stores, bus, clock: options.clock });
}
