import { describe, expect, it } from 'vitest';
import { aeadOpen, aeadSeal, frameNonce, importAeadKey } from './aead.js';
import { derivationLabel, deriveKeyMaterial, importBaseKey } from './derive.js';
import { decryptFrame, encryptFrame } from './frame.js';
import { decodeHeader, encodeHeader } from './header.js';
import { getSuite } from './suites.js';
import { hex, loadVectors, parseVectors, toHex } from './test-support/vectors.js';

// CI clones the repo with ../shared beside it, so this path holds from the test file's location.
const VECTORS_URL = new URL('../../../../../shared/vectors/sframe-rfc9605.json', import.meta.url);
const vectors = loadVectors(VECTORS_URL);

describe('RFC 9605 test vector file', () => {
  it('has every section, with 64-bit KID/CTR values read exactly', () => {
    expect(vectors.header).toHaveLength(289);
    expect(vectors.aes_ctr_hmac).toHaveLength(3);
    expect(vectors.aes_256_ctr_hmac).toHaveLength(3);
    expect(vectors.sframe).toHaveLength(5);
    const last = vectors.header.at(-1);
    expect(last?.kid).toBe(0xffff_ffff_ffff_ffffn);
    expect(last?.ctr).toBe(0xffff_ffff_ffff_ffffn);
    // 2^56 would round to a different double: proves the values never went through a JS number.
    expect(vectors.header.some((v) => v.ctr === 72057594037927935n)).toBe(true);
  });

  it('parses big integers without rounding', () => {
    const parsed = parseVectors('{"header":[{"kid": 18446744073709551615,"ctr":9007199254740993,"encoded":"x"}]}');
    expect(parsed.header[0]?.kid).toBe(18446744073709551615n);
    expect(parsed.header[0]?.ctr).toBe(9007199254740993n);
  });
});

describe('header vectors (§4.3, Appendix C.1)', () => {
  it.each(vectors.header.map((v) => [`kid=${v.kid} ctr=${v.ctr}`, v] as const))('%s', (_name, v) => {
    expect(toHex(encodeHeader(v.kid, v.ctr))).toBe(v.encoded);
    const bytes = hex(v.encoded);
    const decoded = decodeHeader(bytes);
    expect(decoded).toEqual({ kid: v.kid, ctr: v.ctr, length: bytes.length });
    // The header is a prefix: trailing ciphertext must not change how it parses.
    const withBody = new Uint8Array([...bytes, 0xaa, 0xbb]);
    expect(decodeHeader(withBody)).toEqual({ kid: v.kid, ctr: v.ctr, length: bytes.length });
  });
});

describe.each([
  ['AES-CTR+HMAC vectors (§4.5.1, Appendix C.2)', vectors.aes_ctr_hmac],
  ['AES-256-CTR+HMAC vectors (draft-barnes-sframe-iana-256)', vectors.aes_256_ctr_hmac],
] as const)('%s', (_title, list) => {
  it.each(list.map((v) => [`suite ${v.cipher_suite}`, v] as const))('%s', async (_name, v) => {
    const suite = getSuite(v.cipher_suite);
    const key = hex(v.key);
    expect(toHex(key.subarray(0, suite.nka))).toBe(v.enc_key);
    expect(toHex(key.subarray(suite.nka))).toBe(v.auth_key);
    const aead = await importAeadKey(suite, key);
    const sealed = new Uint8Array(await aeadSeal(suite, aead, hex(v.nonce), hex(v.aad), hex(v.pt)));
    expect(toHex(sealed)).toBe(v.ct);
    const opened = await aeadOpen(suite, aead, hex(v.nonce), hex(v.aad), hex(v.ct));
    expect(toHex(opened)).toBe(v.pt);
  });
});

/** HKDF-Extract(salt = "", ikm) = HMAC-Hash(HashLen zero bytes, ikm) (RFC 5869 §2.2). */
async function hkdfExtract(hash: 'SHA-256' | 'SHA-512', nh: number, ikm: Uint8Array<ArrayBuffer>): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new Uint8Array(nh), { name: 'HMAC', hash }, false, ['sign']);
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, ikm)));
}

describe('SFrame vectors (§4.4, Appendix C.3)', () => {
  it.each(vectors.sframe.map((v) => [`suite ${v.cipher_suite}`, v] as const))('%s', async (_name, v) => {
    const suite = getSuite(v.cipher_suite);
    const baseKey = hex(v.base_key);
    expect(toHex(derivationLabel('key', v.kid, suite.id))).toBe(v.sframe_key_label);
    expect(toHex(derivationLabel('salt', v.kid, suite.id))).toBe(v.sframe_salt_label);
    expect(await hkdfExtract(suite.hash, suite.nh, baseKey)).toBe(v.sframe_secret);

    const material = await deriveKeyMaterial(suite, await importBaseKey(baseKey), v.kid);
    expect(toHex(material.key)).toBe(v.sframe_key);
    expect(toHex(material.salt)).toBe(v.sframe_salt);
    expect(toHex(frameNonce(material.salt, v.ctr))).toBe(v.nonce);
    expect(toHex(encodeHeader(v.kid, v.ctr)) + v.metadata).toBe(v.aad);

    const sframe = await encryptFrame({
      cipherSuite: v.cipher_suite,
      baseKey,
      kid: v.kid,
      ctr: v.ctr,
      metadata: hex(v.metadata),
      plaintext: hex(v.pt),
    });
    expect(toHex(sframe)).toBe(v.ct);

    const opened = await decryptFrame({
      cipherSuite: v.cipher_suite,
      baseKey,
      metadata: hex(v.metadata),
      sframe: hex(v.ct),
    });
    expect(opened.kid).toBe(v.kid);
    expect(opened.ctr).toBe(v.ctr);
    expect(toHex(opened.plaintext)).toBe(v.pt);
  });
});
