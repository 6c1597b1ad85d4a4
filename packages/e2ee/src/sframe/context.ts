import { requireBytes, toU64, U64_MAX } from './bytes.js';
import { deriveFrameKeys, type FrameKeys } from './derive.js';
import { SFrameError } from './errors.js';
import { type BaseKey, openFrame, parseFrame, sealFrame } from './frame.js';
import { DEFAULT_REPLAY_WINDOW, ReplayWindow } from './replay-window.js';
import { type CipherSuiteId, DEFAULT_CIPHER_SUITE, getSuite, type SuiteParams } from './suites.js';

/**
 * Per-participant SFrame state: one sender key with its counter, the receive keys of everyone else, a
 * replay window per receive KID, and epoch-based key retirement.
 *
 * Guarantees it adds on top of `encryptFrame`/`decryptFrame`:
 * - no (KID, CTR) is ever encrypted twice by this context: a counter is reserved synchronously before any
 *   await, survives re-installing a key under the same KID, and encryption stops once it is exhausted;
 * - a KID is either for sending or for receiving, never both (RFC 9605 §4.4.1);
 * - a frame is accepted at most once per KID and only within the replay window;
 * - keys of a superseded epoch keep decrypting in-flight frames for `epochGraceMs`, then are erased;
 * - key material lives only in private fields, as non-extractable CryptoKeys.
 */

export interface SFrameContextOptions {
  /** Defaults to AES_128_GCM_SHA256_128 (docs/architecture.md §5.3). */
  cipherSuite?: CipherSuiteId | number;
  /** CTRs remembered per receive KID (multiple of 32). Default 1024: ~20 s of 50 fps video, so audio and
   * video sharing one KID can arrive reordered across tracks without being dropped. */
  replayWindow?: number;
  /** How long keys of a superseded epoch stay usable for receiving. Default 2000 ms. */
  epochGraceMs?: number;
  /** Monotonic clock in ms; injectable for tests. Default `performance.now()`. */
  now?: () => number;
  /** Highest CTR this context will use under one KID (default 2^64-1). Lowering it forces an earlier rekey,
   * e.g. to bound forgery attempts against short-tag suites (RFC 9605 §7.5). */
  maxCounter?: number | bigint;
}

export interface ReceiverKeyOptions {
  /** Key epoch (e.g. the MLS epoch). Omitted: the context's current epoch. */
  epoch?: number | bigint;
}

export interface UnprotectedFrame {
  kid: bigint;
  ctr: bigint;
  epoch: bigint;
  plaintext: Uint8Array;
}

interface ReceiverEntry {
  readonly epoch: bigint;
  readonly keys: FrameKeys;
  readonly window: ReplayWindow;
  /** Clock time at which the key is erased; undefined while its epoch is current. */
  expiresAt: number | undefined;
}

const EMPTY = new Uint8Array(0);
export const DEFAULT_EPOCH_GRACE_MS = 2000;

export class SFrameContext {
  readonly cipherSuite: CipherSuiteId;
  readonly epochGraceMs: number;
  readonly replayWindowSize: number;

  readonly #suite: SuiteParams;
  readonly #now: () => number;
  readonly #maxCounter: bigint;

  #sender: FrameKeys | undefined;
  /** Next CTR for every KID this context has ever sent with; entries are never removed. */
  readonly #nextCtr = new Map<bigint, bigint>();
  #senderGeneration = 0;

  readonly #receivers = new Map<bigint, ReceiverEntry>();
  readonly #receiverGeneration = new Map<bigint, number>();
  #currentEpoch = 0n;
  /** Superseded epochs → the time their keys are erased. */
  readonly #epochExpiry = new Map<bigint, number>();
  #nextExpiry = Number.POSITIVE_INFINITY;
  #closed = false;

