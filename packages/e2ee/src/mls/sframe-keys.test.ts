import { describe, expect, it } from 'vitest';
import {
  deriveEpochSenderKeys,
  epochFromBits,
  kidFor,
  MLS_SFRAME_EXPORTER_LABEL,
  parseKid,
  type SframeKeySource,
  sframeIndexBits,
} from './sframe-keys.js';

describe('RFC 9605 §5.2 KIDs', () => {
  // The example sequence of RFC 9605 Figure 8 (E = 4, S = 6).
  const examples: [epoch: bigint, index: number, context: bigint, kid: bigint][] = [
    [14n, 3, 0n, 0x3en],
    [14n, 7, 0n, 0x7en],
    [14n, 20, 0n, 0x14en],
    [15n, 3, 0n, 0x3fn],
    [15n, 5, 0n, 0x5fn],
    [16n, 2, 2n, 0x820n],
    [16n, 2, 3n, 0xc20n],
    [17n, 33, 0n, 0x211n],
    [17n, 51, 0n, 0x331n],
  ];

  it.each(examples)('epoch %d index %d context %d -> KID %d', (epoch, index, context, kid) => {
    expect(kidFor(index, epoch, 4, { context, indexBits: 6 })).toBe(kid);
    expect(parseKid(kid, 4, 6)).toEqual({ leafIndex: index, epochBits: epoch % 16n, context });
    if (context === 0n) expect(parseKid(kid, 4)).toEqual({ leafIndex: index, epochBits: epoch % 16n, context: 0n });
  });

  it('round-trips across epoch-bit widths and large indices', () => {
    for (const bits of [0, 1, 4, 8, 16]) {
      for (const index of [0, 1, 199, 65_535]) {
        for (const epoch of [0n, 1n, 255n, 1n << 40n]) {
          const parsed = parseKid(kidFor(index, epoch, bits), bits);
          expect(parsed.leafIndex).toBe(index);
          expect(parsed.epochBits).toBe(epoch & ((1n << BigInt(bits)) - 1n));
        }
      }
    }
  });

  it('rejects what cannot be encoded', () => {
    expect(() => kidFor(-1, 0n, 4)).toThrow(RangeError);
    expect(() => kidFor(1, 0n, 63)).toThrow(RangeError);
    expect(() => kidFor(64, 0n, 4, { context: 1n, indexBits: 6 })).toThrow(RangeError);
    expect(() => kidFor(1, 0n, 4, { context: 1n })).toThrow(RangeError);
    expect(() => parseKid(1n << 64n, 4)).toThrow(RangeError);
  });

  it('computes S as the smallest width holding the group', () => {
    expect([1, 2, 3, 4, 5, 64, 65, 200].map(sframeIndexBits)).toEqual([0, 1, 2, 2, 3, 6, 7, 8]);
  });

  it('maps KID epoch bits back to the latest matching epoch', () => {
    expect(epochFromBits(14n, 4, 17n)).toBe(14n);
    expect(epochFromBits(1n, 4, 17n)).toBe(17n);
    expect(epochFromBits(2n, 4, 17n)).toBe(2n);
    expect(epochFromBits(15n, 4, 32n)).toBe(31n);
    expect(() => epochFromBits(5n, 4, 3n)).toThrow(RangeError);
  });
});

describe('deriveEpochSenderKeys', () => {
  const calls: [string, number, number][] = [];
  const source: SframeKeySource = {
    epoch: 9n,
    async exportSecret(label, context, length) {
      calls.push([label, context.length, length]);
      return new Uint8Array(length).fill(7);
    },
    memberLeafIndices: () => [0, 2, 5],
  };

  it('uses the RFC exporter label with an empty context and AEAD.Nk of the SFrame suite', async () => {
    const keys = await deriveEpochSenderKeys(source, 9n, 4);
    expect(calls.at(-1)).toEqual([MLS_SFRAME_EXPORTER_LABEL, 0, 16]);
    expect(keys.senders.map((s) => [s.leafIndex, s.kid])).toEqual([
      [0, 9n],
      [2, (2n << 4n) + 9n],
      [5, (5n << 4n) + 9n],
    ]);
    expect(keys.indexBits).toBe(3);
    for (const sender of keys.senders) expect(sender.baseKey).toBe(keys.baseKey);
    await deriveEpochSenderKeys(source, 9n, 4, { sframeSuite: 0x0005 });
    expect(calls.at(-1)?.[2]).toBe(32);
    await deriveEpochSenderKeys(source, 9n, 4, { sframeSuite: 0x0001 });
    expect(calls.at(-1)?.[2]).toBe(48);
  });

  it('refuses to label keys with an epoch the group is not in', async () => {
    await expect(deriveEpochSenderKeys(source, 8n, 4)).rejects.toThrow(/epoch 8/);
    await expect(deriveEpochSenderKeys(source, 9n, 4, { sframeSuite: 0x9999 })).rejects.toThrow(RangeError);
  });
});
