import { describe, expect, it } from 'vitest';
import { deriveFrameKeys } from './derive.js';
import { SFrameError } from './errors.js';
import { decryptFrame, encryptFrame } from './frame.js';
import { decodeHeader } from './header.js';
import { AES_128_GCM_SHA256_128, CipherSuite, listCipherSuites } from './suites.js';
import { expectSFrameError, randomBytes } from './test-support/assert.js';

const SUITES = listCipherSuites();
const REJECTIONS = ['truncated', 'malformed_header', 'authentication_failed'] as const;

describe.each(SUITES.map((s) => [s.name, s] as const))('encryptFrame/decryptFrame %s', (_name, suite) => {
  const baseKey = randomBytes(16);
  const metadata = Uint8Array.of(0xde, 0xad, 0xbe, 0xef);

  it('round-trips empty, small and 1200-byte frames with and without metadata', async () => {
    const cases = [
      { kid: 0, ctr: 0, pt: new Uint8Array(0) },
      { kid: 7, ctr: 7, pt: randomBytes(1) },
      { kid: 0x123n, ctr: 0x4567n, pt: randomBytes(1200) },
      { kid: 0xffff_ffff_ffff_ffffn, ctr: 0xffff_ffff_ffff_ffffn, pt: randomBytes(33) },
    ];
    for (const c of cases) {
      for (const md of [undefined, metadata]) {
        const sframe = await encryptFrame({
          cipherSuite: suite.id,
          baseKey,
          kid: c.kid,
          ctr: c.ctr,
          plaintext: c.pt,
          ...(md ? { metadata: md } : {}),
        });
        const header = decodeHeader(sframe);
        expect(sframe.length).toBe(header.length + c.pt.length + suite.nt);
        const opened = await decryptFrame({ cipherSuite: suite.id, baseKey, sframe, ...(md ? { metadata: md } : {}) });
        expect(opened.kid).toBe(BigInt(c.kid));
        expect(opened.ctr).toBe(BigInt(c.ctr));
        expect(opened.plaintext).toEqual(c.pt);
      }
    }
  });

  it('rejects a flip of any bit pattern in any byte (header, ciphertext, tag)', async () => {
    const plaintext = randomBytes(48);
    const sframe = await encryptFrame({
      cipherSuite: suite.id,
      baseKey,
      kid: 0x1234,
      ctr: 0x56789a,
      metadata,
      plaintext,
    });
    for (let i = 0; i < sframe.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const tampered = new Uint8Array(sframe);
        tampered[i] = (tampered[i] ?? 0) ^ mask;
        await expectSFrameError(
          decryptFrame({ cipherSuite: suite.id, baseKey, metadata, sframe: tampered }),
          REJECTIONS,
        );
      }
    }
  });

  it('rejects tampered, missing or extended metadata', async () => {
    const sframe = await encryptFrame({
      cipherSuite: suite.id,
      baseKey,
      kid: 9,
      ctr: 10,
      metadata,
      plaintext: randomBytes(20),
    });
    for (let i = 0; i < metadata.length; i++) {
      const md = new Uint8Array(metadata);
      md[i] = (md[i] ?? 0) ^ 0x01;
      await expectSFrameError(
        decryptFrame({ cipherSuite: suite.id, baseKey, metadata: md, sframe }),
        'authentication_failed',
      );
    }
    await expectSFrameError(decryptFrame({ cipherSuite: suite.id, baseKey, sframe }), 'authentication_failed');
    const longer = new Uint8Array([...metadata, 0]);
    await expectSFrameError(
      decryptFrame({ cipherSuite: suite.id, baseKey, metadata: longer, sframe }),
      'authentication_failed',
    );
  });

  it('rejects every truncation', async () => {
    const sframe = await encryptFrame({
      cipherSuite: suite.id,
      baseKey,
      kid: 300,
      ctr: 70_000,
      plaintext: randomBytes(24),
    });
    for (let length = 0; length < sframe.length; length++) {
      await expectSFrameError(
        decryptFrame({ cipherSuite: suite.id, baseKey, sframe: sframe.slice(0, length) }),
        REJECTIONS,
      );
    }
    // Shorter than header + tag is reported as truncation without touching a key.
    const header = decodeHeader(sframe);
    await expectSFrameError(
      decryptFrame({ cipherSuite: suite.id, baseKey, sframe: sframe.slice(0, header.length + suite.nt - 1) }),
      'truncated',
    );
  });

  it('rejects a wrong base key and a different cipher suite', async () => {
    const sframe = await encryptFrame({ cipherSuite: suite.id, baseKey, kid: 1, ctr: 2, plaintext: randomBytes(40) });
    await expectSFrameError(
      decryptFrame({ cipherSuite: suite.id, baseKey: randomBytes(16), sframe }),
      'authentication_failed',
    );
    const other = suite.id === AES_128_GCM_SHA256_128 ? CipherSuite.AES_256_GCM_SHA512_128 : AES_128_GCM_SHA256_128;
    await expectSFrameError(decryptFrame({ cipherSuite: other, baseKey, sframe }), REJECTIONS);
  });
});

