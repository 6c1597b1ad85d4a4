/** What one load came to: the value, or the error it threw. */
export type LoadOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Loads of one resource, where only the newest answer is shown. A caller that awaits a load waits for what the
 * screen will show: when a newer load started meanwhile (a live update's reload overtaking a form's own), its promise
 * settles once that newer load has been applied, not when its own dropped answer came back. A form that closes its
 * dialog after `await reload()` thus never closes it a moment before the row it added is on screen.
 */
export class NewestLoad {
  private generation = 0;
  private latest: Promise<void> = Promise.resolve();

  /** Starts a load; `apply` sees its outcome only if no newer load started before it came. */
  run<T>(load: () => Promise<T>, apply: (outcome: LoadOutcome<T>) => void): Promise<void> {
    const mine = ++this.generation;
    // A load that throws before its promise exists fails like one that rejects.
    const own = new Promise<T>((resolve) => resolve(load())).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const applied = own.then((outcome) => {
      if (mine === this.generation) apply(outcome);
    });
    this.latest = applied;
    return this.settled(applied);
  }

  /** Waits for `from`, then for whichever load is newest by then, until no newer one has started. */
  private async settled(from: Promise<void>): Promise<void> {
    let waited = from;
    await waited;
    while (this.latest !== waited) {
      waited = this.latest;
      await waited;
    }
  }
}
