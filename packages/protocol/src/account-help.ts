import { z } from 'zod';
import { freeText, Id, singleLine, Timestamp } from './common.js';

/** A recovery code as typed: case, spaces and dashes do not matter. */
export const RecoveryCodeBody = z.strictObject({
  code: singleLine(
    z.string().trim().min(1, 'enter one of your recovery codes').max(40, 'a recovery code is 10 letters and digits'),
  ),
});
export const RecoveryCodeStatus = z.object({
  /** Unused codes left. */
  remaining: z.number().int(),
  /** When the current set was made; null when there is none. */
  createdAt: Timestamp.nullable(),
});
export type RecoveryCodeStatus = z.infer<typeof RecoveryCodeStatus>;
/** Shown once, right after they are made; only their hashes are kept. */
export const RecoveryCodes = z.object({ codes: z.array(z.string()) });

export const TemporaryPassword = z.object({ temporaryPassword: z.string() });

/** What a delegation's chair may ask the instance administrator to do for one of the side's people. */
export const AccountHelpKind = z.enum(['reset_second_factors', 'reset_password', 'disable', 'enable']);
export type AccountHelpKind = z.infer<typeof AccountHelpKind>;

export const AccountHelpRequestBody = z.strictObject({
  userId: Id,
  kind: AccountHelpKind,
  note: freeText(z.string().trim().max(500, 'at most 500 characters')).default(''),
});

export const AccountHelpRequest = z.object({
  id: Id,
  kind: AccountHelpKind,
  status: z.enum(['open', 'done', 'declined']),
  note: z.string(),
  createdAt: Timestamp,
  resolvedAt: Timestamp.nullable(),
  subject: z.object({ id: Id, displayName: z.string(), email: z.string() }),
  requestedBy: z.object({ id: Id, displayName: z.string() }),
  group: z.object({ id: Id, name: z.string() }),
  side: z.object({ id: Id, name: z.string() }),
});
export type AccountHelpRequest = z.infer<typeof AccountHelpRequest>;
export const AccountHelpRequestList = z.object({ requests: z.array(AccountHelpRequest) });

export const ResolveAccountHelpBody = z.strictObject({ decision: z.enum(['carry_out', 'decline']) });
export const ResolveAccountHelpResult = z.object({
  request: AccountHelpRequest,
  /** Set when a password reset was carried out: hand it to the person, once. */
  temporaryPassword: z.string().nullable(),
});
