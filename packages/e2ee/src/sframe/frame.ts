import { aeadOpen, aeadSeal, frameNonce } from './aead.js';
import { concatBytes, constantTimeEqual, ownedView, requireBytes, toU64 } from './bytes.js';
import { deriveFrameKeys, type FrameKeys, importBaseKey } from './derive.js';
import { SFrameError } from './errors.js';
import { type DecodedHeader, decodeHeader, encodeHeader } from './header.js';
import { type CipherSuiteId, getSuite, type SuiteParams } from './suites.js';

/**
 * SFrame encryption and decryption, RFC 9605 §4.4.3–§4.4.4, plus the stateless conformance API
 * (`encryptFrame` / `decryptFrame`). Stateful concerns — counters, replay, key lifetime — live in
 * `SFrameContext`; this module only turns (keys, KID, CTR, metadata, bytes) into bytes and back.
 */

const EMPTY = new Uint8Array(0);

/** A base key as raw bytes, or as a non-extractable HKDF CryptoKey (e.g. straight from an MLS exporter). */
export type BaseKey = Uint8Array | CryptoKey;

/** AAD = header ‖ metadata (§4.4.3). Without metadata the header itself is the AAD: no copy. */
function frameAad(header: Uint8Array<ArrayBuffer>, metadata: Uint8Array): Uint8Array<ArrayBuffer> {
  return metadata.length === 0 ? header : concatBytes(header, metadata);
}

/**
 * Encrypts one frame with already-derived keys; resolves to header ‖ ciphertext ‖ tag. Inputs must already
 * be validated (this is the hot path; `encryptFrame` and `SFrameContext.protect` do the checking).
 */
export function sealFrame(
  keys: FrameKeys,
  ctr: bigint,
  metadata: Uint8Array,
  plaintext: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const header = encodeHeader(keys.kid, ctr);
  const nonce = frameNonce(keys.salt, ctr);
  return aeadSeal(keys.suite, keys.aead, nonce, frameAad(header, metadata), ownedView(plaintext)).then((sealed) => {
    const out = new Uint8Array(header.length + sealed.byteLength);
    out.set(header);
    out.set(new Uint8Array(sealed), header.length);
    return out;
  });
}

export interface ParsedFrame extends DecodedHeader {
  readonly header: Uint8Array<ArrayBuffer>;
  readonly body: Uint8Array<ArrayBuffer>;
}

/**
 * Splits an SFrame ciphertext into header and body without touching any key, so malformed or truncated
 * input is rejected before a key lookup or derivation is spent on it.
 */
export function parseFrame(suite: SuiteParams, sframe: Uint8Array): ParsedFrame {
  const bytes = ownedView(requireBytes(sframe, 'sframe'));
  const { kid, ctr, length } = decodeHeader(bytes);
  if (bytes.length - length < suite.nt) {
    throw new SFrameError('truncated', `SFrame body shorter than the ${suite.nt}-byte tag`);
  }
  return { kid, ctr, length, header: bytes.subarray(0, length), body: bytes.subarray(length) };
}

/** Decrypts a parsed frame with keys derived for its KID. */
export function openFrame(keys: FrameKeys, frame: ParsedFrame, metadata: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const nonce = frameNonce(keys.salt, frame.ctr);
  return aeadOpen(keys.suite, keys.aead, nonce, frameAad(frame.header, metadata), frame.body);
}

// ---------------------------------------------------------------------------------------------------------
// Derived-key cache for the stateless API. Deriving costs two HKDF calls plus imports — far more than
// sealing a 1 kB frame — so keys are cached per (baseKey object, suite, KID). The cache is a WeakMap keyed
// by the caller's own Uint8Array/CryptoKey, so it never outlives the caller's key and never holds a key
// the caller has dropped. A byte snapshot guards against a caller reusing the same array for a new key.

interface CacheEntry {
  readonly snapshot: Uint8Array | undefined;
  readonly hkdfKey: Promise<CryptoKey>;
  readonly keys: Map<string, Promise<FrameKeys>>;
}

