import { z } from 'zod';
import { DisplayName, Email, freeText, Id, Marking, Password, Role, singleLine, Timestamp, Title } from './common.js';

/** How the app looks for this person: `system` follows the device's light or dark setting. */
export const ThemePreference = z.enum(['system', 'light', 'dark']);
export type ThemePreference = z.infer<typeof ThemePreference>;
export const ThemeBody = z.strictObject({ theme: ThemePreference });

/** The languages the web app is written in; `system` follows the browser's preferred languages. */
export const UI_LANGUAGES = ['en', 'fr', 'he', 'ar'] as const;
export const UiLanguage = z.enum(UI_LANGUAGES);
export type UiLanguage = z.infer<typeof UiLanguage>;
export const LanguagePreference = z.enum(['system', ...UI_LANGUAGES]);
export type LanguagePreference = z.infer<typeof LanguagePreference>;
export const LanguageBody = z.strictObject({ language: LanguagePreference });

export const User = z.object({
  id: Id,
  email: z.string(),
  displayName: z.string(),
  isAdmin: z.boolean(),
  totpEnabled: z.boolean(),
  passkeyCount: z.number().int(),
  /** Disabled by the instance administrator: cannot sign in until re-enabled. */
  disabled: z.boolean(),
  theme: ThemePreference,
  language: LanguagePreference,
});
export type User = z.infer<typeof User>;

export const LoginBody = z.strictObject({ email: Email, password: freeText(z.string().min(1).max(256)) });
export const SecondFactor = z.enum(['totp', 'passkey']);
export const LoginResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), user: User }),
  z.object({ status: z.literal('second_factor_required'), methods: z.array(SecondFactor) }),
]);
export type LoginResult = z.infer<typeof LoginResult>;

export const TotpCodeBody = z.strictObject({ code: z.string().regex(/^\d{6}$/, 'must be 6 digits') });

export const Me = z.object({ user: User.nullable(), secondFactorPending: z.boolean() });

export const SessionInfo = z.object({
  id: Id,
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  expiresAt: Timestamp,
  userAgent: z.string(),
  ip: z.string(),
  /** `second_factor`: someone passed the password step and has not finished the login yet. */
  stage: z.enum(['second_factor', 'full']),
  current: z.boolean(),
});
export const SessionList = z.object({ sessions: z.array(SessionInfo) });

export const TotpEnrolment = z.object({ secret: z.string(), otpauthUrl: z.string() });

export const ChangePasswordBody = z.strictObject({
  currentPassword: freeText(z.string().min(1).max(256)),
  newPassword: Password,
});

/** WebAuthn JSON payloads are validated structurally by @simplewebauthn/server; here we only bound their size. */
const WebAuthnJson = z.record(z.string(), z.unknown());
export const PasskeyOptionsBody = z.strictObject({ email: Email.optional() });
export const PasskeyAuthenticationVerifyBody = z.strictObject({ flowId: Id, response: WebAuthnJson });
export const PasskeyRegistrationVerifyBody = z.strictObject({
  flowId: Id,
  response: WebAuthnJson,
  name: singleLine(z.string().trim().min(1).max(80)).default('Passkey'),
});
export const PasskeyOptions = z.object({ flowId: Id, options: z.record(z.string(), z.unknown()) });
export const Passkey = z.object({ id: Id, name: z.string(), createdAt: Timestamp, lastUsedAt: Timestamp.nullable() });
export const PasskeyList = z.object({ passkeys: z.array(Passkey) });

export const CreateInvitationBody = z.strictObject({
  sideId: Id,
  role: Role,
  agencyId: Id.nullable().default(null),
  title: Title.default(''),
  /** `side-only`: the delegate will be hidden from the other side, like any side-only membership. */
  marking: Marking.default('shared'),
  email: Email.optional(),
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
});
export const InvitationCreated = z.object({ id: Id, token: z.string(), url: z.string(), expiresAt: Timestamp });
export const InvitationParams = z.strictObject({ groupId: Id, id: Id });
/** A pending invitation as its side's managers see it; the token itself is never shown again. */
export const Invitation = z.object({
  id: Id,
  groupId: Id,
  sideId: Id,
  agencyId: Id.nullable(),
  role: Role,
  title: z.string(),
  marking: Marking,
  email: z.string().nullable(),
  createdBy: Id,
  createdAt: Timestamp,
  expiresAt: Timestamp,
});
export const InvitationList = z.object({ invitations: z.array(Invitation) });
export const InvitationAccepted = z.object({ user: User, groupId: Id, membershipId: Id });
export const InvitationTokenParams = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'malformed token'),
});
export const InvitationPreview = z.object({
  groupName: z.string(),
  sideName: z.string(),
  agencyName: z.string().nullable(),
  role: Role,
  title: z.string(),
  email: z.string().nullable(),
  expiresAt: Timestamp,
});
export const AcceptInvitationBody = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'malformed token'),
  email: Email,
  displayName: DisplayName,
  password: Password,
});

export const CreateUserBody = z.strictObject({
  email: Email,
  displayName: DisplayName,
  password: Password,
  isAdmin: z.boolean().default(false),
});
export const UserList = z.object({ users: z.array(User) });

/**
 * Why a chair action was refused while the group asks for a step-up: `chair_step_up_required` (confirm a passkey or
 * authenticator code first) or `chair_step_up_no_factor` (the account has neither: add one first).
 */
export const StepUpCode = z.enum(['chair_step_up_required', 'chair_step_up_no_factor']);
export type StepUpCode = z.infer<typeof StepUpCode>;

/** This session's standing for chair step-up. */
export const StepUpStatus = z.object({
  /** The session began at an identity provider, so groups that ask for it want a step-up from its chairs. */
  owed: z.boolean(),
  steppedUp: z.boolean(),
  totp: z.boolean(),
  passkeys: z.number().int(),
});
export type StepUpStatus = z.infer<typeof StepUpStatus>;
