import { constantTimeEqual, high32, low32, ownedView, writeU64 } from './bytes.js';
import { SFrameError } from './errors.js';
import type { SuiteParams } from './suites.js';

/**
 * The AEAD of each cipher suite, on WebCrypto only:
 * - AES-GCM suites map directly onto `AES-GCM` with a 128-bit tag;
 * - AES-CTR+HMAC suites follow RFC 9605 §4.5.1 (encrypt-then-MAC, tag truncated to Nt bytes), because
 *   WebCrypto has no AEAD with 4/8/10-byte tags.
 * All CryptoKeys are created non-extractable: once imported, key bytes cannot be read back out of them.
 */

export type AeadKey =
  | { readonly kind: 'gcm'; readonly key: CryptoKey }
  | { readonly kind: 'ctr-hmac'; readonly encKey: CryptoKey; readonly authKey: CryptoKey };

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

/**
 * Imports a raw AEAD key (`sframe_key`, Nk bytes). For CTR+HMAC the key is split as §4.5.1 says: the first
 * Nka bytes are the AES key, the remaining Nh bytes the HMAC key.
 */
export async function importAeadKey(suite: SuiteParams, rawKey: Uint8Array): Promise<AeadKey> {
  if (rawKey.length !== suite.nk) {
    throw new SFrameError('invalid_key', `${suite.name} needs a ${suite.nk}-byte key, got ${rawKey.length}`);
  }
  const raw = ownedView(rawKey);
  if (suite.aead === 'gcm') {
    const key = await subtle().importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
    return { kind: 'gcm', key };
  }
  const [encKey, authKey] = await Promise.all([
    subtle().importKey('raw', raw.subarray(0, suite.nka), { name: 'AES-CTR' }, false, ['encrypt', 'decrypt']),
    subtle().importKey('raw', raw.subarray(suite.nka), { name: 'HMAC', hash: suite.hash }, false, ['sign']),
  ]);
  return { kind: 'ctr-hmac', encKey, authKey };
}

/** §4.4.3: nonce = sframe_salt XOR encode_big_endian(CTR, Nn). CTR < 2^64 only touches the last 8 bytes. */
export function frameNonce(salt: Uint8Array, ctr: bigint): Uint8Array<ArrayBuffer> {
  const nonce = new Uint8Array(salt);
  const end = nonce.length;
  let low = low32(ctr);
  let high = high32(ctr);
  for (let i = end - 1; i >= end - 4; i--) {
    nonce[i] = (nonce[i] ?? 0) ^ (low & 0xff);
    low >>>= 8;
  }
  for (let i = end - 5; i >= end - 8; i--) {
    nonce[i] = (nonce[i] ?? 0) ^ (high & 0xff);
    high >>>= 8;
  }
  return nonce;
}

/** AES-CTR initial counter block: the 12-byte nonce followed by a 32-bit block counter starting at 0. */
function counterBlock(nonce: Uint8Array): Uint8Array<ArrayBuffer> {
  const block = new Uint8Array(16);
  block.set(nonce);
  return block;
}

/** compute_tag of §4.5.1: HMAC(auth_key, len(aad) ‖ len(ct) ‖ Nt ‖ nonce ‖ aad ‖ ct), truncated to Nt. */
async function computeTag(
  suite: SuiteParams,
  authKey: CryptoKey,
  nonce: Uint8Array,
  aad: Uint8Array,
  ct: Uint8Array,
): Promise<Uint8Array> {
  const data = new Uint8Array(24 + nonce.length + aad.length + ct.length);
  const view = new DataView(data.buffer);
  writeU64(view, 0, BigInt(aad.length));
  writeU64(view, 8, BigInt(ct.length));
  writeU64(view, 16, BigInt(suite.nt));
  data.set(nonce, 24);
  data.set(aad, 24 + nonce.length);
  data.set(ct, 24 + nonce.length + aad.length);
  const mac = await subtle().sign('HMAC', authKey, data);
  return new Uint8Array(mac, 0, suite.nt);
}

// The GCM paths return WebCrypto's promise with a single continuation instead of going through async
// functions: at 50 fps per track the extra promise hops were a measurable share of the per-frame cost.

/** AEAD.Encrypt: resolves to ciphertext ‖ tag. */
export function aeadSeal(
  suite: SuiteParams,
  key: AeadKey,
  nonce: Uint8Array<ArrayBuffer>,
  aad: Uint8Array<ArrayBuffer>,
  plaintext: Uint8Array<ArrayBuffer>,
): Promise<ArrayBuffer> {
  if (key.kind === 'gcm') {
    // tagLength defaults to 128, which is Nt for both GCM suites.
    return subtle().encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad }, key.key, plaintext);
  }
  return ctrHmacSeal(suite, key.encKey, key.authKey, nonce, aad, plaintext);
}

async function ctrHmacSeal(
  suite: SuiteParams,
  encKey: CryptoKey,
  authKey: CryptoKey,
  nonce: Uint8Array<ArrayBuffer>,
  aad: Uint8Array<ArrayBuffer>,
  plaintext: Uint8Array<ArrayBuffer>,
): Promise<ArrayBuffer> {
  const ct = new Uint8Array(
    await subtle().encrypt({ name: 'AES-CTR', counter: counterBlock(nonce), length: 32 }, encKey, plaintext),
  );
  const tag = await computeTag(suite, authKey, nonce, aad, ct);
  const out = new Uint8Array(ct.length + tag.length);
  out.set(ct);
  out.set(tag, ct.length);
  return out.buffer;
}

function authenticationFailed(cause?: unknown): SFrameError {
  return new SFrameError('authentication_failed', 'SFrame authentication failed', { cause });
}

/** AEAD.Decrypt: `sealed` is ciphertext ‖ tag; rejects with `authentication_failed` if the tag is wrong. */
export function aeadOpen(
  suite: SuiteParams,
  key: AeadKey,
  nonce: Uint8Array<ArrayBuffer>,
  aad: Uint8Array<ArrayBuffer>,
  sealed: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  if (sealed.length < suite.nt) {
    return Promise.reject(new SFrameError('truncated', `ciphertext shorter than the ${suite.nt}-byte tag`));
  }
  if (key.kind === 'gcm') {
    return subtle()
      .decrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad }, key.key, sealed)
      .then(
        (opened) => new Uint8Array(opened),
        (cause: unknown) => {
          throw authenticationFailed(cause);
        },
      );
  }
  return ctrHmacOpen(suite, key.encKey, key.authKey, nonce, aad, sealed);
}

async function ctrHmacOpen(
  suite: SuiteParams,
  encKey: CryptoKey,
  authKey: CryptoKey,
  nonce: Uint8Array<ArrayBuffer>,
  aad: Uint8Array<ArrayBuffer>,
  sealed: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const ct = sealed.subarray(0, sealed.length - suite.nt);
  const tag = sealed.subarray(sealed.length - suite.nt);
  // Encrypt-then-MAC: the tag is checked before any decryption happens.
  const expected = await computeTag(suite, authKey, nonce, aad, ct);
  if (!constantTimeEqual(expected, tag)) throw authenticationFailed();
  const pt = await subtle().decrypt({ name: 'AES-CTR', counter: counterBlock(nonce), length: 32 }, encKey, ct);
  return new Uint8Array(pt);
}
