// MLS cipher suites Parley allows, and the ts-mls crypto provider it runs them on.
//
// Why a custom provider: ts-mls 1.6.4 derives the whole secret tree eagerly at every epoch (about 2 HKDF calls per
// tree node) and its default provider routes every HKDF/HMAC/SHA call through WebCrypto, where each call costs an
// importKey plus a thread-pool round trip (~100 µs). At 200 members that alone is ~150 ms per epoch per member.
// The provider below keeps ts-mls's default HPKE, AEAD, signature and RNG (WebCrypto / @hpke/*) and replaces only
// the hash and KDF with @noble/hashes, which computes the same functions synchronously in a few µs. The test suite
// checks the outputs against the default provider byte for byte.
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';
import {
  type Ciphersuite,
  type CiphersuiteImpl,
  type CryptoProvider,
  defaultCryptoProvider,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  type Hash,
  type HashAlgorithm,
  type HpkeAlgorithm,
  type Kdf,
  type KdfAlgorithm,
} from 'ts-mls';
import { constantTimeEqual } from './bytes.js';
import { NOBLE_HPKE_ALGORITHM, nobleX25519Hpke } from './hpke-x25519.js';

/** The default suite of every call (docs/architecture.md §5.2). */
export const MLS_DEFAULT_CIPHER_SUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519' as const;
/** Hybrid post-quantum suite (X25519 + ML-KEM-768 via X-Wing), selectable per group. */
export const MLS_XWING_CIPHER_SUITE = 'MLS_256_XWING_AES256GCM_SHA512_Ed25519' as const;

export const MLS_SUPPORTED_CIPHER_SUITES = [MLS_DEFAULT_CIPHER_SUITE, MLS_XWING_CIPHER_SUITE] as const;
export type MlsCipherSuiteName = (typeof MLS_SUPPORTED_CIPHER_SUITES)[number];

export function isSupportedMlsCipherSuite(name: string): name is MlsCipherSuiteName {
  return (MLS_SUPPORTED_CIPHER_SUITES as readonly string[]).includes(name);
}

type NobleHash = CHash;

function nobleHashFor(algorithm: HashAlgorithm): NobleHash {
  switch (algorithm) {
    case 'SHA-256':
      return sha256;
    case 'SHA-384':
      return sha384;
    case 'SHA-512':
      return sha512;
  }
}

function nobleKdfHashFor(algorithm: KdfAlgorithm): NobleHash {
  return nobleHashFor(algorithm === 'HKDF-SHA256' ? 'SHA-256' : algorithm === 'HKDF-SHA384' ? 'SHA-384' : 'SHA-512');
}

export function nobleHash(algorithm: HashAlgorithm): Hash {
  const h = nobleHashFor(algorithm);
  return {
    digest: async (data) => h(data),
    mac: async (key, data) => hmac(h, key, data),
    verifyMac: async (key, mac, data) => constantTimeEqual(hmac(h, key, data), mac),
  };
}

export function nobleKdf(algorithm: KdfAlgorithm): Kdf {
  const h = nobleKdfHashFor(algorithm);
  return {
    // ts-mls calls extract(salt, ikm); noble takes (hash, ikm, salt).
    extract: async (salt, ikm) => extract(h, ikm, salt),
    expand: async (prk, info, length) => expand(h, prk, info, length),
    size: h.outputLen,
  };
}

const sameHpke = (a: HpkeAlgorithm, b: HpkeAlgorithm) => a.kem === b.kem && a.kdf === b.kdf && a.aead === b.aead;

/**
 * ts-mls default provider with @noble/hashes for hash/HMAC/HKDF (see the file comment for why), and for the default
 * suite a noble-based HPKE (see hpke-x25519.ts).
 */
export const parleyCryptoProvider: CryptoProvider = {
  async getCiphersuiteImpl(cs: Ciphersuite): Promise<CiphersuiteImpl> {
    const base = await defaultCryptoProvider.getCiphersuiteImpl(cs);
    const hpke = sameHpke(cs.hpke, NOBLE_HPKE_ALGORITHM) ? await nobleX25519Hpke() : base.hpke;
    return { ...base, hash: nobleHash(cs.hash), kdf: nobleKdf(cs.hpke.kdf), hpke };
  },
};

const impls = new Map<MlsCipherSuiteName, Promise<CiphersuiteImpl>>();

/** The ts-mls implementation of a supported suite, built once per process (building it loads optional peers). */
export function getMlsCipherSuite(name: MlsCipherSuiteName): Promise<CiphersuiteImpl> {
  if (!isSupportedMlsCipherSuite(name)) throw new Error(`unsupported MLS cipher suite ${String(name)}`);
  let impl = impls.get(name);
  if (!impl) {
    impl = getCiphersuiteImpl(getCiphersuiteFromName(name), parleyCryptoProvider);
    // A failed load (missing optional peer) must not be cached forever.
    impl.catch(() => impls.delete(name));
    impls.set(name, impl);
  }
  return impl;
}
