import { LRUCache } from "lru-cache";

/** Settings of a {@link Memo}. */
export interface MemoOptions<V> {
  /** The most settled values kept; the least recently used go first. Every memo is bounded. */
  maxEntries: number;
  /**
   * How long a settled value is kept, in ms: a number, or a function of the value (a token's own
   * lifetime). 0 keeps nothing once settled, so the memo only shares calls in flight; `Infinity` keeps
   * values until they are evicted by size. Default `Infinity`.
   */
  ttlMs?: number | ((value: V) => number);
  /** The clock for expiry, in ms; default `performance.now` (monotonic). Tests inject their own. */
  now?: () => number;
}

/**
 * A bounded cache of asynchronous answers with one call in flight per key (single-flight): concurrent
 * callers of {@link Memo.get} for one key share one `load`, a settled value is kept for its TTL, and a
 * rejection is never kept, so the next call tries again. Size and expiry are lru-cache's; the memo adds
 * the sharing of calls in flight, which lru-cache's `fetch` ties to one loader per cache.
 */
export class Memo<V extends NonNullable<unknown>> {
  private readonly settled: LRUCache<string, V>;
  private readonly inFlight = new Map<string, Promise<V>>();
  private readonly ttlFor: (value: V) => number;

  constructor(options: MemoOptions<V>) {
    const ttl = options.ttlMs ?? Infinity;
    this.ttlFor = typeof ttl === "function" ? ttl : () => ttl;
    const now = options.now;
    this.settled = new LRUCache<string, V>({
      max: options.maxEntries,
      // expiry is checked on read against the clock itself, never a value cached for a millisecond
      ttlResolution: 0,
      // lru-cache reads a start time of 0 as "no TTL", so an injected clock that starts at 0 is shifted
      ...(now ? { perf: { now: () => now() + 1 } } : {}),
    });
  }

  /** The settled, unexpired value for `key`, if any; never starts a load. */
  peek(key: string): V | undefined {
    return this.settled.get(key);
  }

  /** The kept value for `key`, the call already in flight for it, or a new call of `load`. */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const kept = this.settled.get(key);
    if (kept !== undefined) return Promise.resolve(kept);
    let flight = this.inFlight.get(key);
    if (flight === undefined) {
      flight = load().then(
        (value) => {
          this.inFlight.delete(key);
          this.keep(key, value);
          return value;
        },
        (error: unknown) => {
          this.inFlight.delete(key);
          throw error;
        },
      );
      this.inFlight.set(key, flight);
    }
    return flight;
  }

  /** Forgets the value kept for `key` (a token the registry refused); a call in flight is not affected. */
  delete(key: string): void {
    this.settled.delete(key);
  }

  /** How many settled values are kept now. */
  get size(): number {
    return this.settled.size;
  }

  private keep(key: string, value: V): void {
    const ttl = this.ttlFor(value);
    if (!(ttl > 0)) return;
    // lru-cache reads a TTL of 0 as "forever", and keeps an entry while its age is at most the TTL;
    // a memo value is gone once ttl ms have passed, so it is handed the next smaller number
    this.settled.set(key, value, { ttl: Number.isFinite(ttl) ? ttl * (1 - Number.EPSILON) : 0 });
  }
}
