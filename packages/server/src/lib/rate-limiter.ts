/**
 * Counts failures per key in a fixed window. In-process: with several server nodes each node limits
 * on its own, which still bounds guessing to (nodes × limit) per window.
 */
export class FailureLimiter {
  private readonly entries = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the key may try again, or 0 when it may try now. */
  retryAfter(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    const t = this.now();
    if (t >= e.resetAt) {
      this.entries.delete(key);
      return 0;
    }
    return e.count >= this.limit ? Math.ceil((e.resetAt - t) / 1000) : 0;
  }

  fail(key: string): void {
    const t = this.now();
    const e = this.entries.get(key);
    if (!e || t >= e.resetAt) this.entries.set(key, { count: 1, resetAt: t + this.windowMs });
    else e.count += 1;
    if (this.entries.size > 100_000) this.sweep(t);
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  private sweep(t: number): void {
    for (const [k, e] of this.entries) if (t >= e.resetAt) this.entries.delete(k);
  }
}