  constructor(options: SFrameContextOptions = {}) {
    this.#suite = getSuite(options.cipherSuite ?? DEFAULT_CIPHER_SUITE);
    this.cipherSuite = this.#suite.id;
    this.replayWindowSize = new ReplayWindow(options.replayWindow ?? DEFAULT_REPLAY_WINDOW).size;
    const grace = options.epochGraceMs ?? DEFAULT_EPOCH_GRACE_MS;
    if (!Number.isFinite(grace) || grace < 0) {
      throw new SFrameError('invalid_argument', 'epochGraceMs must be a non-negative finite number');
    }
    this.epochGraceMs = grace;
    this.#now = options.now ?? (() => performance.now());
    this.#maxCounter = toU64(options.maxCounter ?? U64_MAX, 'maxCounter');
  }

  /** KID frames are currently protected with, if a sender key is installed. */
  get senderKid(): bigint | undefined {
    return this.#sender?.kid;
  }

  get currentEpoch(): bigint {
    return this.#currentEpoch;
  }

  /**
   * Installs the key this participant encrypts with, replacing the previous one once derivation finishes.
   * Re-installing a KID continues its counter rather than restarting it, so a repeated or rotated key under
   * the same KID can never repeat a nonce.
   */
  async setSenderKey(kid: number | bigint, baseKey: BaseKey): Promise<void> {
    this.#assertOpen();
    const k = toU64(kid, 'kid');
    this.#assertNotReceiving(k);
    const generation = ++this.#senderGeneration;
    const keys = await deriveFrameKeys(this.#suite, baseKey, k);
    // A later setSenderKey call wins even if its derivation finished first.
    if (generation !== this.#senderGeneration || this.#closed) return;
    this.#assertNotReceiving(k);
    if (!this.#nextCtr.has(k)) this.#nextCtr.set(k, 0n);
    this.#sender = keys;
  }

  /**
   * Installs (or replaces) the receive key for `kid`. A key for an epoch newer than the current one makes
   * it current and starts the grace period of every older epoch's keys.
   */
  async addReceiverKey(kid: number | bigint, baseKey: BaseKey, options: ReceiverKeyOptions = {}): Promise<void> {
    this.#assertOpen();
    const k = toU64(kid, 'kid');
    const epoch = options.epoch === undefined ? undefined : toU64(options.epoch, 'epoch');
    this.#assertNotSending(k);
    const generation = (this.#receiverGeneration.get(k) ?? 0) + 1;
    this.#receiverGeneration.set(k, generation);
    const keys = await deriveFrameKeys(this.#suite, baseKey, k);
    if (generation !== this.#receiverGeneration.get(k) || this.#closed) return;
    this.#assertNotSending(k);

    const now = this.#now();
    this.#sweep(now);
    const keyEpoch = epoch ?? this.#currentEpoch;
    if (keyEpoch > this.#currentEpoch) this.#enterEpoch(keyEpoch, now);
    let expiresAt: number | undefined;
    if (keyEpoch < this.#currentEpoch) {
      expiresAt = this.#epochExpiry.get(keyEpoch);
      if (expiresAt === undefined) {
        throw new SFrameError('stale_epoch', `epoch ${keyEpoch} is no longer accepted`);
      }
    }
    this.#receivers.set(k, { epoch: keyEpoch, keys, window: new ReplayWindow(this.replayWindowSize), expiresAt });
  }

  removeReceiverKey(kid: number | bigint): boolean {
    const k = toU64(kid, 'kid');
    this.#receiverGeneration.set(k, (this.#receiverGeneration.get(k) ?? 0) + 1);
    return this.#receivers.delete(k);
  }

  hasReceiverKey(kid: number | bigint): boolean {
    const k = toU64(kid, 'kid');
    return this.#liveReceiver(k, this.#now()) !== undefined;
  }

  /** Encrypts one frame with the sender key and the next counter value. */
  protect(plaintext: Uint8Array, metadata: Uint8Array = EMPTY): Promise<Uint8Array> {
    // Not an async function: the hot path hands back WebCrypto's promise chain without extra hops, and
    // every failure still surfaces as a rejection.
    try {
      requireBytes(plaintext, 'plaintext');
      requireBytes(metadata, 'metadata');
      const sender = this.#sender;
      if (!sender) throw new SFrameError('no_sender_key', 'no sender key installed');
      const ctr = this.#nextCtr.get(sender.kid) ?? 0n;
      if (ctr > this.#maxCounter) {
        throw new SFrameError('counter_exhausted', `counter space of KID ${sender.kid} exhausted: install a new key`);
      }
      // Reserved synchronously, before WebCrypto runs, so concurrent protect() calls get distinct counters.
      this.#nextCtr.set(sender.kid, ctr + 1n);
      return sealFrame(sender, ctr, metadata, plaintext);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Decrypts one frame; rejects with an `SFrameError` if it is malformed, forged, unknown or replayed. */
  unprotect(sframe: Uint8Array, metadata: Uint8Array = EMPTY): Promise<UnprotectedFrame> {
    try {
      requireBytes(metadata, 'metadata');
      const frame = parseFrame(this.#suite, sframe);
      const entry = this.#liveReceiver(frame.kid, this.#now());
      if (!entry) throw new SFrameError('unknown_key', `no receive key for KID ${frame.kid}`);
      const early = entry.window.check(frame.ctr);
      if (early !== 'fresh') throw replayError(frame.kid, frame.ctr, early);
      return openFrame(entry.keys, frame, metadata).then((plaintext) => {
        // Only an authenticated frame may move the window; re-check because another unprotect() of the
        // same frame may have completed while this one was decrypting.
        const verdict = entry.window.accept(frame.ctr);
        if (verdict !== 'fresh') throw replayError(frame.kid, frame.ctr, verdict);
        return { kid: frame.kid, ctr: frame.ctr, epoch: entry.epoch, plaintext };
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Erases keys whose grace period has ended (also done lazily on every call). */
  sweep(): void {
    this.#sweep(this.#now(), true);
  }

  /** Drops every key. The context cannot be used for new keys afterwards. */
  close(): void {
    this.#closed = true;
    this.#sender = undefined;
    this.#receivers.clear();
    this.#epochExpiry.clear();
  }

  #enterEpoch(epoch: bigint, now: number): void {
    const expiresAt = now + this.epochGraceMs;
    for (const entry of this.#receivers.values()) {
      if (entry.epoch < epoch && entry.expiresAt === undefined) entry.expiresAt = expiresAt;
    }
    if (!this.#epochExpiry.has(this.#currentEpoch)) this.#epochExpiry.set(this.#currentEpoch, expiresAt);
    this.#nextExpiry = Math.min(this.#nextExpiry, expiresAt);
    this.#currentEpoch = epoch;
  }

  #sweep(now: number, force = false): void {
    if (!force && now < this.#nextExpiry) return;
    for (const [kid, entry] of this.#receivers) {
      if (entry.expiresAt !== undefined && now >= entry.expiresAt) this.#receivers.delete(kid);
    }
    let next = Number.POSITIVE_INFINITY;
    for (const [epoch, expiresAt] of this.#epochExpiry) {
      if (now >= expiresAt) this.#epochExpiry.delete(epoch);
      else next = Math.min(next, expiresAt);
    }
    this.#nextExpiry = next;
  }

  #liveReceiver(kid: bigint, now: number): ReceiverEntry | undefined {
    this.#sweep(now);
    const entry = this.#receivers.get(kid);
    if (entry?.expiresAt !== undefined && now >= entry.expiresAt) {
      this.#receivers.delete(kid);
      return undefined;
    }
    return entry;
  }

  #assertOpen(): void {
    if (this.#closed) throw new SFrameError('invalid_argument', 'SFrameContext is closed');
  }

  #assertNotReceiving(kid: bigint): void {
    if (this.#receivers.has(kid)) {
      throw new SFrameError('key_usage', `KID ${kid} is a receive key and cannot be used for sending`);
    }
  }

  #assertNotSending(kid: bigint): void {
    if (this.#nextCtr.has(kid)) {
      throw new SFrameError('key_usage', `KID ${kid} is used for sending and cannot be a receive key`);
    }
  }
}

function replayError(kid: bigint, ctr: bigint, verdict: 'duplicate' | 'too_old'): SFrameError {
  const why = verdict === 'duplicate' ? 'already accepted' : 'older than the replay window';
  return new SFrameError('replay', `frame KID ${kid} CTR ${ctr} ${why}`);
}
