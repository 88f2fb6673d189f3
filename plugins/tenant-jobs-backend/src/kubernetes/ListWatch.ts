import { LoggerService } from '@backstage/backend-plugin-api';
import type { KubernetesObject } from '@kubernetes/client-node';

/** A change the apiserver reported. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Receives what a {@link ListWatch} learns, one call at a time. */
export interface ListWatchHandler<T extends KubernetesObject> {
  /** A full list replaced everything known: at start and after 410 Gone. */
  onList(items: T[]): void | Promise<void>;
  onEvent(type: WatchEventType, object: T): void | Promise<void>;
}

/** One page of a list, with the resourceVersion it was read at. */
export type ListPage<T> = {
  items: T[];
  resourceVersion: string;
  continueToken?: string;
};

/** How a {@link ListWatch} talks to the apiserver. */
export type ListWatchSource<T> = {
  /** Lists one page; `continueToken` from the previous page. */
  list(continueToken?: string): Promise<ListPage<T>>;
  /**
   * Starts a watch from `resourceVersion` with bookmarks; `onEvent` gets
   * raw watch events, `onDone` is called once when the watch ends.
   */
  watch(
    resourceVersion: string,
    onEvent: (type: string, object: any) => void,
    onDone: (error?: unknown) => void,
  ): Promise<{ abort(): void }>;
};

/** Health of one list+watch. */
export type ListWatchStats = {
  /** Whether a full list has been received and the watch is running. */
  synced: boolean;
  /** Full lists so far: 1 at start, +1 after each 410 Gone. */
  lists: number;
  /** Watches restarted after they ended or failed. */
  restarts: number;
  /** Epoch ms of the last event or bookmark; 0 before any. */
  lastEventAt: number;
  /** The last failure, while it lasts. */
  lastError?: string;
};

class GoneError extends Error {}

function isGone(error: unknown): boolean {
  const e = error as { statusCode?: number; code?: number };
  return e?.statusCode === 410 || e?.code === 410;
}

/**
 * Keeps a handler in sync with a set of objects by listing them once and
 * then watching from the list's resourceVersion, with bookmarks. A watch
 * that ends is resumed from the last resourceVersion seen; one that is
 * too old (410 Gone) is replaced by a fresh list. Failures back off up to
 * 30 seconds. Handler calls are serialized in the order events arrive.
 */
export class ListWatch<T extends KubernetesObject> {
  private resourceVersion?: string;
  private stopped = true;
  private current?: { abort(): void };
  private wake?: () => void;
  private loop?: Promise<void>;
  private readonly stats: ListWatchStats = {
    synced: false,
    lists: 0,
    restarts: 0,
    lastEventAt: 0,
  };

  constructor(
    private readonly options: {
      name: string;
      source: ListWatchSource<T>;
      handler: ListWatchHandler<T>;
      logger: LoggerService;
      /** Longest pause between attempts after failures. */
      maxBackoffMs?: number;
    },
  ) {}

  getStats(): ListWatchStats {
    return { ...this.stats };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.abort();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) {
          this.stats.synced = false;
          await this.listAll();
          if (this.stopped || !this.resourceVersion) continue;
        }
        await this.watchOnce();
        failures = 0;
        if (!this.stopped) this.stats.restarts += 1;
      } catch (error) {
        if (this.stopped) break;
        if (error instanceof GoneError || isGone(error)) {
          this.options.logger.info(
            `${this.options.name}: resourceVersion too old, listing again`,
          );
          this.resourceVersion = undefined;
          continue;
        }
        failures += 1;
        this.stats.synced = false;
        this.stats.restarts += 1;
        this.stats.lastError = String((error as Error)?.message ?? error);
        const delay = Math.min(
          this.options.maxBackoffMs ?? 30_000,
          250 * 2 ** Math.min(failures, 8),
        );
        this.options.logger.warn(
          `${this.options.name}: ${this.stats.lastError}; retrying in ${delay}ms`,
        );
        await this.sleep(delay);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async listAll(): Promise<void> {
    const items: T[] = [];
    let page: ListPage<T> | undefined;
    do {
      page = await this.options.source.list(page?.continueToken);
      items.push(...page.items);
    } while (page.continueToken && !this.stopped);
    if (this.stopped) return;
    await this.options.handler.onList(items);
    this.resourceVersion = page.resourceVersion;
    this.stats.lists += 1;
    this.stats.lastEventAt = Date.now();
  }

  private watchOnce(): Promise<void> {
    return new Promise((resolve, reject) => {
      let gone = false;
      let chain = Promise.resolve();
      const onEvent = (type: string, object: any) => {
        this.stats.lastEventAt = Date.now();
        if (type === 'ERROR') {
          if (isGone(object)) gone = true;
          this.current?.abort();
          return;
        }
        const version = object?.metadata?.resourceVersion;
        if (type === 'BOOKMARK') {
          // In order with the events before it, which may still be handled.
          chain = chain.then(() => {
            if (version) this.resourceVersion = version;
          });
          return;
        }
        if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') {
          return;
        }
        chain = chain
          .then(() => this.options.handler.onEvent(type, object as T))
          .then(() => {
            if (version) this.resourceVersion = version;
          })
          .catch(error =>
            this.options.logger.error(
              `${this.options.name}: handling a ${type} event failed`,
              error as Error,
            ),
          );
      };
      const onDone = (error?: unknown) => {
        this.current = undefined;
        chain.then(() => {
          if (gone || isGone(error)) reject(new GoneError('410 Gone'));
          else if (error && !this.stopped) reject(error);
          else resolve();
        });
      };
      this.options.source
        .watch(this.resourceVersion!, onEvent, onDone)
        .then(handle => {
          this.current = handle;
          this.stats.synced = true;
          this.stats.lastError = undefined;
          if (this.stopped) handle.abort();
        }, reject);
    });
  }
}
