import { mockServices } from '@backstage/backend-test-utils';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  ListPage,
  ListWatch,
  ListWatchHandler,
  ListWatchSource,
  WatchEventType,
} from './ListWatch';

type Obj = KubernetesObject;

function obj(name: string, resourceVersion: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'tenant-a', resourceVersion },
  };
}

/** One watch the fake apiserver is serving. */
class FakeWatch {
  aborted = false;
  ended = false;

  constructor(
    readonly resourceVersion: string,
    private readonly onEvent: (type: string, object: any) => void,
    private readonly onDone: (error?: unknown) => void,
  ) {}

  push(type: string, object: unknown) {
    if (this.ended) throw new Error('pushed to a watch that has ended');
    this.onEvent(type, object);
  }

  /** The apiserver (or the connection) ends the watch. */
  end(error?: unknown) {
    if (this.ended) return;
    this.ended = true;
    this.onDone(error);
  }

  /** What client-node does on abort: the stream ends with an AbortError. */
  abort() {
    this.aborted = true;
    const error = new Error('The operation was aborted.');
    error.name = 'AbortError';
    this.end(error);
  }
}

/**
 * A fake apiserver: each listing is a queue of pages (or an error), each
 * watch is recorded with the resourceVersion it was started from.
 */
class FakeSource implements ListWatchSource<Obj> {
  readonly listings: Array<Array<ListPage<Obj>> | Error> = [];
  readonly listCalls: Array<string | undefined> = [];
  readonly watches: FakeWatch[] = [];
  private pages: Array<ListPage<Obj>> = [];

  /** Queues the pages of the next full list. */
  willList(...pages: Array<ListPage<Obj>>) {
    this.listings.push(pages);
    return this;
  }

  /** The next full list fails with `error`. */
  willFailToList(error: Error) {
    this.listings.push(error);
    return this;
  }

  async list(continueToken?: string): Promise<ListPage<Obj>> {
    this.listCalls.push(continueToken);
    if (!continueToken) {
      const next = this.listings.shift();
      if (!next) throw new Error('unexpected list');
      if (next instanceof Error) throw next;
      this.pages = [...next];
    }
    const page = this.pages.shift();
    if (!page) throw new Error('unexpected page');
    return page;
  }

  async watch(
    resourceVersion: string,
    onEvent: (type: string, object: any) => void,
    onDone: (error?: unknown) => void,
  ): Promise<{ abort(): void }> {
    const watch = new FakeWatch(resourceVersion, onEvent, onDone);
    this.watches.push(watch);
    return { abort: () => watch.abort() };
  }

  get lastWatch(): FakeWatch {
    const watch = this.watches[this.watches.length - 1];
    if (!watch) throw new Error('no watch started');
    return watch;
  }
}

/** A handler that records what it was given. */
class RecordingHandler implements ListWatchHandler<Obj> {
  readonly calls: string[] = [];
  readonly lists: string[][] = [];

  onList(items: Obj[]) {
    const names = items.map(i => i.metadata!.name!);
    this.lists.push(names);
    this.calls.push(`list:${names.join(',')}`);
  }

  onEvent(type: WatchEventType, object: Obj) {
    this.calls.push(
      `${type}:${object.metadata!.name}@${object.metadata!.resourceVersion}`,
    );
  }
}

async function until(condition: () => boolean, what = 'condition') {
  const deadline = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 1));
  }
}

/** Lets pending promise callbacks and zero-delay timers run. */
const settle = () => new Promise(resolve => setTimeout(resolve, 5));

