import { hasControlCharacters, type OidcRefusal, type Role, type RoleMap } from '@parley/protocol';
import type { ProviderRow } from './oidc-client.js';

/** A sign-in refused: the sign-in page shows the message for `code`. Nothing is stored. */
export class SignInRefused extends Error {
  constructor(
    readonly code: OidcRefusal,
    detail = code,
  ) {
    super(detail);
  }
}

export interface VerifiedIdentity {
  subject: string;
  email: string;
  displayName: string;
  agency: string | null;
  role: Role | null;
}

const RANK: readonly Role[] = ['chair', 'secretariat', 'member', 'observer'];

const values = (claim: unknown): string[] =>
  typeof claim === 'string' ? [claim] : Array.isArray(claim) ? claim.filter((v) => typeof v === 'string') : [];

/**
 * The role the provider's claims give: the highest role whose mapped value the role claim holds; `member` when
 * the claim holds none of them; null when the provider maps no role claim (the role is then left as it is).
 */
export function roleFromClaims(p: Pick<ProviderRow, 'roleClaim' | 'roleMap'>, claims: Record<string, unknown>) {
  if (!p.roleClaim) return null;
  const held = new Set(values(claims[p.roleClaim]));
  const map: RoleMap = p.roleMap;
  return RANK.find((r) => map[r] !== undefined && held.has(map[r]!)) ?? 'member';
}

/** What Parley takes from a verified ID token (and userinfo); refuses a missing or unverified email. */
export function identityFromClaims(p: ProviderRow, claims: Record<string, unknown>): VerifiedIdentity {
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!email || email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new SignInRefused('email_missing');
  if (claims.email_verified !== true) throw new SignInRefused('email_unverified');
  const name = typeof claims.name === 'string' ? claims.name.trim() : '';
  const agency = p.agencyClaim ? values(claims[p.agencyClaim])[0]?.trim() || null : null;
  return {
    subject: String(claims.sub),
    email,
    displayName: clean(name || email.split('@')[0]!, 120),
    agency: agency ? clean(agency, 160) : null,
    role: roleFromClaims(p, claims),
  };
}

/** Claims are the provider's text: keep one printable line, as every name Parley stores. */
const clean = (s: string, max: number) =>
  [...s]
    .map((ch) => (hasControlCharacters(ch, true) ? ' ' : ch))
    .join('')
    .trim()
    .slice(0, max) || '?';
