import { eq } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { HttpError } from '../../http/errors.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { runWrite, type WriteScope } from '../../services/write.js';
import { sessions, users } from './schema.js';
import { setSessionCookie } from './session-cookie.js';

const SECOND_FACTOR_WINDOW_MS = 5 * 60_000;

export const accountDisabled = () =>
  new HttpError(
    403,
    'Forbidden',
    'This account is disabled. Ask your Parley administrator to re-enable it.',
    undefined,
    {
      code: 'account_disabled',
    },
  );

/**
 * Starts a session after the first factor; `second_factor` sessions may only finish the login.
 * Only the token's hash is stored, so a database dump cannot be replayed as cookies.
 */
export async function startSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string,
  stage: 'second_factor' | 'full',
  action: string,
  /** Runs in the same transaction before the session is created; throwing aborts the login. */
  within?: (w: WriteScope) => Promise<void>,
  /** `oidc` when an identity provider gave the first factor: such a session may owe a chair step-up. */
  method: 'local' | 'oidc' = 'local',
): Promise<void> {
  const token = randomToken();
  const expiresAt = new Date(
    Date.now() + (stage === 'full' ? ctx.config.sessionTtlHours * 3_600_000 : SECOND_FACTOR_WINDOW_MS),
  );
  await runWrite(ctx, userId, async (w) => {
    // Checked in the transaction that creates the session, so every way of signing in refuses a disabled account.
    const [u] = await w.tx.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, userId));
    if (u?.disabledAt) throw accountDisabled();
    if (within) await within(w);
    // A pending half-login is replaced, never kept beside the full session; a browser that signs in as
    // someone else drops its old session rather than leaving it orphaned behind an overwritten cookie.
    if (request.auth.session) {
      await w.tx.delete(sessions).where(eq(sessions.id, request.auth.session.id));
    }
    const [row] = await w.tx
      .insert(sessions)
      .values({
        tokenHash: sha256Hex(token),
        userId,
        stage,
        method,
        expiresAt,
        userAgent: (request.headers['user-agent'] ?? '').slice(0, 300),
        ip: request.ip,
      })
      .returning({ id: sessions.id });
    await w.audit({
      action,
      resourceType: 'session',
      resourceId: row!.id,
      groupId: null,
      sideId: null,
      marking: 'shared',
      after: { stage, userId, method },
    });
  });
  setSessionCookie(reply, ctx.config, token, expiresAt);
}
