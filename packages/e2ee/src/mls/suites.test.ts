import { defaultCryptoProvider, getCiphersuiteFromName } from 'ts-mls';
import { describe, expect, it } from 'vitest';
import { MLS_DEFAULT_CIPHER_SUITE, MLS_SUPPORTED_CIPHER_SUITES, parleyCryptoProvider } from './suites.js';

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

// The default suite's HPKE runs on noble (hpke-x25519.ts): same key pairs from the same secret, and each side opens
// what the other sealed, or members on either provider could not decrypt each other's path secrets.
describe('HPKE of the default suite', () => {
  it('derives the same key pairs as the ts-mls default provider and interoperates both ways', async () => {
    const suite = getCiphersuiteFromName(MLS_DEFAULT_CIPHER_SUITE);
    const ours = (await parleyCryptoProvider.getCiphersuiteImpl(suite)).hpke;
    const reference = (await defaultCryptoProvider.getCiphersuiteImpl(suite)).hpke;
    const info = new TextEncoder().encode('parley test info');
    const message = crypto.getRandomValues(new Uint8Array(77));
    for (let i = 0; i < 4; i++) {
      const ikm = crypto.getRandomValues(new Uint8Array(32));
      const a = await ours.deriveKeyPair(ikm);
      const b = await reference.deriveKeyPair(ikm);
      const publicKey = await ours.exportPublicKey(a.publicKey);
      expect(publicKey).toEqual(await reference.exportPublicKey(b.publicKey));
      expect(await ours.exportPrivateKey(a.privateKey)).toEqual(await reference.exportPrivateKey(b.privateKey));

      const toReference = await ours.seal(await ours.importPublicKey(publicKey), message, info);
      expect(await reference.open(b.privateKey, toReference.enc, toReference.ct, info)).toEqual(message);
      const toOurs = await reference.seal(await reference.importPublicKey(publicKey), message, info);
      expect(await ours.open(a.privateKey, toOurs.enc, toOurs.ct, info)).toEqual(message);
      const tampered = toOurs.ct.slice();
      tampered[0]! ^= 1;
      await expect(ours.open(a.privateKey, toOurs.enc, tampered, info)).rejects.toThrow();

      const exported = await ours.exportSecret(await ours.importPublicKey(publicKey), info, 32, info);
      expect(await reference.importSecret(b.privateKey, info, exported.enc, 32, info)).toEqual(exported.secret);
    }
  });
});
