import { SFrameError } from './errors.js';

/**
 * SFrame cipher suite identifiers (RFC 9605 §8.1, IANA "SFrame Cipher Suites").
 *
 * 0x0006–0x0008 are not in RFC 9605: they are the AES-256 counterparts of the CTR+HMAC suites proposed by
 * draft-barnes-sframe-iana-256 and used by the SFrame working group's reference implementation and test
 * vectors. They are supported so the shared vector file is covered end to end; prefer the RFC suites for
 * interoperability until the draft is published.
 */
export const CipherSuite = {
  AES_128_CTR_HMAC_SHA256_80: 0x0001,
  AES_128_CTR_HMAC_SHA256_64: 0x0002,
  AES_128_CTR_HMAC_SHA256_32: 0x0003,
  AES_128_GCM_SHA256_128: 0x0004,
  AES_256_GCM_SHA512_128: 0x0005,
  AES_256_CTR_HMAC_SHA512_80: 0x0006,
  AES_256_CTR_HMAC_SHA512_64: 0x0007,
  AES_256_CTR_HMAC_SHA512_32: 0x0008,
} as const;

export type CipherSuiteId = (typeof CipherSuite)[keyof typeof CipherSuite];

export const AES_128_CTR_HMAC_SHA256_80 = CipherSuite.AES_128_CTR_HMAC_SHA256_80;
export const AES_128_CTR_HMAC_SHA256_64 = CipherSuite.AES_128_CTR_HMAC_SHA256_64;
export const AES_128_CTR_HMAC_SHA256_32 = CipherSuite.AES_128_CTR_HMAC_SHA256_32;
export const AES_128_GCM_SHA256_128 = CipherSuite.AES_128_GCM_SHA256_128;
export const AES_256_GCM_SHA512_128 = CipherSuite.AES_256_GCM_SHA512_128;

/** The suite Parley uses unless a group selects another (docs/architecture.md §5.3). */
export const DEFAULT_CIPHER_SUITE: CipherSuiteId = CipherSuite.AES_128_GCM_SHA256_128;

/** Constants of RFC 9605 §4.4 / §4.5 for one suite. Sizes are in bytes. */
export interface SuiteParams {
  readonly id: CipherSuiteId;
  readonly name: keyof typeof CipherSuite;
  /** 'gcm' is plain AES-GCM; 'ctr-hmac' is the §4.5.1 encrypt-then-MAC construction. */
  readonly aead: 'gcm' | 'ctr-hmac';
  /** Hash for HKDF and, for ctr-hmac, for the HMAC tag. */
  readonly hash: 'SHA-256' | 'SHA-512';
  readonly nh: number;
  /** AES key size inside a ctr-hmac key (Nka); for GCM it equals nk. */
  readonly nka: number;
  readonly nk: number;
  readonly nn: number;
  readonly nt: number;
  /** True when the suite is registered by RFC 9605 itself. */
  readonly rfc9605: boolean;
}

function ctrHmac(name: keyof typeof CipherSuite, aesBytes: 16 | 32, nt: number, rfc9605: boolean): SuiteParams {
  const nh = aesBytes === 16 ? 32 : 64;
  return {
    id: CipherSuite[name],
    name,
    aead: 'ctr-hmac',
    hash: aesBytes === 16 ? 'SHA-256' : 'SHA-512',
    nh,
    nka: aesBytes,
    nk: aesBytes + nh,
    nn: 12,
    nt,
    rfc9605,
  };
}

const SUITES: ReadonlyMap<number, SuiteParams> = new Map<number, SuiteParams>([
  [0x0001, ctrHmac('AES_128_CTR_HMAC_SHA256_80', 16, 10, true)],
  [0x0002, ctrHmac('AES_128_CTR_HMAC_SHA256_64', 16, 8, true)],
  [0x0003, ctrHmac('AES_128_CTR_HMAC_SHA256_32', 16, 4, true)],
  [
    0x0004,
    {
      id: 0x0004,
      name: 'AES_128_GCM_SHA256_128',
      aead: 'gcm',
      hash: 'SHA-256',
      nh: 32,
      nka: 16,
      nk: 16,
      nn: 12,
      nt: 16,
      rfc9605: true,
    },
  ],
  [
    0x0005,
    {
      id: 0x0005,
      name: 'AES_256_GCM_SHA512_128',
      aead: 'gcm',
      hash: 'SHA-512',
      nh: 64,
      nka: 32,
      nk: 32,
      nn: 12,
      nt: 16,
      rfc9605: true,
    },
  ],
  [0x0006, ctrHmac('AES_256_CTR_HMAC_SHA512_80', 32, 10, false)],
  [0x0007, ctrHmac('AES_256_CTR_HMAC_SHA512_64', 32, 8, false)],
  [0x0008, ctrHmac('AES_256_CTR_HMAC_SHA512_32', 32, 4, false)],
]);

export function isCipherSuiteId(value: unknown): value is CipherSuiteId {
  return typeof value === 'number' && SUITES.has(value);
}

export function getSuite(id: number): SuiteParams {
  const suite = typeof id === 'number' ? SUITES.get(id) : undefined;
  if (!suite) {
    throw new SFrameError('unsupported_cipher_suite', `unsupported SFrame cipher suite ${String(id)}`);
  }
  return suite;
}

export function listCipherSuites(): SuiteParams[] {
  return [...SUITES.values()];
}
