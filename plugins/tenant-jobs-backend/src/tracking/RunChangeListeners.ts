import { RunRecord } from '../database';

/** A run whose recorded state changed. */
export type RunChange = { before: RunRecord; after: RunRecord };

/**
 * Passes run changes made anywhere (submit, cancel, the tracker) to
 * whoever listens: signals, archives. Lets the job service and the
 * tracking service be built in either order.
 */
export class RunChangeListeners {
  private readonly listeners: Array<(change: RunChange) => Promise<void>> = [];

  add(listener: (change: RunChange) => Promise<void>): void {
    this.listeners.push(listener);
  }

  async notify(change: RunChange): Promise<void> {
    for (const listener of this.listeners) await listener(change);
  }
}
