// The worker's frame crypto, kept free of worker and WebRTC APIs so it can be tested directly. One SFrameContext per
// call: one sender KID (this device's leaf in the current epoch) shared by every published track, and receive keys
// for every other member's KID. Keys are imported as non-extractable CryptoKeys by the SFrame layer; the raw base
// key is wiped once imported.
import { decodeHeader, isSFrameError, parseKid, SFrameContext } from '@parley/e2ee';
import type { EpochKeysMessage, ReceiveStats, WorkerStats } from './worker-protocol.js';

/**
 * How a frame's payload is laid out for the packetiser. `vp8`: a copy of the VP8 payload header goes in clear (10 bytes
 * of a key frame, 3 of a delta frame, RFC 6386 §9.1), authenticated as SFrame metadata, in front of the whole frame
 * encrypted: Chromium's depacketiser reads it to tell key frames from delta frames, and with it encrypted a receiver
 * that lost frames (e.g. across a key change) never recognises the key frame that would let it resume. The copy's
 * first-partition size is saturated, so a decoder without the keys rejects the frame as truncated instead of
 * decoding noise. `opaque`: the whole frame is encrypted (audio).
 */
export type FrameLayout = 'vp8' | 'opaque';

/** Bytes of clear header in front of the ciphertext; the same rule runs on both ends (the first byte is never encrypted). */
export function clearPrefixLength(layout: FrameLayout, frame: Uint8Array): number {
  if (layout !== 'vp8' || frame.length === 0) return 0;
  return (frame[0]! & 0x01) === 0 ? 10 : 3;
}

/**
 * The clear copy of a VP8 payload header: key-frame bit, version, show-frame bit and (key frames) dimensions kept for
 * the depacketiser; the 19-bit first-partition size set to its maximum so the frame cannot be decoded without the key.
 */
export function clearVp8Header(frame: Uint8Array, length: number): Uint8Array {
  const header = frame.slice(0, length);
  header[0]! |= 0xe0;
  header[1] = 0xff;
  header[2] = 0xff;
  return header;
}

/**
 * How long a received frame under an epoch this device has no keys for yet waits for them. Senders switch to a new
 * epoch's key as soon as their commit is accepted (or they have processed someone else's), so frames under it can
 * overtake the commit on its way to us; held for a moment they decrypt in order once it arrives, instead of being
 * dropped and leaving the picture frozen until the next key frame. A joiner's first frames wait for its Welcome alike.
 * The receiver waits, never the sender (docs/call-keys.md §7.1, §7.2).
 */
export const KEY_WAIT_MS = 400;

/** A promise and its resolver (Promise.withResolvers is not in Node 20, where this is unit-tested). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export interface FrameCryptorOptions {
  epochGraceMs?: number;
  /** Overrides KEY_WAIT_MS (tests). */
  keyWaitMs?: number;
  now?: () => number;
  /**
   * Called when frames are encrypted under a new epoch's key: ask the encoder for a key frame, since a member who
   * joined in this epoch can use nothing sent before it.
   */
  onSenderKey?: () => void;
  /** Called when new receive keys are in: receivers that were failing should ask for a key frame. */
  onReceiverKeys?: () => void;
}

export class FrameCryptor {
  #ctx: SFrameContext;
  #ownLeaf: number | undefined;
  #senderEpoch = -1n;
  #receiverEpoch = -1n;
  #epochBits = 4;
  #installing: Promise<void> = Promise.resolve();
  /** Resolved when the next keys are in; frames of an epoch we are behind on wait on it. */
  #keysIn = signal();
  /** Epoch tags (KID epoch bits) waited for in vain since the last keys: their frames fail at once. */
  readonly #gaveUp = new Set<number>();
  readonly #leaves = new Map<string, Set<number>>();
  readonly #receivers = new Map<string, ReceiveStats>();
  #encrypted = 0;
  #droppedNoKey = 0;
  readonly #options: FrameCryptorOptions;

  constructor(options: FrameCryptorOptions = {}) {
    this.#options = options;
    this.#ctx = this.#newContext();
  }

