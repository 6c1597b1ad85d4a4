// The worker's frame crypto, kept free of worker and WebRTC APIs so it can be tested directly. One SFrameContext per
// call: one sender KID (this device's leaf in the current epoch) shared by every published track, and receive keys
// for every other member's KID. Keys are imported as non-extractable CryptoKeys by the SFrame layer; the raw base
// key is wiped once imported.
import { isSFrameError, parseKid, SFrameContext } from '@parley/e2ee';
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

export interface FrameCryptorOptions {
  epochGraceMs?: number;
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
  #switchTimer: ReturnType<typeof setTimeout> | undefined;
  #epochBits = 4;
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

  async setKeys(message: EpochKeysMessage): Promise<void> {
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
    this.#receiverEpoch = message.epoch;
    for (const r of message.receivers) await this.#ctx.addReceiverKey(r.kid, base, { epoch: message.epoch });
    this.#options.onReceiverKeys?.();

    const install = async () => {
      if (message.epoch <= this.#senderEpoch) {
        base.fill(0);
        return;
      }
      await this.#ctx.setSenderKey(message.ownKid, base);
      this.#senderEpoch = message.epoch;
      base.fill(0);
      this.#options.onSenderKey?.();
    };
    clearTimeout(this.#switchTimer);
    this.#switchTimer = undefined;
    if (this.#senderEpoch < 0n || message.switchAfterMs <= 0) await install();
    else this.#switchTimer = setTimeout(() => void install(), message.switchAfterMs);
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
    const allowed = this.#leaves.get(participantId);
    if (!allowed) return this.#fail(stats, 'no-participant');
    const input = new Uint8Array(data);
    const clear = clearPrefixLength(layout, input);
    let frame: Awaited<ReturnType<SFrameContext['unprotect']>>;
    try {
      if (input.length <= clear) throw new Error('short frame');
      frame = await this.#ctx.unprotect(input.subarray(clear), input.subarray(0, clear));
    } catch (error) {
      return this.#fail(stats, isSFrameError(error) ? error.code : 'error');
    }
    // The KID is authenticated: a frame of another member on this participant's stream means the SFU swapped them.
    if (!allowed.has(Number(parseKid(frame.kid, this.#epochBits).leafIndex))) return this.#fail(stats, 'wrong-sender');
    stats.decrypted++;
    stats.failingSince = 0;
    stats.lastEpoch = Number(frame.epoch);
    // The ciphertext holds the whole original frame; the clear copy of its header was only for the depacketiser.
    return frame.plaintext.slice().buffer;
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
    clearTimeout(this.#switchTimer);
    this.#ctx.close();
  }
}
