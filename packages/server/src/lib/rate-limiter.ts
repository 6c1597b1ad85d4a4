import type { WindowCounters } from '../cluster/cluster.js';

/**
 * Counts failures per key in a fixed window. The counts live in the cluster's shared counters: with several
 * server nodes (REDIS_URL) a guess counts wherever it lands, so the limit holds across nodes.
 */
export class FailureLimiter {
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly counters: WindowCounters,
    /** Keeps this limiter's keys apart from others' in the shared store. */
    private readonly name: string,
  ) {}

  /** Seconds until the key may try again, or 0 when it may try now. */
  async retryAfter(key: string): Promise<number> {
    const e = await this.counters.get(`${this.name}:${key}`);
    return e && e.count >= this.limit ? Math.ceil(e.resetInMs / 1000) : 0;
  }

  fail(key: string): Promise<void> {
    return this.counters.add(`${this.name}:${key}`, this.windowMs);
  }

  reset(key: string): Promise<void> {
    return this.counters.reset(`${this.name}:${key}`);
  }
}
