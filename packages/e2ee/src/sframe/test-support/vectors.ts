import { readFileSync } from 'node:fs';

/**
 * Loader for the RFC 9605 test vectors (`../shared/vectors/sframe-rfc9605.json` beside the repository, the SFrame working group's
 * test-vectors.json). Several KID/CTR values exceed 2^53, and JSON.parse would round them silently; Node 20
 * has no reviver `context.source`, so the integer literals of "kid" and "ctr" are quoted before parsing and
 * read back as bigint.
 */

export interface HeaderVector {
  kid: bigint;
  ctr: bigint;
  encoded: string;
}

export interface AeadVector {
  cipher_suite: number;
  key: string;
  enc_key: string;
  auth_key: string;
  nonce: string;
  aad: string;
  pt: string;
  ct: string;
}

export interface SFrameVector {
  cipher_suite: number;
  kid: bigint;
  ctr: bigint;
  base_key: string;
  sframe_key_label: string;
  sframe_salt_label: string;
  sframe_secret: string;
  sframe_key: string;
  sframe_salt: string;
  metadata: string;
  nonce: string;
  aad: string;
  pt: string;
  ct: string;
}

export interface Rfc9605Vectors {
  header: HeaderVector[];
  aes_ctr_hmac: AeadVector[];
  aes_256_ctr_hmac: AeadVector[];
  sframe: SFrameVector[];
}

/** Quotes the integer literals of "kid"/"ctr" so they survive JSON.parse exactly. */
export function quoteBigIntFields(json: string): string {
  return json.replace(/"(kid|ctr)"(\s*):(\s*)(-?\d+)(?=\s*[,}\]])/g, '"$1"$2:$3"$4"');
}

export function parseVectors(json: string): Rfc9605Vectors {
  return JSON.parse(quoteBigIntFields(json), (key, value) => {
    if ((key === 'kid' || key === 'ctr') && typeof value === 'string') return BigInt(value);
    return value;
  }) as Rfc9605Vectors;
}

export function loadVectors(url: URL): Rfc9605Vectors {
  return parseVectors(readFileSync(url, 'utf8'));
}

export function hex(value: string): Uint8Array<ArrayBuffer> {
  if (value.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(value)) throw new Error(`bad hex: ${value}`);
  const out = new Uint8Array(value.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(value.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
