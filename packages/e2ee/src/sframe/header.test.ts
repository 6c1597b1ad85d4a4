import { describe, expect, it } from 'vitest';
import { SFrameError } from './errors.js';
import { decodeHeader, encodedHeaderLength, encodeHeader, MAX_HEADER_LENGTH } from './header.js';

function expectCode(fn: () => unknown, code: SFrameError['code']): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SFrameError);
  expect((caught as SFrameError).code).toBe(code);
}

/** Boundary values of every encoded length 0..8 bytes. */
const BOUNDARIES: bigint[] = [0n, 1n, 7n, 8n, 255n];
for (let bytes = 2; bytes <= 8; bytes++) {
  BOUNDARIES.push(1n << BigInt(8 * (bytes - 1)), (1n << BigInt(8 * bytes)) - 1n);
}

describe('SFrame header codec', () => {
  it('round-trips every KID/CTR length combination, number and bigint inputs alike', () => {
    for (const kid of BOUNDARIES) {
      for (const ctr of BOUNDARIES) {
        const encoded = encodeHeader(kid, ctr);
        expect(encoded.length).toBe(encodedHeaderLength(kid, ctr));
        expect(encoded.length).toBeLessThanOrEqual(MAX_HEADER_LENGTH);
        expect(decodeHeader(encoded)).toEqual({ kid, ctr, length: encoded.length });
        if (kid <= BigInt(Number.MAX_SAFE_INTEGER) && ctr <= BigInt(Number.MAX_SAFE_INTEGER)) {
          expect(encodeHeader(Number(kid), Number(ctr))).toEqual(encoded);
        }
      }
    }
  });

  it('uses the short form below 8 and the minimal extended form above', () => {
    expect([...encodeHeader(7, 7)]).toEqual([0x77]);
    expect([...encodeHeader(8, 0)]).toEqual([0x80, 0x08]);
    expect([...encodeHeader(0, 0x1_00)]).toEqual([0x09, 0x01, 0x00]);
    expect([...encodeHeader(0x123, 0x4567)]).toEqual([0x99, 0x01, 0x23, 0x45, 0x67]);
  });

  it('rejects values outside 0..2^64-1 and imprecise numbers', () => {
    expectCode(() => encodeHeader(-1, 0), 'invalid_argument');
    expectCode(() => encodeHeader(0, 1n << 64n), 'invalid_argument');
    expectCode(() => encodeHeader(0, 2 ** 53), 'invalid_argument');
    expectCode(() => encodeHeader(1.5, 0), 'invalid_argument');
    expectCode(() => encodeHeader(Number.NaN, 0), 'invalid_argument');
    expectCode(() => encodeHeader('1' as unknown as number, 0), 'invalid_argument');
  });

  it('rejects empty input and every truncation of extended headers', () => {
    expectCode(() => decodeHeader(new Uint8Array(0)), 'truncated');
    const full = encodeHeader(0xffff_ffff_ffff_ffffn, 0xffff_ffff_ffff_ffffn);
    for (let length = 1; length < full.length; length++) {
      expectCode(() => decodeHeader(full.subarray(0, length)), 'truncated');
    }
    const kidOnly = encodeHeader(0x1234, 3);
    expectCode(() => decodeHeader(kidOnly.subarray(0, 2)), 'truncated');
  });

  it('rejects non-minimal encodings', () => {
    // Extended KID/CTR carrying a value < 8 (must be inline).
    expectCode(() => decodeHeader(Uint8Array.of(0x80, 0x07)), 'malformed_header');
    expectCode(() => decodeHeader(Uint8Array.of(0x08, 0x00)), 'malformed_header');
    // Leading zero byte: a shorter length existed.
    expectCode(() => decodeHeader(Uint8Array.of(0x90, 0x00, 0x08)), 'malformed_header');
    expectCode(() => decodeHeader(Uint8Array.of(0x09, 0x00, 0xff)), 'malformed_header');
    expectCode(() => decodeHeader(Uint8Array.of(0x0f, 0, 0, 0, 0, 0, 0, 0, 0x10)), 'malformed_header');
  });

  it('decodes every config byte (with minimal value bytes) and re-encodes it identically', () => {
    for (let config = 0; config < 256; config++) {
      const input = new Uint8Array(MAX_HEADER_LENGTH).fill(0x5a);
      input[0] = config;
      const decoded = decodeHeader(input);
      expect(encodeHeader(decoded.kid, decoded.ctr)).toEqual(input.subarray(0, decoded.length));
    }
  });
});
