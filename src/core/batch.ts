/**
 * Collects items added in the same turn of the event loop (and while a flush is running) and hands
 * them to one flush call: many small writes share one statement and one commit. Each add resolves
 * when the flush holding its item has finished, so a caller that awaits it can read its own write.
 */
export interface Batcher<T> {
  add(item: T): Promise<void>;
  /** Items added whose flush has not begun: a flush is due within the linger. */
  readonly waiting: number;
}

/**
 * `lingerMs`, when given, is asked as the first item of a batch arrives: a first flush waits that
 * long (or until maxBatch items) so items that trickle in over a few milliseconds share one commit.
 */
export function createBatcher<T>(flush: (items: T[]) => Promise<void>, maxBatch: number, lingerMs?: () => number): Batcher<T> {
  let queue: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let scheduled = false;
  let lingering: NodeJS.Timeout | undefined;

  const run = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        await flush(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    scheduled = false;
  };

  return {
    get waiting() {
      return queue.length;
    },
    add(item) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (lingering && queue.length >= maxBatch) {
          clearTimeout(lingering);
          lingering = undefined;
          setImmediate(() => void run());
        }
        if (scheduled) return;
        scheduled = true;
        const linger = lingerMs?.() ?? 0;
        // Waiting one tick lets the other requests of this turn join the first batch.
        if (linger > 0) lingering = setTimeout(() => void run(), linger);
        else setImmediate(() => void run());
      });
    },
  };
}

/**
 * Reads by key, batched the same way: the keys asked for in one turn (and while a load is running)
 * are loaded together, and each caller gets the value for its own key, or undefined.
 */
export function createLoader<K, V>(load: (keys: K[]) => Promise<Map<K, V>>, maxBatch: number): (key: K) => Promise<V | undefined> {
  const batcher = createBatcher<{ key: K; found?: V | undefined }>(async (asks) => {
    const found = await load([...new Set(asks.map((a) => a.key))]);
    for (const ask of asks) ask.found = found.get(ask.key);
  }, maxBatch);
  return async (key) => {
    const ask: { key: K; found?: V | undefined } = { key };
    await batcher.add(ask);
    return ask.found;
  };
}
