import { z } from 'zod';
import { Id, Role, singleLine, Timestamp } from './common.js';

/**
 * Identity providers (OpenID Connect) that the instance administrator registers, and the side of a group each may
 * sign people into. See docs/deploy.md (registering a provider) and docs/threat-model.md (what trusting one means).
 */
const ClaimName = singleLine(z.string().trim().min(1).max(100));
const ClaimValue = singleLine(z.string().trim().min(1).max(200));

/** The issuer's URL exactly as the provider names itself in its discovery document (no trailing slash added). */
export const IssuerUrl = singleLine(z.string().trim().max(500)).refine((v) => {
  try {
    const u = new URL(v);
    return (
      u.protocol === 'https:' || (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname))
    );
  } catch {
    return false;
  }
}, 'must be an https:// URL (http:// only on this machine, for testing)');

/**
 * Which claim value grants which role: for each role, the value the role claim (a string or a list, such as a
 * `groups` claim) must hold. The highest role matched wins (chair, secretariat, member, observer); a person whose
 * claim matches none is a member.
 */
export const RoleMap = z.partialRecord(Role, ClaimValue);
export type RoleMap = z.infer<typeof RoleMap>;

export const IdentityProvider = z.object({
  id: Id,
  name: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  /** The claim whose value names the person's agency on their side (made when missing); null: agency not set. */
  agencyClaim: z.string().nullable(),
  /** The claim whose values give the role through `roleMap`; null: new people join as members. */
  roleClaim: z.string().nullable(),
  roleMap: RoleMap,
  /** The sides this provider signs people into, as "Group — Side". */
  boundSides: z.array(z.object({ groupId: Id, sideId: Id, label: z.string() })),
  createdAt: Timestamp,
});
export type IdentityProvider = z.infer<typeof IdentityProvider>;
export const IdentityProviderList = z.object({ providers: z.array(IdentityProvider) });

export const CreateIdentityProviderBody = z.strictObject({
  name: singleLine(z.string().trim().min(1).max(80)),
  issuer: IssuerUrl,
  clientId: singleLine(z.string().trim().min(1).max(200)),
  clientSecret: singleLine(z.string().min(1).max(500)),
  agencyClaim: ClaimName.nullable().optional(),
  roleClaim: ClaimName.nullable().optional(),
  roleMap: RoleMap.optional(),
});
export type CreateIdentityProviderBody = z.infer<typeof CreateIdentityProviderBody>;

/** Every field optional; a client secret given replaces the stored one (it is never shown again). */
export const UpdateIdentityProviderBody = CreateIdentityProviderBody.partial();
export type UpdateIdentityProviderBody = z.infer<typeof UpdateIdentityProviderBody>;

/** What the sign-in page shows: a button per provider. */
export const SignInProviderList = z.object({ providers: z.array(z.object({ id: Id, name: z.string() })) });

export const SideIdentityProviderBody = z.strictObject({ providerId: Id.nullable() });
export const SideIdentityProvider = z.object({ sideId: Id, providerId: Id.nullable() });
export const SideIdentityProviderList = z.object({ sides: z.array(SideIdentityProvider) });

/**
 * Why a sign-in through a provider was refused: the sign-in page shows the message for the code. Nothing about the
 * person is stored when any of these happens.
 */
export const OidcRefusal = z.enum([
  'flow_missing', // no sign-in was started in this browser, or it expired
  'state_mismatch',
  'provider_error', // the provider said no (the person cancelled, or the provider refused them)
  'wrong_issuer',
  'token_invalid', // the ID token failed verification: signature, expiry, audience or nonce
  'email_missing',
  'email_unverified',
  'not_bound', // the provider signs nobody into any side
  'account_elsewhere', // the email belongs to an account of another side or the administrator
  'account_disabled',
  'provider_unreachable',
]);
export type OidcRefusal = z.infer<typeof OidcRefusal>;
