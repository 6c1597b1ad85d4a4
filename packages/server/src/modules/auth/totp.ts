import { Secret, TOTP } from 'otpauth';

// RFC 6238 defaults that every authenticator app understands.
const PARAMS = { issuer: 'Parley', algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** One step either side absorbs clock drift and the time it takes to type a code. */
const WINDOW = 1;

const totpFor = (secretBase32: string, label = '') =>
  new TOTP({ ...PARAMS, label, secret: Secret.fromBase32(secretBase32) });

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function otpauthUrl(secretBase32: string, accountEmail: string): string {
  return totpFor(secretBase32, accountEmail).toString();
}

/**
 * The time step a code belongs to, or null when it matches none in the window. Callers persist the step and
 * accept only later ones, so a code seen once (shoulder-surfed, phished, logged) cannot be used again.
 */
export function matchTotp(secretBase32: string, code: string, now = Date.now()): number | null {
  const delta = totpFor(secretBase32).validate({ token: code, timestamp: now, window: WINDOW });
  if (delta === null) return null;
  return TOTP.counter({ period: PARAMS.period, timestamp: now }) + delta;
}

export const isFreshStep = (step: number, lastStep: number | null): boolean => lastStep === null || step > lastStep;
