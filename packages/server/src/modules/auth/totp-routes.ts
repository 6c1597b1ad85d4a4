import { LoginResult, Ok, TotpCodeBody, TotpEnrolment } from '@parley/protocol';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { conflict, fieldError, HttpError, unauthorized, withCode } from '../../http/errors.js';
import { runWrite, type WriteScope } from '../../services/write.js';
import { assertNotLimited, type LoginLimiters, recordFailure, secondFactorKey } from './login-routes.js';
import { requireUser } from './plugin.js';
import { findUserById, toUserDto, type UserRow } from './queries.js';
import { users } from './schema.js';
import { startSession } from './sessions.js';
import { isFreshStep, matchTotp, newTotpSecret, otpauthUrl } from './totp.js';
import { openTotpSecret, sealTotpSecret } from './totp-secret.js';

const accountAudit = (w: WriteScope, action: string, userId: string) =>
  w.audit({ action, resourceType: 'user', resourceId: userId, groupId: null, sideId: null, marking: 'shared' });

/** Only a later step than the last accepted one may be stored: the race guard behind the replay check. */
const freshStepFor = (userId: string, step: number) =>
  and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step)));

export async function totpRoutes(app: FastifyInstance, opts: { ctx: AppContext; limiters: LoginLimiters }) {
  const { ctx, limiters } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['account'];

  /** Checks a code against the limiter and the replay guard; every miss counts as a failed guess. */
  const acceptCode = async (request: FastifyRequest, user: UserRow, stored: string, code: string, miss: HttpError) => {
    const key = secondFactorKey(user.id);
    await assertNotLimited(limiters, request, key);
    const step = matchTotp(openTotpSecret(ctx.secrets, user.id, stored), code);
    if (step === null || !isFreshStep(step, user.totpLastStep)) {
      await recordFailure(limiters, request, key);
      request.log.info({ event: 'totp_failed' }, 'TOTP code refused');
      throw miss;
    }
    return step;
  };
  const badCode = () => fieldError(400, 'body.code', 'wrong or already used code', 'wrong_code');

  r.post('/api/account/totp/enrol', { schema: { tags, response: { 200: TotpEnrolment } } }, async (request) => {
    const user = requireUser(request);
    if (user.totpEnabled)
      throw withCode(conflict('An authenticator app is already set up; disable it first'), 'authenticator_exists');
    const secret = newTotpSecret();
    // Stays pending (not enabled) until a code proves the app holds the secret.
    await runWrite(ctx, user.id, async (w) => {
      await w.tx
        .update(users)
        .set({ totpSecret: sealTotpSecret(ctx.secrets(), user.id, secret), totpEnabled: false, totpLastStep: null })
        .where(eq(users.id, user.id));
      await accountAudit(w, 'auth.totp_enrol', user.id);
    });
    return { secret, otpauthUrl: otpauthUrl(secret, user.email) };
  });

  r.post(
    '/api/account/totp/confirm',
    { schema: { tags, body: TotpCodeBody, response: { 200: Ok } } },
    async (request) => {
      const user = requireUser(request);
      if (user.totpEnabled || !user.totpSecret)
        throw withCode(conflict('Start the enrolment first'), 'enrolment_not_started');
      const secret = user.totpSecret;
      const step = await acceptCode(request, user, secret, request.body.code, badCode());
      await runWrite(ctx, user.id, async (w) => {
        const [row] = await w.tx
          .update(users)
          .set({ totpEnabled: true, totpLastStep: step })
          .where(and(eq(users.totpEnabled, false), eq(users.totpSecret, secret), freshStepFor(user.id, step)))
          .returning({ id: users.id });
        if (!row) throw withCode(conflict('The enrolment changed meanwhile; start again'), 'enrolment_changed');
        await accountAudit(w, 'auth.totp_enable', user.id);
      });
      await limiters.perAccount.reset(secondFactorKey(user.id));
      return { ok: true as const };
    },
  );

  r.post(
    '/api/account/totp/disable',
    { schema: { tags, body: TotpCodeBody, response: { 200: Ok } } },
    async (request) => {
      const user = requireUser(request);
      if (!user.totpEnabled || !user.totpSecret)
        throw withCode(conflict('No authenticator app is set up'), 'no_authenticator');
      const step = await acceptCode(request, user, user.totpSecret, request.body.code, badCode());
      await runWrite(ctx, user.id, async (w) => {
        const [row] = await w.tx
          .update(users)
          .set({ totpEnabled: false, totpSecret: null, totpLastStep: null })
          .where(and(eq(users.totpEnabled, true), freshStepFor(user.id, step)))
          .returning({ id: users.id });
        if (!row) throw badCode();
        await accountAudit(w, 'auth.totp_disable', user.id);
      });
      return { ok: true as const };
    },
  );

  r.post(
    '/api/auth/login/totp',
    { schema: { tags: ['auth'], body: TotpCodeBody, response: { 200: LoginResult } } },
    async (request, reply) => {
      const pending = request.auth.session;
      if (pending?.stage !== 'second_factor')
        throw withCode(unauthorized('No sign-in is waiting for a second factor'), 'no_pending_sign_in');
      const user = await findUserById(ctx.db, pending.userId);
      if (!user?.totpEnabled || !user.totpSecret) {
        throw fieldError(
          400,
          'body.code',
          'this account has no authenticator app; use a passkey',
          'no_authenticator_use_passkey',
        );
      }
      const miss = () =>
        new HttpError(
          401,
          'Unauthorized',
          'Wrong or already used code',
          [{ path: 'body.code', message: 'wrong or already used code', code: 'wrong_code' }],
          { code: 'wrong_code' },
        );
      const step = await acceptCode(request, user, user.totpSecret, request.body.code, miss());
      try {
        await startSession(ctx, request, reply, user.id, 'full', 'auth.login', async (w) => {
          // Two requests racing with the same code: only one may move the step forward.
          const [row] = await w.tx
            .update(users)
            .set({ totpLastStep: step })
            .where(and(eq(users.totpEnabled, true), freshStepFor(user.id, step)))
            .returning({ id: users.id });
          if (!row) throw miss();
        });
      } catch (err) {
        if (err instanceof HttpError && err.status === 401)
          await recordFailure(limiters, request, secondFactorKey(user.id));
        throw err;
      }
      await limiters.perAccount.reset(secondFactorKey(user.id));
      return { status: 'ok' as const, user: await toUserDto(ctx.db, user) };
    },
  );
}
