import { randomBytes } from 'node:crypto';
import type { AccountHelpKind } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { conflict, fieldError, withCode } from '../../http/errors.js';
import { runWrite, type WriteScope } from '../../services/write.js';
import { hashPassword } from './passwords.js';
import { findUserById, type UserRow } from './queries.js';
import { deleteRecoveryCodes } from './recovery-codes.js';
import { passkeys, sessions, users } from './schema.js';

/**
 * What the instance administrator can do to an account when its owner has lost a factor or it must be stopped.
 * Every action ends the account's sessions: whoever holds one may be the reason for it. The same functions serve
 * the admin API, a chair's request once the administrator carries it out, and the `parley user` CLI.
 */
export type AccountAction = AccountHelpKind;

export interface PreparedAction {
  kind: AccountAction;
  /** Only for reset_password: shown once to whoever carried it out. */
  temporaryPassword: string | null;
  passwordHash: string | null;
}

/** Hashes a new password ahead of the transaction, so argon2 does not run while it holds locks. */
export async function prepareAccountAction(kind: AccountAction): Promise<PreparedAction> {
  if (kind !== 'reset_password') return { kind, temporaryPassword: null, passwordHash: null };
  const temporaryPassword = randomBytes(12).toString('base64url');
  return { kind, temporaryPassword, passwordHash: await hashPassword(temporaryPassword) };
}

const ACTIONS: Record<AccountAction, string> = {
  disable: 'user.disable',
  enable: 'user.enable',
  reset_second_factors: 'user.second_factors_reset',
  reset_password: 'user.password_reset',
};

export async function applyAccountAction(w: WriteScope, subjectId: string, action: PreparedAction): Promise<UserRow> {
  const [subject] = await w.tx.select().from(users).where(eq(users.id, subjectId)).for('update');
  if (!subject) throw fieldError(404, 'params.id', 'no such account', 'no_such_account');
  switch (action.kind) {
    case 'disable':
      if (subject.id === w.actorUserId) throw withCode(conflict('You cannot disable your own account'), 'own_account');
      if (subject.disabledAt) throw withCode(conflict('This account is already disabled'), 'already_disabled');
      await w.tx.update(users).set({ disabledAt: new Date() }).where(eq(users.id, subjectId));
      break;
    case 'enable':
      if (!subject.disabledAt) throw withCode(conflict('This account is not disabled'), 'not_disabled');
      await w.tx.update(users).set({ disabledAt: null }).where(eq(users.id, subjectId));
      break;
    case 'reset_second_factors':
      await w.tx
        .update(users)
        .set({ totpEnabled: false, totpSecret: null, totpLastStep: null })
        .where(eq(users.id, subjectId));
      await w.tx.delete(passkeys).where(eq(passkeys.userId, subjectId));
      await deleteRecoveryCodes(w.tx, subjectId);
      break;
    case 'reset_password':
      await w.tx.update(users).set({ passwordHash: action.passwordHash }).where(eq(users.id, subjectId));
      break;
  }
  const ended = await w.tx.delete(sessions).where(eq(sessions.userId, subjectId)).returning({ id: sessions.id });
  await w.audit({
    action: ACTIONS[action.kind],
    resourceType: 'user',
    resourceId: subjectId,
    groupId: null,
    sideId: null,
    marking: 'shared',
    after: { email: subject.email, sessionsEnded: ended.length },
  });
  return (await findUserById(w.tx, subjectId))!;
}

/** One action in its own audited write; returns the account as it now is and any temporary password. */
export async function runAccountAction(
  ctx: Pick<AppContext, 'db' | 'hub'>,
  actorUserId: string | null,
  subjectId: string,
  kind: AccountAction,
): Promise<{ user: UserRow; temporaryPassword: string | null }> {
  const prepared = await prepareAccountAction(kind);
  const user = await runWrite(ctx, actorUserId, (w) => applyAccountAction(w, subjectId, prepared));
  return { user, temporaryPassword: prepared.temporaryPassword };
}
