/**
 * Counting semaphores for the worker's sends: one global, one per destination. Waiters are served
 * in arrival order; a waiter can be refused (the worker is stopping) instead of served.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<{ go: () => void; refuse: (err: Error) => void }> = [];

  constructor(readonly limit: number) {}

  get busy(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with the slot's release once one is free. */
  acquire(): Promise<() => void> {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.go();
      else this.active -= 1;
    };
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve(release);
    }
    // A freed slot passes straight to the next waiter, so `active` stays counted for it.
    return new Promise((resolve, reject) => this.waiting.push({ go: () => resolve(release), refuse: reject }));
  }

  refuseWaiting(err: Error): void {
    for (const w of this.waiting.splice(0)) w.refuse(err);
  }
}

/** One limiter per key (a destination), dropped when idle. */
export class KeyedLimiter {
  private readonly byKey = new Map<string, Limiter>();
  /** When each busy key last finished a send (or became busy): how a stalled destination is told from a busy one. */
  private readonly progress = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** How many are sending to or waiting for `key`. */
  load(key: string): number {
    const l = this.byKey.get(key);
    return l ? l.busy + l.queued : 0;
  }

  /** Whether `key` has sends in flight and has finished none for `ms`. */
  stalled(key: string, ms: number): boolean {
    const since = this.progress.get(key);
    return since !== undefined && performance.now() - since > ms;
  }

  async acquire(key: string): Promise<() => void> {
    let l = this.byKey.get(key);
    if (!l) {
      l = new Limiter(this.limit);
      this.byKey.set(key, l);
      this.progress.set(key, performance.now());
    }
    const limiter = l;
    const release = await limiter.acquire();
    return () => {
      release();
      this.progress.set(key, performance.now());
      if (limiter.busy === 0 && limiter.queued === 0) {
        this.byKey.delete(key);
        this.progress.delete(key);
      }
    };
  }

  refuseWaiting(err: Error): void {
    for (const l of this.byKey.values()) l.refuseWaiting(err);
  }
}
