import { LoginBody, LoginResult, Me, Ok } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { HttpError, tooManyRequests } from '../../http/errors.js';
import { FailureLimiter } from '../../lib/rate-limiter.js';
import { runWrite } from '../../services/write.js';
import { verifyPassword } from './passwords.js';
import { findUserByEmail, toUserDto } from './queries.js';
import { passkeys, sessions } from './schema.js';
import { clearSessionCookie } from './session-cookie.js';
import { startSession } from './sessions.js';

export interface LoginLimiters {
  perAccount: FailureLimiter;
  perIp: FailureLimiter;
}

/** Shared by all nodes through the cluster's counters (await every call: an unawaited check limits nothing). */
export const createLoginLimiters = (ctx: AppContext): LoginLimiters => ({
  perAccount: new FailureLimiter(5, 15 * 60_000, ctx.cluster.counters, 'login-account'),
  perIp: new FailureLimiter(30, 15 * 60_000, ctx.cluster.counters, 'login-ip'),
});

/** 429 when either the account or the address has failed too often; checked before any password work. */
export async function assertNotLimited(
  limiters: LoginLimiters,
  request: FastifyRequest,
  accountKey: string,
): Promise<void> {
  const [account, ip] = await Promise.all([
    limiters.perAccount.retryAfter(accountKey),
    limiters.perIp.retryAfter(request.ip),
  ]);
  const wait = Math.max(account, ip);
  if (wait > 0) throw tooManyRequests(wait);
}

/**
 * Second-factor guesses are counted under their own key: a password success resets the email's counter, and must
 * not hand an attacker who knows the password a fresh budget of code guesses.
 */
export const secondFactorKey = (userId: string): string => `2fa:${userId}`;

export async function recordFailure(limiters: LoginLimiters, request: FastifyRequest, accountKey: string) {
  await Promise.all([limiters.perAccount.fail(accountKey), limiters.perIp.fail(request.ip)]);
}

export async function loginRoutes(app: FastifyInstance, opts: { ctx: AppContext; limiters: LoginLimiters }) {
  const { ctx, limiters } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/auth/login',
    { schema: { tags: ['auth'], body: LoginBody, response: { 200: LoginResult } } },
    async (request, reply) => {
      const { email, password } = request.body;
      await assertNotLimited(limiters, request, email);
      const user = await findUserByEmail(ctx.db, email);
      if (!(await verifyPassword(user?.passwordHash ?? null, password)) || !user) {
        await recordFailure(limiters, request, email);
        request.log.info({ event: 'login_failed' }, 'login failed');
        throw new HttpError(401, 'Unauthorized', 'Wrong email or password', undefined, { code: 'wrong_credentials' });
      }
      await limiters.perAccount.reset(email);
      const [pk] = await ctx.db.select({ id: passkeys.id }).from(passkeys).where(eq(passkeys.userId, user.id)).limit(1);
      const methods = [...(user.totpEnabled ? (['totp'] as const) : []), ...(pk ? (['passkey'] as const) : [])];
      if (methods.length > 0) {
        await startSession(ctx, request, reply, user.id, 'second_factor', 'auth.password_accepted');
        return { status: 'second_factor_required' as const, methods };
      }
      await startSession(ctx, request, reply, user.id, 'full', 'auth.login');
      return { status: 'ok' as const, user: await toUserDto(ctx.db, user) };
    },
  );

  r.post('/api/auth/logout', { schema: { tags: ['auth'], response: { 200: Ok } } }, async (request, reply) => {
    const session = request.auth.session;
    if (session) {
      await runWrite(ctx, session.userId, async (w) => {
        await w.tx.delete(sessions).where(eq(sessions.id, session.id));
        await w.audit({
          action: 'auth.logout',
          resourceType: 'session',
          resourceId: session.id,
          groupId: null,
          sideId: null,
          marking: 'shared',
        });
      });
    }
    clearSessionCookie(reply, ctx.config);
    return { ok: true as const };
  });

  r.get('/api/auth/me', { schema: { tags: ['auth'], response: { 200: Me } } }, async (request) => {
    const { user, session } = request.auth;
    return {
      user: user ? await toUserDto(ctx.db, user) : null,
      secondFactorPending: session?.stage === 'second_factor',
    };
  });
}