  #newContext(): SFrameContext {
    return new SFrameContext({
      ...(this.#options.epochGraceMs === undefined ? {} : { epochGraceMs: this.#options.epochGraceMs }),
      ...(this.#options.now ? { now: this.#options.now } : {}),
    });
  }

  get receiverEpoch(): bigint | undefined {
    return this.#receiverEpoch < 0n ? undefined : this.#receiverEpoch;
  }

  get senderEpoch(): bigint | undefined {
    return this.#senderEpoch < 0n ? undefined : this.#senderEpoch;
  }

  /** Installs an epoch's keys; key messages are applied one at a time, in the order they came. */
  setKeys(message: EpochKeysMessage): Promise<void> {
    const next = this.#installing.then(() => this.#install(message));
    this.#installing = next.catch(() => undefined);
    return next;
  }

  async #install(message: EpochKeysMessage): Promise<void> {
    const base = new Uint8Array(message.baseKey);
    if (message.epoch <= this.#receiverEpoch) {
      base.fill(0);
      return;
    }
    const ownLeaf = Number(parseKid(message.ownKid, message.epochBits).leafIndex);
    if (this.#ownLeaf !== undefined && ownLeaf !== this.#ownLeaf) {
      // Re-added under another leaf: old KIDs could now name the other direction. Start over.
      this.#ctx.close();
      this.#ctx = this.#newContext();
      this.#senderEpoch = -1n;
    }
    this.#ownLeaf = ownLeaf;
    this.#epochBits = message.epochBits;
    for (const r of message.receivers) await this.#ctx.addReceiverKey(r.kid, base, { epoch: message.epoch });
    // Only now: a frame that failed meanwhile sees an epoch still ahead of ours and waits for the signal below.
    this.#receiverEpoch = message.epoch;
    // Receivers that have not installed this epoch yet hold our frames until they have (see KEY_WAIT_MS), so the
    // sender switches at once: a joiner decodes from its Welcome on, and a removed member gets nothing new
    // (docs/call-keys.md §7.1). The key frame asked for here is the joiner's first decodable one (§11).
    if (message.epoch > this.#senderEpoch) {
      await this.#ctx.setSenderKey(message.ownKid, base);
      this.#senderEpoch = message.epoch;
      this.#options.onSenderKey?.();
    }
    base.fill(0);
    this.#gaveUp.clear();
    const waiting = this.#keysIn;
    this.#keysIn = signal();
    waiting.resolve();
    this.#options.onReceiverKeys?.();
  }

