import type { Clock } from '../../core/clock.js';
import { inTransaction, type RerunnableUnit, type Store } from '../../store/database.js';
import type { Db } from '../../store/schema.js';

/**
 * How long this process trusts what it read about an integration (the row, its decrypted credentials,
 * its merchant's login emails, its notification faults) before reading it again. Changes made through
 * this process are seen at once (every such change runs through `authTransaction`); a change made by
 * another process sharing the database (another node, the CLI) is seen within this time.
 */
export const AUTH_CACHE_MS = 2000;

interface Entry {
  value: unknown;
  /** When it was read, by the app's clock: a clock set back does not extend its life. */
  at: number;
}

/**
 * What wire authentication reads, kept AUTH_CACHE_MS by the app's clock. One per app (buildApp, or a
 * CLI command's context): it holds no state beyond its instance.
 */
export class AuthCache {
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  /** Reads under way: the requests that miss together wait for one read, not one each. */
  readonly #loading = new Map<string, { promise: Promise<unknown>; generation: number }>();
  /** Bumped when a change starts and ends and when another process changed something: a read that overlapped one is not kept. */
  #generation = 0;
  /** Changes in flight: while any runs, nothing read is kept (it may be about to go stale). */
  #changing = 0;
  readonly #listeners: Array<() => void> = [];

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * Every wire request authenticates; this spares it the database round trips (and the decryption) of
   * reading the same integration again and again. `undefined` (not found) is never kept, so a
   * credential created elsewhere works at once. `load` reads through `db`. A read is shared with other
   * callers only when neither side is in a transaction: on SQLite a read outside waits for the
   * connection a transaction holds, so a unit waiting for it would wait forever; and a read inside
   * sees its transaction's work, which no one outside may be handed. What a unit read is still kept
   * (its own writes never touch what is cached here: those run through authTransaction).
   */
  async read<T>(key: string, db: Db, load: (db: Db) => Promise<T>): Promise<T> {
    const now = this.#clock.now();
    const hit = this.#entries.get(key);
    if (hit && hit.at <= now && now < hit.at + AUTH_CACHE_MS) return hit.value as T;
    const generation = this.#generation;
    const inside = inTransaction(db);
    // When an entry expires, every request in flight misses it at once: without this, each of them read
    // it again, and the busy moments stalled every 2 s.
    const shared = inside ? undefined : this.#loading.get(key);
    if (shared && shared.generation === generation) {
      try {
        return (await shared.promise) as T;
      } catch {
        // That read failed; this caller reads for itself.
      }
    }
    const promise = load(db);
    // Nothing read while a change runs is shared, as nothing of it is kept.
    const share = this.#changing === 0 && !inside;
    if (share) this.#loading.set(key, { promise, generation });
    try {
      const value = await promise;
      if (value !== undefined && this.#changing === 0 && this.#generation === generation) this.#entries.set(key, { value, at: now });
      return value;
    } finally {
      if (share && this.#loading.get(key)?.promise === promise) this.#loading.delete(key);
    }
  }

  /** A transaction that changes merchants, integrations or credentials: the copies are dropped around it. */
  async change<T>(store: Store, unit: RerunnableUnit<T>): Promise<T> {
    this.#changing += 1;
    this.dropAll();
    try {
      const result = await store.transaction(unit);
      for (const listener of this.#listeners) {
        try {
          listener();
        } catch {
          // The change is committed; telling the other processes is best effort (they catch up within AUTH_CACHE_MS).
        }
      }
      return result;
    } finally {
      this.#changing -= 1;
      this.dropAll();
    }
  }

  /** Nothing read before is trusted (another process changed merchants, integrations or credentials). */
  dropAll(): void {
    this.#generation += 1;
    this.#entries.clear();
    this.#loading.clear();
  }

  /** Called after every committed change made through this cache (the supervisor link tells the other processes). */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }
}

/** A transaction that changes what wire authentication reads, through the app's cache. */
export function authTransaction<T>(deps: { store: Store; authCache: AuthCache }, unit: RerunnableUnit<T>): Promise<T> {
  return deps.authCache.change(deps.store, unit);
}
