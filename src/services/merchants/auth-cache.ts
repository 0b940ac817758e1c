import { inTransaction as isInTransaction, type RerunnableUnit, type Store } from '../../store/database.js';
import type { Db } from '../../store/schema.js';

/**
 * How long this process trusts what it read about an integration (the row, its decrypted credentials,
 * its merchant's login emails) before reading it again. Changes made through this process are seen
 * at once (every such change runs through `authTransaction`); a change made by another process sharing
 * the database (another node, the CLI) is seen within this time.
 */
export const AUTH_CACHE_MS = 2000;

interface State {
  entries: Map<string, { value: unknown; until: number; epoch: number }>;
  /** Reads under way: the requests that miss together wait for one read, not one each. */
  loading: Map<string, { promise: Promise<unknown>; generation: number; epoch: number }>;
  /** Bumped when a change starts and when it ends: a read that overlapped one is not kept. */
  generation: number;
  /** Changes in flight: while any runs, nothing read is kept (it may be about to go stale). */
  changing: number;
}

/**
 * Bumped when another serving process on this machine (tollgate serve --processes N) changed what is
 * cached here: every copy read before is dropped. Process-wide on purpose, since that news is.
 */
let processEpoch = 0;
const changeListeners: Array<() => void> = [];

/** Called after every committed change made through this process (the supervisor link tells the others). */
export function onAuthChange(listener: () => void): void {
  changeListeners.push(listener);
}

/** Another process changed merchants, integrations or credentials: nothing read before is trusted. */
export function dropAuthCachesOfThisProcess(): void {
  processEpoch += 1;
}

/** Per store, not per module: two apps in one process (the tests) keep separate caches. */
const states = new WeakMap<Store, State>();

function stateOf(store: Store): State {
  let s = states.get(store);
  if (!s) {
    s = { entries: new Map(), loading: new Map(), generation: 0, changing: 0 };
    states.set(store, s);
  }
  return s;
}

/**
 * Every wire request authenticates; this spares it the database round trips (and the decryption) of
 * reading the same integration again and again. `undefined` (not found) is never kept, so a
 * credential created elsewhere works at once. `db` is what `load` reads through: a read is shared
 * with other callers only when neither side is in a transaction (on SQLite a read outside waits for
 * the connection a transaction holds, so a unit waiting for it would wait forever).
 */
export async function cachedAuth<T>(store: Store, key: string, load: () => Promise<T>, db?: Db): Promise<T> {
  const s = stateOf(store);
  const now = performance.now();
  const hit = s.entries.get(key);
  if (hit && hit.until > now && hit.epoch === processEpoch) return hit.value as T;
  const generation = s.generation;
  const epoch = processEpoch;
  // When an entry expires, every request in flight misses it at once: without this, each of them read
  // it again, and the busy moments stalled every 2 s.
  const inTransaction = db !== undefined && isInTransaction(db);
  const shared = inTransaction ? undefined : s.loading.get(key);
  if (shared && shared.generation === generation && shared.epoch === epoch) {
    try {
      return (await shared.promise) as T;
    } catch {
      // That read failed; this caller reads for itself.
    }
  }
  const promise = load();
  // Nothing read while a change runs is shared, as nothing of it is kept.
  const share = s.changing === 0 && !inTransaction;
  if (share) s.loading.set(key, { promise, generation, epoch });
  try {
    const value = await promise;
    if (value !== undefined && s.changing === 0 && s.generation === generation && epoch === processEpoch) s.entries.set(key, { value, until: now + AUTH_CACHE_MS, epoch });
    return value;
  } finally {
    if (share && s.loading.get(key)?.promise === promise) s.loading.delete(key);
  }
}

/** A transaction that changes merchants, integrations or credentials: this process's copies are dropped around it. */
export async function authTransaction<T>(store: Store, fn: RerunnableUnit<T>): Promise<T> {
  const s = stateOf(store);
  s.changing += 1;
  s.generation += 1;
  s.entries.clear();
  s.loading.clear();
  try {
    const result = await store.transaction(fn);
    for (const listener of changeListeners) {
      try {
        listener();
      } catch {
        // The change is committed; telling the other processes is best effort (they catch up within AUTH_CACHE_MS).
      }
    }
    return result;
  } finally {
    s.changing -= 1;
    s.generation += 1;
    s.entries.clear();
    s.loading.clear();
  }
}
