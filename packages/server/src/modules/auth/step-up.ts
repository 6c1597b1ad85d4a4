import type { StepUpCode } from '@parley/protocol';
import { and, count, eq, isNull } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { DbOrTx } from '../../db/client.js';
import { HttpError } from '../../http/errors.js';
import type { SessionRow } from './queries.js';
import { passkeys, sessions } from './schema.js';

/**
 * A session begun at an identity provider proves only what that provider checked. Groups that ask for it want
 * their chairs to add a factor Parley checks itself (passkey or TOTP) once per session before chair actions
 * (docs/threat-model.md, "Chair step-up"). Password sessions are out of scope: their second factor, if any, is
 * Parley's own already.
 */
export const owesStepUp = (session: Pick<SessionRow, 'method' | 'steppedUpAt'> | null): boolean =>
  session?.method === 'oidc' && session.steppedUpAt === null;

/** Read afresh for long-lived connections (the realtime socket), which outlive the request that opened them. */
export async function sessionOwesStepUp(db: DbOrTx, sessionId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.method, 'oidc'), isNull(sessions.steppedUpAt)));
  return row !== undefined;
}

export async function passkeyCount(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(passkeys).where(eq(passkeys.userId, userId));
  return row?.n ?? 0;
}

/** The refusal of a chair action that a step-up would allow: a stable code, and plain words on what to do. */
export async function stepUpRefusal(db: DbOrTx, request: FastifyRequest): Promise<HttpError> {
  const user = request.auth.user;
  const hasFactor = !!user?.totpEnabled || (user ? (await passkeyCount(db, user.id)) > 0 : false);
  const code: StepUpCode = hasFactor ? 'chair_step_up_required' : 'chair_step_up_no_factor';
  const detail = hasFactor
    ? 'This group asks chairs who signed in through an identity provider to confirm with a passkey or an authenticator code first.'
    : 'This group asks chairs who signed in through an identity provider to confirm with a passkey or an authenticator app, and this account has neither. Add one on your Account page (Security), then try again.';
  return new HttpError(403, 'Forbidden', detail, undefined, { code });
}