/** Bound on (suite, KID) pairs per base key, so a caller cycling through KIDs cannot grow memory. */
const MAX_KEYS_PER_BASE_KEY = 256;
const cache = new WeakMap<object, CacheEntry>();

function cacheEntry(baseKey: BaseKey): CacheEntry {
  const existing = cache.get(baseKey);
  if (existing && (existing.snapshot === undefined || constantTimeEqual(existing.snapshot, baseKey as Uint8Array))) {
    return existing;
  }
  const hkdfKey = importBaseKey(baseKey);
  const entry: CacheEntry = {
    snapshot: baseKey instanceof Uint8Array ? new Uint8Array(baseKey) : undefined,
    hkdfKey,
    keys: new Map(),
  };
  cache.set(baseKey, entry);
  hkdfKey.catch(() => {
    if (cache.get(baseKey) === entry) cache.delete(baseKey);
  });
  return entry;
}

/** Keys for (baseKey, suite, KID), derived once and then served from the cache. */
export function cachedFrameKeys(suite: SuiteParams, baseKey: BaseKey, kid: bigint): Promise<FrameKeys> {
  if (!(baseKey instanceof Uint8Array) && (typeof CryptoKey === 'undefined' || !(baseKey instanceof CryptoKey))) {
    return Promise.reject(new SFrameError('invalid_key', 'baseKey must be a Uint8Array or a CryptoKey'));
  }
  const entry = cacheEntry(baseKey);
  const id = `${suite.id}:${kid}`;
  const hit = entry.keys.get(id);
  if (hit) return hit;
  const derived = entry.hkdfKey.then((hkdfKey) => deriveFrameKeys(suite, hkdfKey, kid));
  entry.keys.set(id, derived);
  derived.catch(() => {
    if (entry.keys.get(id) === derived) entry.keys.delete(id);
  });
  if (entry.keys.size > MAX_KEYS_PER_BASE_KEY) {
    const oldest = entry.keys.keys().next().value;
    if (oldest !== undefined) entry.keys.delete(oldest);
  }
  return derived;
}

export interface EncryptFrameParams {
  cipherSuite: CipherSuiteId | number;
  baseKey: BaseKey;
  kid: number | bigint;
  ctr: number | bigint;
  metadata?: Uint8Array;
  plaintext: Uint8Array;
}

export interface DecryptFrameParams {
  cipherSuite: CipherSuiteId | number;
  baseKey: BaseKey;
  metadata?: Uint8Array;
  sframe: Uint8Array;
}

export interface DecryptedFrame {
  kid: bigint;
  ctr: bigint;
  plaintext: Uint8Array;
}

/**
 * Stateless SFrame encryption. The caller owns (KID, CTR) uniqueness — RFC 9605 §9.1 — which is exactly what
 * `SFrameContext` adds; use this directly only for conformance work or with counters managed elsewhere.
 */
export async function encryptFrame(params: EncryptFrameParams): Promise<Uint8Array> {
  const suite = getSuite(params.cipherSuite);
  const kid = toU64(params.kid, 'kid');
  const ctr = toU64(params.ctr, 'ctr');
  const metadata = requireBytes(params.metadata ?? EMPTY, 'metadata');
  const plaintext = requireBytes(params.plaintext, 'plaintext');
  const keys = await cachedFrameKeys(suite, params.baseKey, kid);
  return sealFrame(keys, ctr, metadata, plaintext);
}

/** Stateless SFrame decryption; rejects with an `SFrameError` on any malformed, truncated or forged input. */
export async function decryptFrame(params: DecryptFrameParams): Promise<DecryptedFrame> {
  const suite = getSuite(params.cipherSuite);
  const metadata = requireBytes(params.metadata ?? EMPTY, 'metadata');
  const frame = parseFrame(suite, params.sframe);
  const keys = await cachedFrameKeys(suite, params.baseKey, frame.kid);
  const plaintext = await openFrame(keys, frame, metadata);
  return { kid: frame.kid, ctr: frame.ctr, plaintext };
}
