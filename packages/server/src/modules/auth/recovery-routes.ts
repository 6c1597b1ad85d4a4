import { LoginResult, RecoveryCodeBody, RecoveryCodeStatus, RecoveryCodes } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { conflict, HttpError, unauthorized, withCode } from '../../http/errors.js';
import { runWrite } from '../../services/write.js';
import { assertNotLimited, type LoginLimiters, recordFailure, secondFactorKey } from './login-routes.js';
import { requireUser } from './plugin.js';
import { findUserById, toUserDto } from './queries.js';
import { consumeRecoveryCode, recoveryCodeStatus, replaceRecoveryCodes } from './recovery-codes.js';
import { passkeys } from './schema.js';
import { startSession } from './sessions.js';

/**
 * Recovery codes: made (and remade) by the signed-in person once a second factor is enrolled, each usable once in
 * place of that factor at sign-in.
 */
export async function recoveryRoutes(app: FastifyInstance, opts: { ctx: AppContext; limiters: LoginLimiters }) {
  const { ctx, limiters } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/account/recovery-codes',
    { schema: { tags: ['account'], response: { 200: RecoveryCodeStatus } } },
    async (request) => recoveryCodeStatus(ctx.db, requireUser(request).id),
  );

  r.post(
    '/api/account/recovery-codes',
    { schema: { tags: ['account'], response: { 200: RecoveryCodes } } },
    async (request) => {
      const user = requireUser(request);
      const [pk] = await ctx.db.select({ id: passkeys.id }).from(passkeys).where(eq(passkeys.userId, user.id)).limit(1);
      if (!user.totpEnabled && !pk) {
        throw withCode(
          conflict('Recovery codes stand in for a second factor: set up an authenticator app or a passkey first'),
          'recovery_needs_factor',
        );
      }
      const codes = await runWrite(ctx, user.id, async (w) => {
        const made = await replaceRecoveryCodes(w.tx, user.id);
        await w.audit({
          action: 'auth.recovery_codes_create',
          resourceType: 'user',
          resourceId: user.id,
          groupId: null,
          sideId: null,
          marking: 'shared',
        });
        return made;
      });
      return { codes };
    },
  );

  r.post(
    '/api/auth/login/recovery-code',
    { schema: { tags: ['auth'], body: RecoveryCodeBody, response: { 200: LoginResult } } },
    async (request, reply) => {
      const pending = request.auth.session;
      if (pending?.stage !== 'second_factor')
        throw withCode(unauthorized('No sign-in is waiting for a second factor'), 'no_pending_sign_in');
      const key = secondFactorKey(pending.userId);
      await assertNotLimited(limiters, request, key);
      const miss = () =>
        new HttpError(
          401,
          'Unauthorized',
          'This recovery code is wrong or was already used',
          [{ path: 'body.code', message: 'wrong or already used recovery code', code: 'wrong_recovery_code' }],
          { code: 'wrong_recovery_code' },
        );
      try {
        await startSession(ctx, request, reply, pending.userId, 'full', 'auth.login_recovery_code', async (w) => {
          if (!(await consumeRecoveryCode(w.tx, pending.userId, request.body.code))) throw miss();
        });
      } catch (err) {
        if (err instanceof HttpError && err.status === 401) {
          await recordFailure(limiters, request, key);
          request.log.info({ event: 'recovery_code_failed' }, 'recovery code refused');
        }
        throw err;
      }
      await limiters.perAccount.reset(key);
      const user = await findUserById(ctx.db, pending.userId);
      return { status: 'ok' as const, user: await toUserDto(ctx.db, user!) };
    },
  );
}
