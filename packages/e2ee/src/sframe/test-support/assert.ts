import { expect } from 'vitest';
import { SFrameError, type SFrameErrorCode } from '../errors.js';

/** Awaits `promise` and asserts it rejected with an SFrameError whose code is one of `codes`. */
export async function expectSFrameError(
  promise: Promise<unknown>,
  codes: SFrameErrorCode | readonly SFrameErrorCode[],
): Promise<SFrameError> {
  const allowed = typeof codes === 'string' ? [codes] : codes;
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SFrameError);
  const error = caught as SFrameError;
  expect(allowed).toContain(error.code);
  return error;
}

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}
