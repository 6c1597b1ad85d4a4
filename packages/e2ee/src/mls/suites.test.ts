import { defaultCryptoProvider, getCiphersuiteFromName } from 'ts-mls';
import { describe, expect, it } from 'vitest';
import { MLS_SUPPORTED_CIPHER_SUITES, parleyCryptoProvider } from './suites.js';

// The Parley provider swaps ts-mls's WebCrypto hash/KDF for @noble/hashes; both must compute the same functions,
// or Parley clients would not interoperate with any other MLS implementation.
describe.each(MLS_SUPPORTED_CIPHER_SUITES)('crypto provider for %s', (name) => {
  it('matches the ts-mls default provider byte for byte', async () => {
    const suite = getCiphersuiteFromName(name);
    const ours = await parleyCryptoProvider.getCiphersuiteImpl(suite);
    const reference = await defaultCryptoProvider.getCiphersuiteImpl(suite);
    const bytes = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (seed + i * 13) & 0xff);
    // The default provider only takes an empty or hash-sized salt, the only sizes ts-mls uses.
    for (const [a, b] of [
      [0, 0],
      [0, 32],
      [reference.kdf.size, 200],
    ] as const) {
      const salt = bytes(a, 1);
      const ikm = bytes(b, 2);
      const prk = await reference.kdf.extract(salt, ikm);
      expect(await ours.kdf.extract(salt, ikm)).toEqual(prk);
      for (const length of [16, 32, 48, 64]) {
        expect(await ours.kdf.expand(prk, bytes(a + 3, 3), length)).toEqual(
          await reference.kdf.expand(prk, bytes(a + 3, 3), length),
        );
      }
      expect(await ours.hash.digest(ikm)).toEqual(await reference.hash.digest(ikm));
      const mac = await reference.hash.mac(prk, ikm);
      expect(await ours.hash.mac(prk, ikm)).toEqual(mac);
      expect(await ours.hash.verifyMac(prk, mac, ikm)).toBe(true);
      mac[0]! ^= 1;
      expect(await ours.hash.verifyMac(prk, mac, ikm)).toBe(false);
    }
    expect(ours.kdf.size).toBe(reference.kdf.size);
  });
});
