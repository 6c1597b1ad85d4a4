// The joiner's side of an Add (docs/call-keys.md §5.3, §8.1): which Welcome to use, and joining from it.
import { MlsSession, MlsSessionError, type VerifyMember } from '../mls/index.js';
import type { WelcomeEntry } from './delivery.js';
import type { GroupDevice } from './owner.js';
import { fromB64 } from './transport.js';

/** The newest Welcome for `context` above `skipUpTo` (older ones were tried, or belong to a replaced membership). */
export function pickWelcome(all: readonly WelcomeEntry[], context: string, skipUpTo: number): WelcomeEntry | undefined {
  return all.filter((w) => w.context === context && w.seq > skipUpTo).sort((a, b) => b.seq - a.seq)[0];
}

export type WelcomeJoin = Awaited<ReturnType<typeof MlsSession.join>>;

/**
 * Joins from `entry`; null when this device no longer holds the private half of the key package it was added with
 * (another browser profile, cleared storage): the caller never tries that Welcome again (§8.1). A tree that fails
 * the member check throws.
 */
export async function joinFromWelcome(
  device: GroupDevice,
  entry: WelcomeEntry,
  verifyMember: VerifyMember,
): Promise<WelcomeJoin | null> {
  try {
    return await MlsSession.join({
      identity: device.identity,
      welcome: fromB64(entry.welcome),
      keyPackages: await device.keyPackages(),
      options: { verifyMember },
    });
  } catch (error) {
    if (error instanceof MlsSessionError && error.code === 'NO_KEY_PACKAGE') return null;
    throw error;
  }
}
