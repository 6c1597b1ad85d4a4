// HPKE for the default suite (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM) on @noble primitives.
//
// Why: ts-mls's default HPKE is @hpke/core on WebCrypto, where every HKDF step is an importKey plus a thread-pool
// round trip and every X25519 private key an import of a PKCS#8 structure. A member processing a commit derives the
// key pair of every node on its path (RFC 9420 §7.4), so in a 50-member call those calls were a fifth of the time to
// the new epoch. @hpke's own X25519 (the noble-curves port in @hpke/dhkem-x25519) with @noble/hashes' HKDF computes
// the same functions synchronously; the suite tests check them against the default provider byte for byte.
import { Dhkem, HkdfSha256Native, KemId } from '@hpke/common';
import { Aes128Gcm, CipherSuite } from '@hpke/core';
import { X25519 } from '@hpke/dhkem-x25519';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Hpke, HpkeAlgorithm } from 'ts-mls';
import { makeGenericHpke } from 'ts-mls/crypto/implementation/hpke.js';
import { makeAead } from 'ts-mls/crypto/implementation/noble/makeAead.js';

const bytes = (b: ArrayBuffer) => new Uint8Array(b);
const buffer = (b: Uint8Array): ArrayBuffer => b.slice().buffer;

/** HPKE's HKDF-SHA256 (with its labelled steps inherited) computed by @noble/hashes. */
class NobleHkdfSha256 extends HkdfSha256Native {
  override async extract(salt: ArrayBuffer, ikm: ArrayBuffer): Promise<ArrayBuffer> {
    // RFC 5869: an absent salt is a string of HashLen zeros, which HMAC's key padding makes the same as an empty one.
    return buffer(extract(sha256, bytes(ikm), salt.byteLength === 0 ? undefined : bytes(salt)));
  }

  override async expand(prk: ArrayBuffer, info: ArrayBuffer, len: number): Promise<ArrayBuffer> {
    return buffer(expand(sha256, bytes(prk), bytes(info), len));
  }

  override async extractAndExpand(
    salt: ArrayBuffer,
    ikm: ArrayBuffer,
    info: ArrayBuffer,
    len: number,
  ): Promise<ArrayBuffer> {
    return this.expand(await this.extract(salt, ikm), info, len);
  }
}

/** DHKEM(X25519, HKDF-SHA256), KEM id 0x0020, on the noble-based curve and HKDF. */
class NobleDhkemX25519 extends Dhkem {
  override readonly id = KemId.DhkemX25519HkdfSha256;
  override readonly secretSize = 32;
  override readonly encSize = 32;
  override readonly publicKeySize = 32;
  override readonly privateKeySize = 32;

  constructor() {
    const kdf = new NobleHkdfSha256();
    super(KemId.DhkemX25519HkdfSha256, new X25519(kdf), kdf);
  }
}

export const NOBLE_HPKE_ALGORITHM: HpkeAlgorithm = {
  kem: 'DHKEM-X25519-HKDF-SHA256',
  kdf: 'HKDF-SHA256',
  aead: 'AES128GCM',
};

/** The ts-mls Hpke of the default suite, on the primitives above. */
export async function nobleX25519Hpke(): Promise<Hpke> {
  const [aead] = await makeAead(NOBLE_HPKE_ALGORITHM.aead);
  const suite = new CipherSuite({ kem: new NobleDhkemX25519(), kdf: new NobleHkdfSha256(), aead: new Aes128Gcm() });
  return makeGenericHpke(NOBLE_HPKE_ALGORITHM, aead, suite);
}
