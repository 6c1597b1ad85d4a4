import { describe, expect, it } from 'vitest';
import { SAFETY_CODE_GROUPS, safetyCode, safetyCodeGroups } from './safety-code.js';

describe('safety codes', () => {
  const authenticator = (seed: number) => Uint8Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 7) & 0xff);

  it('renders six groups of five digits, deterministically', () => {
    const code = safetyCode(authenticator(1));
    expect(code).toMatch(/^\d{5}( \d{5}){5}$/);
    expect(safetyCode(authenticator(1))).toBe(code);
    expect(safetyCodeGroups(authenticator(1))).toHaveLength(SAFETY_CODE_GROUPS);
  });

  it('changes with the epoch authenticator', () => {
    const codes = new Set(Array.from({ length: 50 }, (_, seed) => safetyCode(authenticator(seed))));
    expect(codes.size).toBe(50);
  });

  it('spreads digits evenly (no modulo bias visible at this scale)', () => {
    const firstDigits = new Array(10).fill(0);
    for (let counter = 0; counter < 2000; counter++) {
      const input = new Uint8Array(32);
      new DataView(input.buffer).setUint32(0, counter);
      for (const group of safetyCodeGroups(input)) firstDigits[Number(group[0])]++;
    }
    // 12 000 draws, 1 200 expected per digit; ±25% is far outside random fluctuation (σ ≈ 33).
    for (const count of firstDigits) expect(Math.abs(count - 1200)).toBeLessThan(300);
  });

  it('refuses an input too short to be an epoch authenticator', () => {
    expect(() => safetyCode(new Uint8Array(8))).toThrow(RangeError);
  });
});