  /** Whether frames of `participantId` can be attributed (their MLS leaves are known). */
  knows(participantId: string): boolean {
    return (this.#leaves.get(participantId)?.size ?? 0) > 0;
  }

  setParticipants(leaves: Record<string, number[]>): void {
    this.#leaves.clear();
    for (const [participantId, list] of Object.entries(leaves)) this.#leaves.set(participantId, new Set(list));
  }

  /** The SFrame ciphertext of a frame, or null: without a key the frame is dropped, never sent in clear. */
  async encrypt(data: ArrayBuffer, layout: FrameLayout = 'opaque'): Promise<ArrayBuffer | null> {
    if (this.#ctx.senderKid === undefined) {
      this.#droppedNoKey++;
      return null;
    }
    const frame = new Uint8Array(data);
    const clear = clearPrefixLength(layout, frame);
    if (clear > 0 && frame.length <= clear) return null;
    try {
      const prefix = clear > 0 ? clearVp8Header(frame, clear) : new Uint8Array(0);
      const sealed = await this.#ctx.protect(frame, prefix);
      const out = new Uint8Array(clear + sealed.length);
      out.set(prefix);
      out.set(sealed, clear);
      this.#encrypted++;
      return out.buffer;
    } catch {
      this.#droppedNoKey++;
      return null;
    }
  }

  /** The plaintext of a frame from `participantId`'s stream, or null (counted) if it must not be decoded. */
  async decrypt(data: ArrayBuffer, participantId: string, layout: FrameLayout = 'opaque'): Promise<ArrayBuffer | null> {
    const stats = this.#stats(participantId);
    const input = new Uint8Array(data);
    const clear = clearPrefixLength(layout, input);
    if (input.length <= clear) return this.#fail(stats, 'error');
    const sframe = input.subarray(clear);
    const unprotect = () => this.#ctx.unprotect(sframe, input.subarray(0, clear));
    let keysBefore = this.#keysIn;
    let allowed = this.#leaves.get(participantId);
    // A joiner's first frames (the key frame the SFU asks for as the subscription starts) can come before its
    // Welcome: held for the first keys and the participant's leaves (both come together), they decode without
    // another key frame request (docs/call-keys.md §11). Nothing is decrypted before the binding is in.
    if (!allowed && this.#receiverEpoch < 0n && (await this.#waitForKeys(sframe, keysBefore))) {
      allowed = this.#leaves.get(participantId);
      keysBefore = this.#keysIn;
    }
    if (!allowed) return this.#fail(stats, 'no-participant');
    let frame: Awaited<ReturnType<SFrameContext['unprotect']>>;
    try {
      frame = await unprotect();
    } catch (error) {
      const code = isSFrameError(error) ? error.code : 'error';
      if (code !== 'unknown_key' || !(await this.#waitForKeys(sframe, keysBefore))) return this.#fail(stats, code);
      try {
        frame = await unprotect();
      } catch (again) {
        return this.#fail(stats, isSFrameError(again) ? again.code : 'error');
      }
    }
    // The KID is authenticated: a frame of another member on this participant's stream means the SFU swapped them.
    if (!allowed.has(Number(parseKid(frame.kid, this.#epochBits).leafIndex))) return this.#fail(stats, 'wrong-sender');
    stats.decrypted++;
    stats.failingSince = 0;
    stats.lastEpoch = Number(frame.epoch);
    // The ciphertext holds the whole original frame; the clear copy of its header was only for the depacketiser.
    return frame.plaintext.slice().buffer;
  }

  /**
   * For a frame whose key is unknown: if its KID names an epoch just ahead of ours (or we have no keys yet), waits up
   * to KEY_WAIT_MS for the next keys; true if they came. A tag waited for in vain is not waited for again until keys
   * change, so a member that will never get them (removed) does not delay every frame.
   */
  async #waitForKeys(sframe: Uint8Array, keysBefore: { promise: Promise<void> }): Promise<boolean> {
    // Keys came in while the frame was being tried: try it again now.
    if (this.#keysIn !== keysBefore) return true;
    let tag: number;
    try {
      const kid = decodeHeader(sframe).kid;
      tag = Number(kid & ((1n << BigInt(this.#epochBits)) - 1n));
    } catch {
      return false;
    }
    if (this.#gaveUp.has(tag)) return false;
    if (this.#receiverEpoch >= 0n) {
      const span = 1 << this.#epochBits;
      const ahead = (tag - Number(this.#receiverEpoch % BigInt(span)) + span) % span;
      if (ahead === 0 || ahead > 2) return false;
    }
    const waited = this.#keysIn.promise;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const came = await Promise.race([
      waited.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), this.#options.keyWaitMs ?? KEY_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (!came && this.#keysIn.promise === waited) this.#gaveUp.add(tag);
    return came;
  }

  #stats(participantId: string): ReceiveStats {
    let s = this.#receivers.get(participantId);
    if (!s) {
      s = { decrypted: 0, failed: 0, lastError: null, failingSince: 0, lastEpoch: null };
      this.#receivers.set(participantId, s);
    }
    return s;
  }

  #fail(stats: ReceiveStats, code: string): null {
    stats.failed++;
    stats.failingSince++;
    stats.lastError = code;
    return null;
  }

  stats(): WorkerStats {
    const receivers: Record<string, ReceiveStats> = {};
    for (const [id, s] of this.#receivers) receivers[id] = { ...s };
    return { type: 'stats', encrypted: this.#encrypted, droppedNoKey: this.#droppedNoKey, receivers };
  }

  close(): void {
    this.#ctx.close();
  }
}
