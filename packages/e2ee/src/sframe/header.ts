import { high32, low32, toU64 } from './bytes.js';
import { SFrameError } from './errors.js';

/**
 * SFrame header codec, RFC 9605 §4.3.
 *
 *   config byte: |X| K(3) |Y| C(3) | KID bytes | CTR bytes |
 *
 * Values 0..7 live in the config byte (flag clear); larger values follow it in the minimum number of
 * big-endian bytes, the 3-bit field holding length-1. The decoder insists on that minimal form: the RFC
 * makes it a MUST for senders, and a canonical encoding means exactly one header (and so one AAD) exists for
 * each (KID, CTR) — nothing downstream has to reason about equivalent spellings of the same frame.
 */

export interface SFrameHeader {
  readonly kid: bigint;
  readonly ctr: bigint;
}

export interface DecodedHeader extends SFrameHeader {
  /** Number of bytes the header occupies at the start of the input. */
  readonly length: number;
}

/** Longest possible header: config byte + 8-byte KID + 8-byte CTR. */
export const MAX_HEADER_LENGTH = 17;

/** Bytes needed after the config byte: 0 for values carried inline (< 8). */
function extraLength(value: bigint): number {
  if (value < 8n) return 0;
  if (value <= 0xffffffffn) {
    const v = Number(value);
    return v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffff ? 3 : 4;
  }
  const high = high32(value);
  return high <= 0xff ? 5 : high <= 0xffff ? 6 : high <= 0xffffff ? 7 : 8;
}

/** Writes the low `length` bytes of `value` big-endian, from 32-bit halves (no per-byte BigInt work). */
function writeBigEndian(out: Uint8Array, offset: number, length: number, value: bigint): void {
  let low = low32(value);
  let high = high32(value);
  for (let i = offset + length - 1; i >= offset; i--) {
    out[i] = low & 0xff;
    low = (low >>> 8) | ((high & 0xff) << 24);
    high >>>= 8;
  }
}

export function encodedHeaderLength(kid: number | bigint, ctr: number | bigint): number {
  return 1 + extraLength(toU64(kid, 'kid')) + extraLength(toU64(ctr, 'ctr'));
}

export function encodeHeader(kid: number | bigint, ctr: number | bigint): Uint8Array<ArrayBuffer> {
  const k = toU64(kid, 'kid');
  const c = toU64(ctr, 'ctr');
  const kLen = extraLength(k);
  const cLen = extraLength(c);
  const out = new Uint8Array(1 + kLen + cLen);
  const kidBits = kLen === 0 ? Number(k) << 4 : 0x80 | ((kLen - 1) << 4);
  const ctrBits = cLen === 0 ? Number(c) : 0x08 | (cLen - 1);
  out[0] = kidBits | ctrBits;
  writeBigEndian(out, 1, kLen, k);
  writeBigEndian(out, 1 + kLen, cLen, c);
  return out;
}

function readValue(bytes: Uint8Array, offset: number, length: number, field: string): bigint {
  // A leading zero byte or a value below 8 means a shorter encoding existed.
  if (length > 1 && bytes[offset] === 0) {
    throw new SFrameError('malformed_header', `${field} is not minimally encoded`);
  }
  let value = 0n;
  for (let i = offset; i < offset + length; i++) value = (value << 8n) | BigInt(bytes[i] ?? 0);
  if (value < 8n) {
    throw new SFrameError('malformed_header', `${field} below 8 must be carried in the config byte`);
  }
  return value;
}

/** Parses the header at the start of `bytes`; the rest of the input is left to the caller. */
export function decodeHeader(bytes: Uint8Array): DecodedHeader {
  if (bytes.length < 1) throw new SFrameError('truncated', 'empty SFrame ciphertext');
  const config = bytes[0] ?? 0;
  const kidExtended = (config & 0x80) !== 0;
  const ctrExtended = (config & 0x08) !== 0;
  const kField = (config >> 4) & 0x07;
  const cField = config & 0x07;
  const kLen = kidExtended ? kField + 1 : 0;
  const cLen = ctrExtended ? cField + 1 : 0;
  const length = 1 + kLen + cLen;
  if (bytes.length < length) {
    throw new SFrameError('truncated', `SFrame header needs ${length} bytes, got ${bytes.length}`);
  }
  const kid = kidExtended ? readValue(bytes, 1, kLen, 'KID') : BigInt(kField);
  const ctr = ctrExtended ? readValue(bytes, 1 + kLen, cLen, 'CTR') : BigInt(cField);
  return { kid, ctr, length };
}
