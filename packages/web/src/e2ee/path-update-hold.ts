// When a call's joiner sends its path update (docs/call-keys.md §5.3 item 6). The update is one more epoch for
// everyone: each member processes it, switches its sender key and encodes a key frame, and the joiner itself can
// decrypt that epoch only once the Delivery Service has answered it. Sent right after the Welcome, it fell into the
// join, and the joiner's first picture often waited for it. Held until that picture decodes it costs nothing seen.

/** The longest a joiner's path update is held (no camera on in the call, or media that never comes up). */
export const PATH_UPDATE_HOLD_MS = 3000;

export class PathUpdateHold {
  #release: (() => void) | undefined;
  #released = false;

  constructor(
    /** Resolves when the first remote picture of the call can be decoded. */
    private readonly picture: Promise<void>,
    private readonly holdMs = PATH_UPDATE_HOLD_MS,
  ) {}

  /** Resolves when the update may go out: the first picture decoded, `release()`, or `holdMs` after this call. */
  due(): Promise<void> {
    if (this.#released) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.release(), this.holdMs);
      this.#release = () => {
        clearTimeout(timer);
        resolve();
      };
      void this.picture.then(() => this.release());
    });
  }

  /** Another device waits to be added, and its Add waits for this update (§5.2 item 5): no more holding. */
  release(): void {
    this.#released = true;
    this.#release?.();
    this.#release = undefined;
  }
}