describe('encryptFrame/decryptFrame arguments and key cache', () => {
  it('gives distinct ciphertexts for distinct CTRs and identical ones for identical inputs', async () => {
    const baseKey = randomBytes(16);
    const plaintext = randomBytes(32);
    const a = await encryptFrame({ cipherSuite: 4, baseKey, kid: 1, ctr: 1, plaintext });
    const b = await encryptFrame({ cipherSuite: 4, baseKey, kid: 1, ctr: 2, plaintext });
    const c = await encryptFrame({ cipherSuite: 4, baseKey: new Uint8Array(baseKey), kid: 1, ctr: 1, plaintext });
    expect(a.subarray(2)).not.toEqual(b.subarray(2));
    expect(c).toEqual(a);
  });

  it('notices a base key array rewritten in place (no stale cached keys)', async () => {
    const baseKey = randomBytes(16);
    const plaintext = randomBytes(16);
    const first = await encryptFrame({ cipherSuite: 4, baseKey, kid: 5, ctr: 0, plaintext });
    baseKey.set(randomBytes(16));
    const second = await encryptFrame({ cipherSuite: 4, baseKey, kid: 5, ctr: 0, plaintext });
    expect(second).not.toEqual(first);
    await expect(decryptFrame({ cipherSuite: 4, baseKey, sframe: second })).resolves.toMatchObject({ kid: 5n });
    await expectSFrameError(decryptFrame({ cipherSuite: 4, baseKey, sframe: first }), 'authentication_failed');
  });

  it('accepts a non-extractable HKDF CryptoKey as base key, matching the raw-bytes result', async () => {
    const raw = randomBytes(32);
    const key = await crypto.subtle.importKey('raw', raw, 'HKDF', false, ['deriveBits', 'deriveKey']);
    const plaintext = randomBytes(50);
    for (const cipherSuite of [1, 4, 5]) {
      const fromKey = await encryptFrame({ cipherSuite, baseKey: key, kid: 77, ctr: 3, plaintext });
      const fromRaw = await encryptFrame({ cipherSuite, baseKey: raw, kid: 77, ctr: 3, plaintext });
      expect(fromKey).toEqual(fromRaw);
    }
    // A key restricted to deriveBits works too (GCM then derives bits and imports them).
    const bitsOnly = await crypto.subtle.importKey('raw', raw, 'HKDF', false, ['deriveBits']);
    const fromBitsOnly = await encryptFrame({ cipherSuite: 4, baseKey: bitsOnly, kid: 77, ctr: 3, plaintext });
    expect(fromBitsOnly).toEqual(await encryptFrame({ cipherSuite: 4, baseKey: raw, kid: 77, ctr: 3, plaintext }));
  });

  it('holds derived keys only as non-extractable CryptoKeys', async () => {
    for (const suite of SUITES) {
      const keys = await deriveFrameKeys(suite, randomBytes(16), 1);
      const cryptoKeys = keys.aead.kind === 'gcm' ? [keys.aead.key] : [keys.aead.encKey, keys.aead.authKey];
      for (const key of cryptoKeys) expect(key.extractable).toBe(false);
    }
  });

  it('rejects bad arguments with typed errors', async () => {
    const baseKey = randomBytes(16);
    const plaintext = randomBytes(4);
    await expectSFrameError(
      encryptFrame({ cipherSuite: 0, baseKey, kid: 0, ctr: 0, plaintext }),
      'unsupported_cipher_suite',
    );
    await expectSFrameError(
      encryptFrame({ cipherSuite: 0xf000, baseKey, kid: 0, ctr: 0, plaintext }),
      'unsupported_cipher_suite',
    );
    await expectSFrameError(
      encryptFrame({ cipherSuite: 4, baseKey: randomBytes(8), kid: 0, ctr: 0, plaintext }),
      'invalid_key',
    );
    const aesKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt']);
    await expectSFrameError(
      encryptFrame({ cipherSuite: 4, baseKey: aesKey, kid: 0, ctr: 0, plaintext }),
      'invalid_key',
    );
    await expectSFrameError(encryptFrame({ cipherSuite: 4, baseKey, kid: -1, ctr: 0, plaintext }), 'invalid_argument');
    await expectSFrameError(
      encryptFrame({ cipherSuite: 4, baseKey, kid: 0, ctr: 1n << 64n, plaintext }),
      'invalid_argument',
    );
    await expectSFrameError(
      encryptFrame({ cipherSuite: 4, baseKey, kid: 0, ctr: 2 ** 60, plaintext }),
      'invalid_argument',
    );
    const error = await expectSFrameError(
      decryptFrame({ cipherSuite: 4, baseKey, sframe: 'x' as unknown as Uint8Array }),
      'invalid_argument',
    );
    expect(error).toBeInstanceOf(SFrameError);
  });
});
