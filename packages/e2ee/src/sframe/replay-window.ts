import { SFrameError } from './errors.js';

/**
 * Sliding anti-replay window over CTR values for one KID, after RFC 3711 §3.3.2 (which RFC 9605 §9.3 points
 * to). It remembers the highest CTR accepted and a bitmap of the `size` CTRs at and below it; anything below
 * the window is refused because its freshness can no longer be judged.
 *
 * Callers must `check` before decrypting (to skip work on obvious replays) but only `accept` after the frame
 * authenticated: otherwise a forged frame with a huge CTR would slide the window and lock out the real
 * sender.
 */
export type ReplayVerdict = 'fresh' | 'duplicate' | 'too_old';

export const DEFAULT_REPLAY_WINDOW = 1024;

export class ReplayWindow {
  readonly size: number;
  readonly #bits: Uint32Array;
  readonly #sizeBig: bigint;
  /** Highest accepted CTR; -1 until the first frame. */
  #highest = -1n;

  constructor(size: number = DEFAULT_REPLAY_WINDOW) {
    if (!Number.isInteger(size) || size < 32 || size > 1 << 16 || size % 32 !== 0) {
      throw new SFrameError('invalid_argument', 'replay window size must be a multiple of 32 within 32..65536');
    }
    this.size = size;
    this.#sizeBig = BigInt(size);
    this.#bits = new Uint32Array(size / 32);
  }

  /** Highest CTR accepted so far, or undefined before the first one. */
  get highest(): bigint | undefined {
    return this.#highest < 0n ? undefined : this.#highest;
  }

  check(ctr: bigint): ReplayVerdict {
    if (ctr > this.#highest) return 'fresh';
    if (this.#highest - ctr >= this.#sizeBig) return 'too_old';
    return this.#isSet(this.#slot(ctr)) ? 'duplicate' : 'fresh';
  }

  /** Records `ctr` as seen. Returns the verdict; the window only changes when it is 'fresh'. */
  accept(ctr: bigint): ReplayVerdict {
    const verdict = this.check(ctr);
    if (verdict !== 'fresh') return verdict;
    if (ctr > this.#highest) this.#advance(ctr);
    const slot = this.#slot(ctr);
    this.#bits[slot >>> 5] = (this.#bits[slot >>> 5] ?? 0) | (1 << (slot & 31));
    return 'fresh';
  }

  /** Moves the top of the window to `ctr`, forgetting the slots it now reuses. */
  #advance(ctr: bigint): void {
    const distance = ctr - this.#highest;
    if (this.#highest < 0n || distance >= this.#sizeBig) {
      this.#bits.fill(0);
    } else {
      for (let c = this.#highest + 1n; c <= ctr; c++) {
        const slot = this.#slot(c);
        this.#bits[slot >>> 5] = (this.#bits[slot >>> 5] ?? 0) & ~(1 << (slot & 31));
      }
    }
    this.#highest = ctr;
  }

  #slot(ctr: bigint): number {
    return Number(ctr % this.#sizeBig);
  }

  #isSet(slot: number): boolean {
    return ((this.#bits[slot >>> 5] ?? 0) & (1 << (slot & 31))) !== 0;
  }
}
