import { SFrameError } from './errors.js';

/** RFC 9605 carries KID and CTR as unsigned 64-bit integers. */
export const U64_MAX = (1n << 64n) - 1n;

/**
 * Normalises a KID/CTR given as number or bigint. Numbers beyond 2^53 are refused rather than rounded: a
 * silently rounded CTR could collide with another frame's nonce.
 */
export function toU64(value: number | bigint, field: string): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n || value > U64_MAX) {
      throw new SFrameError('invalid_argument', `${field} must be within 0..2^64-1`);
    }
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new SFrameError('invalid_argument', `${field} must be a non-negative safe integer or a bigint`);
    }
    return BigInt(value);
  }
  throw new SFrameError('invalid_argument', `${field} must be a number or a bigint`);
}

export function requireBytes(value: unknown, field: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new SFrameError('invalid_argument', `${field} must be a Uint8Array`);
  }
  return value;
}

/**
 * WebCrypto (and TypeScript's DOM typings) only take ArrayBuffer-backed views. A caller's view over a
 * SharedArrayBuffer is copied so another thread cannot change the bytes while they are being processed.
 */
export function ownedView(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  if (bytes.buffer instanceof ArrayBuffer) return bytes as Uint8Array<ArrayBuffer>;
  return new Uint8Array(bytes);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Compares without an early exit so timing does not reveal how many tag bytes matched. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Writes `value` as an 8-byte big-endian integer at `offset` (the KID encoding in labels, lengths in tags). */
export function writeU64(view: DataView, offset: number, value: bigint): void {
  view.setUint32(offset, high32(value));
  view.setUint32(offset + 4, low32(value));
}

// Per-frame code splits a u64 into two 32-bit numbers once instead of doing BigInt arithmetic per byte:
// values below 2^32 (every realistic CTR) then cost a comparison and one conversion, with no BigInt allocated.
export function high32(value: bigint): number {
  return value <= 0xffffffffn ? 0 : Number(value >> 32n);
}

export function low32(value: bigint): number {
  return value <= 0xffffffffn ? Number(value) : Number(value & 0xffffffffn);
}
