// MLS -> SFrame key provisioning, RFC 9605 §5.2.
//
// The RFC as published derives ONE base key per epoch and gives each sender its own KIDs:
//
//   base_key = MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk)
//   KID      = (context << (S + E)) + (sender_index << E) + (epoch % (1 << E))
//
// Every sender's KID maps to that same base_key; the per-sender key and salt come from the SFrame key schedule
// (§4.4.2), whose HKDF labels include the KID: sframe_key = HKDF-Expand(HKDF-Extract("", base_key),
// "SFrame 1.0 Secret key " + KID + cipher_suite, AEAD.Nk). So senders never share an AEAD key although they share
// base_key. (Drafts before 2023 instead derived a per-sender base key as HKDF-Expand(sframe_epoch_secret,
// encode_big_endian(index, 4), AEAD.Nk) under the label "SFrame 10 MLS"; that scheme is not what RFC 9605 says
// and would not interoperate, so it is not used here.)
//
// E is the number of low epoch bits carried in the KID; it bounds how many epochs a receiver can tell apart
// (2^E), and a receiver must drop an old epoch's keys when a newer epoch with the same low bits arrives. S is the
// number of bits of the sender index, the smallest value with group_size <= 2^S. With context 0 (the default)
// the KID does not depend on S, so a receiver finds sender and epoch bits from the KID alone.

/** RFC 9605 §5.2 exporter label. */
export const MLS_SFRAME_EXPORTER_LABEL = 'SFrame 1.0 Base Key';

/** Default number of epoch bits in a KID: 16 epochs in flight is far more than a key grace period needs. */
export const MLS_SFRAME_DEFAULT_EPOCH_BITS = 4;

/** AEAD.Nk (key size in bytes) of the SFrame cipher suites of RFC 9605 §4.5, by IANA cipher suite id. */
export const MLS_SFRAME_AEAD_NK: Readonly<Record<number, number>> = {
  1: 48, // AES_128_CTR_HMAC_SHA256_80 (16-byte AES key + 32-byte HMAC key)
  2: 48, // AES_128_CTR_HMAC_SHA256_64
  3: 48, // AES_128_CTR_HMAC_SHA256_32
  4: 16, // AES_128_GCM_SHA256_128 (Parley's default)
  5: 32, // AES_256_GCM_SHA512_128
};

/** Parley's default SFrame suite, AES_128_GCM_SHA256_128. */
export const MLS_SFRAME_DEFAULT_SUITE = 0x0004;

/** Anything that can run the MLS exporter for one epoch and list the members' leaf indices (e.g. MlsSession). */
export interface SframeKeySource {
  /** When present, checked against the epoch the caller asked for. */
  readonly epoch?: bigint;
  exportSecret(label: string, context: Uint8Array, length: number): Promise<Uint8Array>;
  memberLeafIndices(): number[];
}

export interface SframeSenderKey {
  leafIndex: number;
  kid: bigint;
  /** The epoch's base_key: the SFrame layer derives this sender's key and salt from it and the KID. */
  baseKey: Uint8Array;
}

export interface SframeEpochKeys {
  epoch: bigint;
  /** E: how many low epoch bits the KIDs carry. */
  epochBits: number;
  /** S: bits reserved for the sender index (matters only with a non-zero context). */
  indexBits: number;
  baseKey: Uint8Array;
  senders: SframeSenderKey[];
}

export interface KidOptions {
  /** Sender-chosen context value (RFC 9605 §5.2); 0 gives the shortest KID. */
  context?: bigint;
  /** S; required when context is non-zero. */
  indexBits?: number;
}

function assertEpochBits(epochBits: number): void {
  if (!Number.isInteger(epochBits) || epochBits < 0 || epochBits > 62) {
    throw new RangeError(`epoch bits must be an integer in 0..62, got ${epochBits}`);
  }
}

/** S for a group: the smallest value such that group_size <= 2^S (group_size counts leaf slots, gaps included). */
export function sframeIndexBits(groupSize: number): number {
  if (!Number.isInteger(groupSize) || groupSize < 1) throw new RangeError(`invalid group size ${groupSize}`);
  let bits = 0;
  while (2 ** bits < groupSize) bits++;
  return bits;
}

