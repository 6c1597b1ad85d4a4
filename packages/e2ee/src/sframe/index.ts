// Public SFrame (RFC 9605) surface of @parley/e2ee. Internals (raw key derivation, AEAD helpers, cache)
// stay unexported so that no API hands out key bytes.
export {
  DEFAULT_EPOCH_GRACE_MS,
  type ReceiverKeyOptions,
  SFrameContext,
  type SFrameContextOptions,
  type UnprotectedFrame,
} from './context.js';
export { isSFrameError, SFrameError, type SFrameErrorCode } from './errors.js';
export {
  type BaseKey,
  type DecryptedFrame,
  type DecryptFrameParams,
  decryptFrame,
  type EncryptFrameParams,
  encryptFrame,
} from './frame.js';
export { type DecodedHeader, decodeHeader, encodeHeader, MAX_HEADER_LENGTH, type SFrameHeader } from './header.js';
export { DEFAULT_REPLAY_WINDOW, type ReplayVerdict, ReplayWindow } from './replay-window.js';
export {
  AES_128_CTR_HMAC_SHA256_32,
  AES_128_CTR_HMAC_SHA256_64,
  AES_128_CTR_HMAC_SHA256_80,
  AES_128_GCM_SHA256_128,
  AES_256_GCM_SHA512_128,
  CipherSuite,
  type CipherSuiteId,
  DEFAULT_CIPHER_SUITE,
  getSuite,
  isCipherSuiteId,
  listCipherSuites,
  type SuiteParams,
} from './suites.js';
