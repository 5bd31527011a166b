// In-process rate-limit counters that are exact for every active key: a Map of key → fixed window,
// where @fastify/rate-limit's own LocalStore is an LRU of a few thousand keys, so on a busy site a
// session's counter was evicted between its beats and a session over its limit went on (issue #18).

/** The store interface of @fastify/rate-limit (its LocalStore and RedisStore implement it too). */
export interface LimitStore {
  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    timeWindow: number,
    max: number,
  ): void;
  child(routeOptions: RouteStoreOptions): LimitStore;
}

/** The options a store reads from what the plugin passes to its constructor (the global options). */
export interface StoreOptions {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
}

/** What the plugin passes to `child`: a route's options merged over the global ones. */
export interface RouteStoreOptions extends StoreOptions {
  routeInfo: { method: string; url: string };
}

interface Window {
  current: number;
  /** Epoch ms at which the count starts over. */
  end: number;
}

// Expired windows are deleted a few per `incr` while a sweep is under way, and a sweep starts once
// per time window: no timer (an app closed in a test leaves nothing running), no pause of the
// event loop for a full pass over a big map, and memory bounded by the keys seen within the last
// two windows. Measured on Node 20 (in-process-limit-store.test.ts prints it): about 270 bytes per
// key of the form `beat:<session id>`, key string included, so 50,000 sessions beating within one
// window hold about 13 MB.
const SWEEP_STEP = 16;

export class InProcessLimitStore implements LimitStore {
  private readonly windows = new Map<string, Window>();
  private sweep: Iterator<[string, Window]> | null = null;
  private nextSweepAt = 0;
  private readonly continueExceeding: boolean;
  private readonly exponentialBackoff: boolean;

  constructor(options: StoreOptions = {}) {
    this.continueExceeding = options.continueExceeding ?? false;
    this.exponentialBackoff = options.exponentialBackoff ?? false;
  }

  /** Keys counted now, expired windows not yet swept included. */
  get size(): number {
    return this.windows.size;
  }

  // The semantics of RedisStore's script, so the Redis fallback changes no answer: a window opens at
  // a key's first hit; past `max`, continueExceeding restarts it and exponentialBackoff doubles it
  // per hit. (LocalStore agrees but for the backoff, which it forgets one plain window later.)
  incr(key: string, callback: Parameters<LimitStore['incr']>[1], timeWindow: number, max: number): void {
    const now = Date.now();
    this.sweepStep(now, timeWindow);
    let window = this.windows.get(key);
    if (window === undefined) {
      window = { current: 1, end: now + timeWindow };
      this.windows.set(key, window);
    } else if (window.end <= now) {
      window.current = 1;
      window.end = now + timeWindow;
    } else {
      window.current += 1;
      if (window.current > max && this.continueExceeding) window.end = now + timeWindow;
      else if (window.current > max && this.exponentialBackoff) {
        const ttl = timeWindow * 2 ** (window.current - max - 1);
        window.end = now + (Number.isSafeInteger(ttl) ? ttl : Number.MAX_SAFE_INTEGER);
      }
    }
    callback(null, { current: window.current, ttl: window.end - now });
  }

  // A store per route, as LocalStore does: a key counts separately on each route that limits it.
  child(routeOptions: RouteStoreOptions): LimitStore {
    return new InProcessLimitStore(routeOptions);
  }

  private sweepStep(now: number, timeWindow: number): void {
    if (this.sweep === null) {
      if (now < this.nextSweepAt) return;
      this.sweep = this.windows.entries();
    }
    for (let step = 0; step < SWEEP_STEP; step++) {
      const next = this.sweep.next();
      if (next.done) {
        this.sweep = null;
        this.nextSweepAt = now + timeWindow;
        return;
      }
      // Deleting the entry just visited is safe: a Map iterator goes on from the next one.
      if (next.value[1].end <= now) this.windows.delete(next.value[0]);
    }
  }
}