/** KID of a sender in an epoch: (context << (S + E)) + (index << E) + (epoch mod 2^E). */
export function kidFor(leafIndex: number, epoch: bigint, epochBits: number, options: KidOptions = {}): bigint {
  assertEpochBits(epochBits);
  if (!Number.isInteger(leafIndex) || leafIndex < 0) throw new RangeError(`invalid leaf index ${leafIndex}`);
  if (epoch < 0n) throw new RangeError('epoch must not be negative');
  const e = BigInt(epochBits);
  const index = BigInt(leafIndex);
  const context = options.context ?? 0n;
  if (context < 0n) throw new RangeError('context must not be negative');
  let kid = (index << e) + (epoch & ((1n << e) - 1n));
  if (context !== 0n) {
    const s = options.indexBits;
    if (s === undefined) throw new RangeError('a non-zero context needs the index bit count S');
    if (index >= 1n << BigInt(s)) throw new RangeError(`leaf index ${leafIndex} does not fit in ${s} bits`);
    kid += context << BigInt(s + epochBits);
  }
  if (kid >= 1n << 64n) throw new RangeError('KID does not fit in 64 bits');
  return kid;
}

export interface ParsedKid {
  leafIndex: number;
  /** epoch mod 2^E, as carried in the KID. */
  epochBits: bigint;
  context: bigint;
}

/**
 * Splits a KID into sender leaf index, low epoch bits and context. Without S the context is taken to be 0 and
 * every bit above E is the sender index, which is how Parley's senders build KIDs.
 */
export function parseKid(kid: bigint, epochBits: number, indexBits?: number): ParsedKid {
  assertEpochBits(epochBits);
  if (kid < 0n || kid >= 1n << 64n) throw new RangeError('KID must be a 64-bit unsigned value');
  const e = BigInt(epochBits);
  const low = kid & ((1n << e) - 1n);
  const rest = kid >> e;
  const index = indexBits === undefined ? rest : rest & ((1n << BigInt(indexBits)) - 1n);
  const context = indexBits === undefined ? 0n : rest >> BigInt(indexBits);
  if (index > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('sender index out of range');
  return { leafIndex: Number(index), epochBits: low, context };
}

/**
 * The most recent epoch not after `currentEpoch` whose low E bits equal `epochBits`: how a receiver maps a KID's
 * epoch bits back to a full epoch (a sender can only be at our epoch or, briefly, behind it).
 */
export function epochFromBits(epochBits: bigint, bits: number, currentEpoch: bigint): bigint {
  assertEpochBits(bits);
  const modulus = 1n << BigInt(bits);
  const candidate = currentEpoch - ((((currentEpoch - epochBits) % modulus) + modulus) % modulus);
  if (candidate < 0n) throw new RangeError('no epoch with these bits yet');
  return candidate;
}

/**
 * Exports the epoch's SFrame base key and lists every member's KID (RFC 9605 §5.2). `epoch` must be the source's
 * current epoch: keys are always labelled with the epoch they were exported in.
 */
export async function deriveEpochSenderKeys(
  source: SframeKeySource,
  epoch: bigint,
  epochBits: number = MLS_SFRAME_DEFAULT_EPOCH_BITS,
  options: { sframeSuite?: number; context?: bigint } = {},
): Promise<SframeEpochKeys> {
  assertEpochBits(epochBits);
  if (source.epoch !== undefined && source.epoch !== epoch) {
    throw new Error(`asked for SFrame keys of epoch ${epoch} but the MLS group is at epoch ${source.epoch}`);
  }
  const suite = options.sframeSuite ?? MLS_SFRAME_DEFAULT_SUITE;
  const nk = MLS_SFRAME_AEAD_NK[suite];
  if (nk === undefined) throw new RangeError(`unknown SFrame cipher suite 0x${suite.toString(16)}`);
  const leaves = source.memberLeafIndices();
  const baseKey = await source.exportSecret(MLS_SFRAME_EXPORTER_LABEL, new Uint8Array(), nk);
  const indexBits = sframeIndexBits(Math.max(1, ...leaves.map((leaf) => leaf + 1)));
  const kidOptions: KidOptions = { context: options.context ?? 0n, indexBits };
  return {
    epoch,
    epochBits,
    indexBits,
    baseKey,
    senders: leaves.map((leafIndex) => ({ leafIndex, kid: kidFor(leafIndex, epoch, epochBits, kidOptions), baseKey })),
  };
}
