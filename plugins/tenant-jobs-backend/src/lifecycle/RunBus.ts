import { LoggerService } from '@backstage/backend-plugin-api';
import { RunRecord } from '../database';
import { RunTransition } from './transitions';

/**
 * One change of a run, published once: `before` is absent for a run that
 * was just recorded (admitted, adopted or refused).
 */
export type RunChange = {
  transition: RunTransition;
  before?: RunRecord;
  after: RunRecord;
};

/** A change of an existing run (`before` present). */
export type RunUpdateChange = RunChange & { before: RunRecord };

export type RunChangeSubscriber = (change: RunChange) => void | Promise<void>;

/**
 * Where every change of a run is published, once, by the lifecycle:
 * metrics, signals, notifications, the archive and the queue subscribe.
 * Subscribers run in the order they subscribed; one that throws is logged
 * and does not stop the others or the change.
 */
export class RunBus {
  private readonly subscribers: Array<{
    name: string;
    subscriber: RunChangeSubscriber;
  }> = [];

  constructor(private readonly logger: LoggerService) {}

  /** Adds a subscriber; returns how to remove it. */
  subscribe(name: string, subscriber: RunChangeSubscriber): () => void {
    const entry = { name, subscriber };
    this.subscribers.push(entry);
    return () => {
      const index = this.subscribers.indexOf(entry);
      if (index >= 0) this.subscribers.splice(index, 1);
    };
  }

  async publish(change: RunChange): Promise<void> {
    for (const { name, subscriber } of this.subscribers) {
      try {
        await subscriber(change);
      } catch (error) {
        this.logger.warn(
          `The ${name} subscriber failed on the ${change.transition} of run ${
            change.after.id
          }: ${(error as Error).message}`,
        );
      }
    }
  }
}

/** Whether the change is of an existing run. */
export function isUpdate(change: RunChange): change is RunUpdateChange {
  return change.before !== undefined;
}
