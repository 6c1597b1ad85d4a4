// The joiner's side of an Add (docs/call-keys.md §5.3, §8.1, §11): which Welcome to use, and joining from it.
import {
  type KeyPackageBundle,
  MlsSession,
  MlsSessionError,
  type VerifyMember,
  type WelcomeJoinParams,
} from '../mls/index.js';
import type { WelcomeEntry } from './delivery.js';
import type { GroupDevice } from './owner.js';
import { fromB64 } from './transport.js';

/** The newest Welcome for `context` above `skipUpTo` (older ones were tried, or belong to a replaced membership). */
export function pickWelcome(all: readonly WelcomeEntry[], context: string, skipUpTo: number): WelcomeEntry | undefined {
  return all.filter((w) => w.context === context && w.seq > skipUpTo).sort((a, b) => b.seq - a.seq)[0];
}

export type WelcomeJoin = Awaited<ReturnType<typeof MlsSession.fromWelcome>>;

/**
 * Where the MLS join from a Welcome runs: `MlsSession.fromWelcome` in this thread by default; a browser page runs it
 * in a worker, off the thread that answers the SFU's offer (docs/call-keys.md §11). It must fail as fromWelcome
 * does (an `MlsSessionError` with code NO_KEY_PACKAGE for a Welcome to none of the given key packages).
 */
export type WelcomeJoiner = (params: WelcomeJoinParams) => Promise<WelcomeJoin>;

export const joinInThisThread: WelcomeJoiner = (params) => MlsSession.fromWelcome(params);

/**
 * Joins from `entry`; null when this device no longer holds the private half of the key package it was added with
 * (another browser profile, cleared storage): the caller never tries that Welcome again (§8.1). A tree that fails
 * the member check throws. The path update is not prepared here: the joiner's keys go out first (§5.3).
 * `loaded`: the key packages as read earlier (§5.3 item 2); a package they lack (uploaded since, by another tab) is
 * looked for in storage before the Welcome counts as not for this device.
 */
export async function joinFromWelcome(
  device: Pick<GroupDevice, 'identity' | 'keyPackages'>,
  entry: Pick<WelcomeEntry, 'welcome'>,
  verifyMember: VerifyMember | undefined,
  join: WelcomeJoiner = joinInThisThread,
  loaded?: Promise<KeyPackageBundle[]>,
): Promise<WelcomeJoin | null> {
  const attempt = async (keyPackages: KeyPackageBundle[]) => {
    try {
      return await join({
        identity: device.identity,
        welcome: fromB64(entry.welcome),
        keyPackages,
        options: { verifyMember },
      });
    } catch (error) {
      if (error instanceof MlsSessionError && error.code === 'NO_KEY_PACKAGE') return null;
      throw error;
    }
  };
  const early = loaded && (await loaded.catch(() => null));
  return (early && (await attempt(early))) || attempt(await device.keyPackages());
}

/**
 * The Welcomes a device may join from, and the one it is joining from. A Welcome pushed inline (M29) is joined at
 * once, as it arrives, not once the client's queue reaches it: the MLS join runs while the client still waits for
 * its group lookup (M16), and that lookup and the Welcome list (M21) are not waited for at all (§5.3 item 1, §11).
 * Joining touches nothing but the device's key packages, so it may run outside the queue; the session is adopted
 * inside it.
 */
export class WelcomeInbox {
  /** Welcomes at or below this seq were tried and cannot be used (§8.1). */
  skipUpTo = -1;
  #pushed: { entry: WelcomeEntry; join: Promise<WelcomeJoin | null> } | undefined;
  /** The device's key packages, read before any Welcome came (`preload`); the first join takes them. */
  #loaded: Promise<KeyPackageBundle[]> | undefined;
  #arrived: () => void = () => {};
  /** Resolves when a usable Welcome was pushed. */
  readonly arrived = new Promise<void>((resolve) => {
    this.#arrived = resolve;
  });

  constructor(
    private readonly context: string,
    private readonly device: GroupDevice,
    private readonly verifyMember: VerifyMember,
    private readonly join: WelcomeJoiner = joinInThisThread,
  ) {}

  /**
   * Reads the device's key packages now, while the adder prepares its Add: reading them (storage, decryption) once
   * came between a pushed Welcome and its join, on a page's thread busy setting up media (§5.3 item 2, §11).
   */
  preload(): void {
    this.#loaded = this.device.keyPackages();
    this.#loaded.catch(() => undefined);
  }

  /** A pushed Welcome is waiting to be adopted. */
  get pending(): boolean {
    return this.#pushed !== undefined;
  }

  /** A Welcome pushed inline: its join starts now. */
  push(entry: WelcomeEntry): void {
    if (!pickWelcome([entry], this.context, this.skipUpTo)) return;
    const join = this.#joinFrom(entry);
    join.catch(() => undefined);
    this.#pushed = { entry, join };
    this.#arrived();
  }

  /**
   * The Welcome to use and its join: `given` if any, else the one pushed, else the newest that `list` returns (M21)
   * unless one is pushed before the list comes. `listed` is how many were considered, for the trace.
   */
  async next(
    given: WelcomeEntry | undefined,
    list: () => Promise<WelcomeEntry[]>,
  ): Promise<{ entry: WelcomeEntry; join: Promise<WelcomeJoin | null> } | { entry: undefined; listed: number }> {
    let all: WelcomeEntry[];
    if (given) all = [given];
    else if (this.#pushed) all = [this.#pushed.entry];
    else {
      const listing = list();
      listing.catch(() => undefined);
      const early = await Promise.race([listing.then(() => false), this.arrived.then(() => this.pending)]);
      const pushed = this.#pushedEntry();
      all = early && pushed ? [pushed] : await listing;
    }
    const entry = pickWelcome(all, this.context, this.skipUpTo);
    if (!entry) return { entry: undefined, listed: all.length };
    const pushed = this.#pushed;
    // The same Welcome, pushed and listed: its join is under way already.
    if (pushed && pushed.entry.seq === entry.seq && pushed.entry.mlsGroupId === entry.mlsGroupId) {
      this.#pushed = undefined;
      return pushed;
    }
    return { entry, join: this.#joinFrom(entry) };
  }

  #joinFrom(entry: WelcomeEntry): Promise<WelcomeJoin | null> {
    const loaded = this.#loaded;
    this.#loaded = undefined;
    return joinFromWelcome(this.device, entry, this.verifyMember, this.join, loaded);
  }

  #pushedEntry(): WelcomeEntry | undefined {
    return this.#pushed?.entry;
  }

  /** A session was adopted: a Welcome pushed meanwhile is of no more use (a later one replaces it, §8.2). */
  clear(): void {
    this.#pushed = undefined;
  }

  /** A Welcome that failed is not tried again, whether for a lost key package or a refused tree (§8.1). */
  skip(seq: number): void {
    this.skipUpTo = Math.max(this.skipUpTo, seq);
    if (this.#pushed && this.#pushed.entry.seq <= this.skipUpTo) this.#pushed = undefined;
  }
}
