import { type AeadKey, importAeadKey } from './aead.js';
import { ownedView, toU64, writeU64 } from './bytes.js';
import { SFrameError } from './errors.js';
import type { SuiteParams } from './suites.js';

/**
 * Key derivation, RFC 9605 §4.4.2:
 *
 *   sframe_secret = HKDF-Extract("", base_key)
 *   sframe_key    = HKDF-Expand(sframe_secret, "SFrame 1.0 Secret key "  + KID + cipher_suite, AEAD.Nk)
 *   sframe_salt   = HKDF-Expand(sframe_secret, "SFrame 1.0 Secret salt " + KID + cipher_suite, AEAD.Nn)
 *
 * with KID as 8 big-endian bytes and cipher_suite as 2. WebCrypto's HKDF performs Extract and Expand in one
 * call; an empty salt is what RFC 5869 prescribes for "no salt" (HMAC pads it to HashLen zero bytes).
 */

/** Keys for one (base_key, KID, suite): all the per-frame work needs. */
export interface FrameKeys {
  readonly suite: SuiteParams;
  readonly kid: bigint;
  /** sframe_salt; not a key (it only whitens the nonce), so it is kept as bytes. */
  readonly salt: Uint8Array<ArrayBuffer>;
  readonly aead: AeadKey;
}

/** Smallest accepted base_key: below 128 bits the derived keys could not carry the suite's strength. */
export const MIN_BASE_KEY_LENGTH = 16;

const KEY_LABEL = new TextEncoder().encode('SFrame 1.0 Secret key ');
const SALT_LABEL = new TextEncoder().encode('SFrame 1.0 Secret salt ');
const EMPTY = new Uint8Array(0);

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

/** Builds `prefix + KID (u64) + cipher_suite (u16)`. */
export function derivationLabel(kind: 'key' | 'salt', kid: number | bigint, suiteId: number): Uint8Array<ArrayBuffer> {
  const prefix = kind === 'key' ? KEY_LABEL : SALT_LABEL;
  const label = new Uint8Array(prefix.length + 10);
  label.set(prefix);
  const view = new DataView(label.buffer);
  writeU64(view, prefix.length, toU64(kid, 'kid'));
  view.setUint16(prefix.length + 8, suiteId);
  return label;
}

/**
 * Turns a base key into a non-extractable HKDF key. A CryptoKey is accepted as is so that a caller holding
 * the MLS exporter output as a CryptoKey never needs raw bytes.
 */
export async function importBaseKey(baseKey: Uint8Array | CryptoKey): Promise<CryptoKey> {
  if (baseKey instanceof Uint8Array) {
    if (baseKey.length < MIN_BASE_KEY_LENGTH) {
      throw new SFrameError('invalid_key', `base key must be at least ${MIN_BASE_KEY_LENGTH} bytes`);
    }
    return subtle().importKey('raw', ownedView(baseKey), 'HKDF', false, ['deriveBits', 'deriveKey']);
  }
  if (
    typeof CryptoKey !== 'undefined' &&
    baseKey instanceof CryptoKey &&
    baseKey.algorithm.name === 'HKDF' &&
    baseKey.usages.includes('deriveBits')
  ) {
    return baseKey;
  }
  throw new SFrameError('invalid_key', 'base key must be a Uint8Array or an HKDF CryptoKey with deriveBits');
}

function hkdfParams(suite: SuiteParams, info: Uint8Array<ArrayBuffer>): HkdfParams {
  return { name: 'HKDF', hash: suite.hash, salt: EMPTY, info };
}

/**
 * Raw sframe_key and sframe_salt. Only the conformance tests need the key bytes; the frame path uses
 * `deriveFrameKeys`, which keeps them inside WebCrypto whenever the suite allows.
 */
export async function deriveKeyMaterial(
  suite: SuiteParams,
  baseKey: CryptoKey,
  kid: number | bigint,
): Promise<{ key: Uint8Array<ArrayBuffer>; salt: Uint8Array<ArrayBuffer> }> {
  const [key, salt] = await Promise.all([
    subtle().deriveBits(hkdfParams(suite, derivationLabel('key', kid, suite.id)), baseKey, suite.nk * 8),
    subtle().deriveBits(hkdfParams(suite, derivationLabel('salt', kid, suite.id)), baseKey, suite.nn * 8),
  ]);
  return { key: new Uint8Array(key), salt: new Uint8Array(salt) };
}

async function deriveAeadKey(suite: SuiteParams, hkdfKey: CryptoKey, kid: bigint): Promise<AeadKey> {
  const params = hkdfParams(suite, derivationLabel('key', kid, suite.id));
  if (suite.aead === 'gcm' && hkdfKey.usages.includes('deriveKey')) {
    // HKDF-Expand straight into a non-extractable AES-GCM key: the key bytes never reach JavaScript.
    const key = await subtle().deriveKey(params, hkdfKey, { name: 'AES-GCM', length: suite.nk * 8 }, false, [
      'encrypt',
      'decrypt',
    ]);
    return { kind: 'gcm', key };
  }
  // The CTR+HMAC key is split by byte position (§4.5.1), which deriveKey cannot express (nor can a caller's
  // HKDF key limited to deriveBits): derive the bytes, import them, then wipe the transient copy.
  const raw = new Uint8Array(await subtle().deriveBits(params, hkdfKey, suite.nk * 8));
  try {
    return await importAeadKey(suite, raw);
  } finally {
    raw.fill(0);
  }
}

export async function deriveFrameKeys(
  suite: SuiteParams,
  baseKey: Uint8Array | CryptoKey,
  kid: number | bigint,
): Promise<FrameKeys> {
  const k = toU64(kid, 'kid');
  const hkdfKey = await importBaseKey(baseKey);
  try {
    const [salt, aead] = await Promise.all([
      subtle().deriveBits(hkdfParams(suite, derivationLabel('salt', k, suite.id)), hkdfKey, suite.nn * 8),
      deriveAeadKey(suite, hkdfKey, k),
    ]);
    return { suite, kid: k, salt: new Uint8Array(salt), aead };
  } catch (cause) {
    // WebCrypto reports unusable keys as DOMExceptions; callers get the same typed error as everywhere else.
    if (cause instanceof SFrameError) throw cause;
    throw new SFrameError('invalid_key', 'cannot derive SFrame keys from this base key', { cause });
  }
}