describe('ListWatch', () => {
  let listWatch: ListWatch<Obj> | undefined;

  afterEach(async () => {
    await listWatch?.stop();
    listWatch = undefined;
  });

  function startListWatch(
    source: FakeSource,
    handler: ListWatchHandler<Obj>,
    options: { maxBackoffMs?: number } = {},
  ) {
    const logger = mockServices.logger.mock();
    listWatch = new ListWatch<Obj>({
      name: 'Watch of things',
      source,
      handler,
      logger,
      maxBackoffMs: options.maxBackoffMs ?? 1,
    });
    listWatch.start();
    return { listWatch, logger };
  }

  it('joins the pages of the first list into one onList, then watches from the resourceVersion of the last page', async () => {
    const source = new FakeSource().willList(
      {
        items: [obj('a', '3'), obj('b', '4')],
        resourceVersion: '10',
        continueToken: 'page-2',
      },
      { items: [obj('c', '7')], resourceVersion: '11' },
    );
    const handler = new RecordingHandler();
    const { listWatch: lw } = startListWatch(source, handler);

    expect(lw.getStats().synced).toBe(false);
    await until(() => source.watches.length === 1, 'the watch');

    expect(source.listCalls).toEqual([undefined, 'page-2']);
    expect(handler.lists).toEqual([['a', 'b', 'c']]);
    expect(source.lastWatch.resourceVersion).toBe('11');
    await settle();
    expect(lw.getStats()).toEqual(
      expect.objectContaining({ synced: true, lists: 1, restarts: 0 }),
    );
    expect(lw.getStats().lastEventAt).toBeGreaterThan(0);
  });

  it('passes ADDED, MODIFIED and DELETED to the handler in order and ignores unknown types', async () => {
    const source = new FakeSource().willList({
      items: [],
      resourceVersion: '100',
    });
    const handler = new RecordingHandler();
    startListWatch(source, handler);
    await until(() => source.watches.length === 1, 'the watch');

    source.lastWatch.push('ADDED', obj('a', '101'));
    source.lastWatch.push('MODIFIED', obj('a', '102'));
    source.lastWatch.push('SOMETHING_NEW', obj('a', '103'));
    source.lastWatch.push('DELETED', obj('a', '104'));
    await until(() => handler.calls.length === 4, 'three events');

    expect(handler.calls).toEqual([
      'list:',
      'ADDED:a@101',
      'MODIFIED:a@102',
      'DELETED:a@104',
    ]);
  });

  it('serializes handler calls even when the handler is async and slow', async () => {
    const source = new FakeSource().willList({
      items: [],
      resourceVersion: '1',
    });
    const log: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const handler: ListWatchHandler<Obj> = {
      onList: () => undefined,
      async onEvent(_type, object) {
        const name = object.metadata!.name!;
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        log.push(`start ${name}`);
        // The first event is the slowest: a later one must still wait.
        await new Promise(resolve =>
          setTimeout(resolve, name === 'first' ? 30 : 1),
        );
        log.push(`end ${name}`);
        inFlight -= 1;
      },
    };
    startListWatch(source, handler);
    await until(() => source.watches.length === 1, 'the watch');

    source.lastWatch.push('ADDED', obj('first', '2'));
    source.lastWatch.push('MODIFIED', obj('second', '3'));
    source.lastWatch.push('DELETED', obj('third', '4'));
    await until(() => log.length === 6, 'all events handled');

    expect(maxInFlight).toBe(1);
    expect(log).toEqual([
      'start first',
      'end first',
      'start second',
      'end second',
      'start third',
      'end third',
    ]);
  });

  it('resumes a watch that ended normally from the last resourceVersion seen, without listing again', async () => {
    const source = new FakeSource().willList({
      items: [obj('a', '5')],
      resourceVersion: '50',
    });
    const handler = new RecordingHandler();
    const { listWatch: lw } = startListWatch(source, handler);
    await until(() => source.watches.length === 1, 'the watch');

    source.lastWatch.push('MODIFIED', obj('a', '57'));
    source.lastWatch.end();
    await until(() => source.watches.length === 2, 'the second watch');

    expect(source.watches[0].resourceVersion).toBe('50');
    expect(source.watches[1].resourceVersion).toBe('57');
    expect(source.listCalls).toHaveLength(1);
    expect(lw.getStats()).toEqual(
      expect.objectContaining({ lists: 1, restarts: 1, synced: true }),
    );

    // Ended again, without events: resumes from the same version.
    source.lastWatch.end();
    await until(() => source.watches.length === 3, 'the third watch');
    expect(source.watches[2].resourceVersion).toBe('57');
    expect(lw.getStats()).toEqual(
      expect.objectContaining({ lists: 1, restarts: 2 }),
    );
    expect(handler.lists).toHaveLength(1);
  });

  it('advances the resourceVersion on a BOOKMARK without calling the handler', async () => {
    const source = new FakeSource().willList({
      items: [],
      resourceVersion: '200',
    });
    const handler = new RecordingHandler();
    const { listWatch: lw } = startListWatch(source, handler);
    await until(() => source.watches.length === 1, 'the watch');
    const before = lw.getStats().lastEventAt;

    await new Promise(resolve => setTimeout(resolve, 2));
    source.lastWatch.push('BOOKMARK', {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { resourceVersion: '250' },
    });
    source.lastWatch.end();
    await until(() => source.watches.length === 2, 'the second watch');

    expect(source.watches[1].resourceVersion).toBe('250');
    expect(handler.calls).toEqual(['list:']);
    expect(lw.getStats().lastEventAt).toBeGreaterThan(before);
  });

  it('lists again after an ERROR event with code 410 and watches from the new list', async () => {
    const source = new FakeSource()
      .willList({
        items: [obj('a', '5'), obj('b', '6')],
        resourceVersion: '10',
      })
      .willList({ items: [obj('b', '90')], resourceVersion: '95' });
    const handler = new RecordingHandler();
    const { listWatch: lw } = startListWatch(source, handler);
    await until(() => source.watches.length === 1, 'the watch');

    source.lastWatch.push('ERROR', {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: 'too old resource version: 10 (80)',
      reason: 'Expired',
      code: 410,
    });
    await until(() => source.watches.length === 2, 'the watch after relist');

    expect(source.watches[0].aborted).toBe(true);
    expect(handler.lists).toEqual([['a', 'b'], ['b']]);
    expect(source.watches[1].resourceVersion).toBe('95');
    expect(lw.getStats()).toEqual(
      expect.objectContaining({ lists: 2, synced: true }),
    );
    expect(lw.getStats().lastError).toBeUndefined();
  });

  it('lists again when the watch ends with a 410 error', async () => {
    const source = new FakeSource()
      .willList({ items: [obj('a', '5')], resourceVersion: '10' })
      .willList({ items: [obj('z', '300')], resourceVersion: '301' });
    const handler = new RecordingHandler();
    const { listWatch: lw } = startListWatch(source, handler);
    await until(() => source.watches.length === 1, 'the watch');

    source.lastWatch.end(Object.assign(new Error('Gone'), { statusCode: 410 }));
    await until(() => source.watches.length === 2, 'the watch after relist');

    expect(handler.lists).toEqual([['a'], ['z']]);
    expect(source.watches[1].resourceVersion).toBe('301');
    expect(lw.getStats().lists).toBe(2);
  });

  it('handles events received before a 410 before listing again', async () => {
    const source = new FakeSource()
      .willList({ items: [], resourceVersion: '10' })
      .willList({ items: [obj('a', '40')], resourceVersion: '41' });
    const calls: string[] = [];
    const handler: ListWatchHandler<Obj> = {
      onList: items => {
        calls.push(`list:${items.map(i => i.metadata!.name).join(',')}`);
      },
      onEvent: async (type, object) => {
        await new Promise(resolve => setTimeout(resolve, 10));
        calls.push(`${type}:${object.metadata!.name}`);
      },
    };
    startListWatch(source, handler);
    await until(() => source.watches.length === 1, 'the watch');

    source.lastWatch.push('ADDED', obj('a', '11'));
    source.lastWatch.end(Object.assign(new Error('Gone'), { statusCode: 410 }));
    await until(() => source.watches.length === 2, 'the watch after relist');

    expect(calls).toEqual(['list:', 'ADDED:a', 'list:a']);
  });

  it('backs off and retries after other watch failures, resuming from the same resourceVersion', async () => {
    const source = new FakeSource().willList({
      items: [],
      resourceVersion: '10',
    });
    const handler = new RecordingHandler();
    const { listWatch: lw, logger } = startListWatch(source, handler, {
      maxBackoffMs: 20,
    });
    await until(() => source.watches.length === 1, 'the watch');

    source.lastWatch.push('ADDED', obj('a', '12'));
    await until(() => handler.calls.length === 2, 'the event');
    source.lastWatch.end(new Error('socket hang up'));
    await settle();

    // Backing off: not synced, the error is reported.
    expect(lw.getStats()).toEqual(
      expect.objectContaining({
        synced: false,
        lastError: 'socket hang up',
        restarts: 1,
      }),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/socket hang up; retrying in \d+ms/),
    );

    await until(() => source.watches.length === 2, 'the retried watch');
    expect(source.watches[1].resourceVersion).toBe('12');
    expect(source.listCalls).toHaveLength(1);
    await settle();
    expect(lw.getStats()).toEqual(
      expect.objectContaining({ synced: true, lists: 1 }),
    );
    expect(lw.getStats().lastError).toBeUndefined();
  });

  it('backs off and retries a list that failed', async () => {
    const source = new FakeSource()
      .willFailToList(new Error('apiserver unavailable'))
      .willList({ items: [obj('a', '3')], resourceVersion: '8' });
    const handler = new RecordingHandler();
    const { listWatch: lw, logger } = startListWatch(source, handler);

    await until(() => source.watches.length === 1, 'the watch');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('apiserver unavailable'),
    );
    expect(handler.lists).toEqual([['a']]);
    expect(source.lastWatch.resourceVersion).toBe('8');
    expect(lw.getStats()).toEqual(
      expect.objectContaining({ lists: 1, restarts: 1 }),
    );
  });

  it('waits before retrying, longer after each failure, up to maxBackoffMs', async () => {
    jest.useFakeTimers();
    try {
      const source = new FakeSource()
        .willFailToList(new Error('down 1'))
        .willFailToList(new Error('down 2'))
        .willFailToList(new Error('down 3'))
        .willList({ items: [], resourceVersion: '1' });
      const { logger } = startListWatch(source, new RecordingHandler(), {
        maxBackoffMs: 1_500,
      });
      const delays = () =>
        logger.warn.mock.calls.map(
          ([message]) => /retrying in (\d+)ms/.exec(String(message))?.[1],
        );

      await jest.advanceTimersByTimeAsync(0);
      expect(source.listCalls).toHaveLength(1);
      expect(delays()).toEqual(['500']);

      // Not before the delay has passed.
      await jest.advanceTimersByTimeAsync(499);
      expect(source.listCalls).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(source.listCalls).toHaveLength(2);
      expect(delays()).toEqual(['500', '1000']);

      await jest.advanceTimersByTimeAsync(1_000);
      expect(source.listCalls).toHaveLength(3);
      // 2000 ms would be next, capped by maxBackoffMs.
      expect(delays()).toEqual(['500', '1000', '1500']);

      await jest.advanceTimersByTimeAsync(1_500);
      expect(source.watches).toHaveLength(1);
      expect(listWatch!.getStats().synced).toBe(true);
      await listWatch!.stop();
      listWatch = undefined;
    } finally {
      jest.useRealTimers();
    }
  });

  it('logs a failing handler and goes on with the next events', async () => {
    const source = new FakeSource().willList({
      items: [],
      resourceVersion: '1',
    });
    const seen: string[] = [];
    const handler: ListWatchHandler<Obj> = {
      onList: () => undefined,
      onEvent: (_type, object) => {
        seen.push(object.metadata!.name!);
        if (object.metadata!.name === 'bad') throw new Error('handler broke');
      },
    };
    const { logger } = startListWatch(source, handler);
    await until(() => source.watches.length === 1, 'the watch');

    source.lastWatch.push('ADDED', obj('bad', '2'));
    source.lastWatch.push('ADDED', obj('good', '3'));
    await until(() => seen.length === 2, 'both events');
    source.lastWatch.end();
    await until(() => source.watches.length === 2, 'the second watch');

    expect(seen).toEqual(['bad', 'good']);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('handling a ADDED event failed'),
      expect.objectContaining({ message: 'handler broke' }),
    );
    expect(source.watches[1].resourceVersion).toBe('3');
  });

  it('stop() aborts the current watch and ends the loop', async () => {
    const source = new FakeSource().willList({
      items: [],
      resourceVersion: '10',
    });
    const handler = new RecordingHandler();
    const { listWatch: lw } = startListWatch(source, handler);
    await until(() => source.watches.length === 1, 'the watch');
    await settle();
    expect(lw.getStats().synced).toBe(true);

    await lw.stop();

    expect(source.watches[0].aborted).toBe(true);
    await settle();
    expect(source.watches).toHaveLength(1);
    expect(source.listCalls).toHaveLength(1);
    // Being stopped is not a restart.
    expect(lw.getStats().restarts).toBe(0);
  });

  it('stop() does not wait for a backoff to end', async () => {
    jest.useFakeTimers();
    try {
      const source = new FakeSource().willFailToList(new Error('down'));
      const { listWatch: lw, logger } = startListWatch(
        source,
        new RecordingHandler(),
        { maxBackoffMs: 60_000 },
      );
      await jest.advanceTimersByTimeAsync(0);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('retrying in 500ms'),
      );

      let stopped = false;
      void lw.stop().then(() => {
        stopped = true;
      });
      // Far less than the 500 ms pause: stop() wakes it.
      await jest.advanceTimersByTimeAsync(1);

      expect(stopped).toBe(true);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(source.listCalls).toHaveLength(1);
      expect(source.watches).toHaveLength(0);
      listWatch = undefined;
    } finally {
      jest.useRealTimers();
    }
  });
});
