/**
 * Every failure of the SFrame layer surfaces as an `SFrameError` with a stable `code`, so callers (the
 * encoded-transform worker in particular) can decide what to do — drop the frame silently, buffer it until
 * a key arrives, or ask for a rekey — without parsing messages.
 */
export type SFrameErrorCode =
  /** The input ends before the header or the authentication tag is complete. */
  | 'truncated'
  /** The header is not a valid, minimally encoded RFC 9605 §4.3 header. */
  | 'malformed_header'
  /** The tag did not verify: tampering, wrong key, or wrong metadata. */
  | 'authentication_failed'
  /** No receive key is installed (or it expired) for the frame's KID. */
  | 'unknown_key'
  /** The frame's CTR was already accepted for this KID, or lies behind the replay window. */
  | 'replay'
  /** The sender's counter space (or configured frame budget) for this KID is used up: rekey. */
  | 'counter_exhausted'
  /** `protect` was called before any sender key was installed. */
  | 'no_sender_key'
  /** A KID was offered for both sending and receiving (RFC 9605 §4.4.1 forbids it). */
  | 'key_usage'
  /** A receive key was offered for an epoch whose grace period already ended. */
  | 'stale_epoch'
  | 'unsupported_cipher_suite'
  /** A base key of the wrong type or length. */
  | 'invalid_key'
  /** A KID/CTR outside 0..2^64-1, or an argument of the wrong type. */
  | 'invalid_argument';

export class SFrameError extends Error {
  readonly code: SFrameErrorCode;

  constructor(code: SFrameErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SFrameError';
    this.code = code;
  }
}

export function isSFrameError(value: unknown, code?: SFrameErrorCode): value is SFrameError {
  return value instanceof SFrameError && (code === undefined || value.code === code);
}
