// Safety codes: digits participants read aloud to confirm they share one MLS epoch, hence one set of keys and
// one member list. Derived from the RFC 9420 epoch_authenticator, which every member of an epoch computes
// identically and which a party outside the group (the server included) cannot compute.
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from './bytes.js';

export const SAFETY_CODE_GROUPS = 6;
export const SAFETY_CODE_GROUP_DIGITS = 5;

const LABEL = 'Parley safety code v1';
const GROUP_MODULUS = 10 ** SAFETY_CODE_GROUP_DIGITS;
// Largest multiple of 100000 below 2^32: 32-bit draws at or above it are rejected so each group is uniform over
// 00000..99999 (plain `x % 100000` would favour small values by ~1.6e-5).
const ACCEPT_BELOW = Math.floor(2 ** 32 / GROUP_MODULUS) * GROUP_MODULUS;

/**
 * Six groups of five decimal digits (about 99.7 bits), e.g. ["04217", "93310", …]. The epoch authenticator is
 * separated from this use by HKDF with a fixed label, and each group is drawn by rejection sampling from a
 * deterministic HKDF stream, so every member renders exactly the same digits.
 */
export function safetyCodeGroups(epochAuthenticator: Uint8Array): string[] {
  if (epochAuthenticator.length < 16) throw new RangeError('epoch authenticator is too short');
  const prk = extract(sha256, epochAuthenticator, utf8(LABEL));
  const groups: string[] = [];
  // Rejection is so rare (p ≈ 1.6e-5 per draw) that one block almost always suffices; more blocks come from
  // HKDF-Expand with a block counter in the info, never from reusing bytes.
  for (let block = 0; groups.length < SAFETY_CODE_GROUPS; block++) {
    if (block > 255) throw new Error('safety code derivation did not converge');
    const stream = expand(sha256, prk, new Uint8Array([...utf8(LABEL), block]), 64);
    const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
    for (let offset = 0; offset + 4 <= stream.length && groups.length < SAFETY_CODE_GROUPS; offset += 4) {
      const draw = view.getUint32(offset);
      if (draw < ACCEPT_BELOW) groups.push(String(draw % GROUP_MODULUS).padStart(SAFETY_CODE_GROUP_DIGITS, '0'));
    }
  }
  return groups;
}

/** The safety code as one string, groups separated by spaces: "04217 93310 52864 00931 77215 40082". */
export function safetyCode(epochAuthenticator: Uint8Array): string {
  return safetyCodeGroups(epochAuthenticator).join(' ');
}
