// The one queue an MLS group client runs all its work in (docs/call-keys.md §4): catch-up, commits, adds, removals
// and application messages never interleave. Timers go through it too, so closing the client stops them all.

export class WorkQueue {
  #queue: Promise<unknown> = Promise.resolve();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #closed = false;

  /** `failed` hears every error of queued work (the caller of `run` hears it too). */
  constructor(private readonly failed: (error: unknown) => void) {}

  get closed(): boolean {
    return this.#closed;
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(() => (this.#closed ? (undefined as T) : work()));
    this.#queue = next.catch((error: unknown) => {
      if (!this.#closed) this.failed(error);
    });
    return next;
  }

  later(ms: number, work: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#closed) work();
    }, ms);
    this.#timers.add(t);
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
