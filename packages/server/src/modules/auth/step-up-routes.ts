import { Ok, PasskeyAuthenticationVerifyBody, PasskeyOptions, StepUpStatus, TotpCodeBody } from '@parley/protocol';
import { type AuthenticationResponseJSON, generateAuthenticationOptions } from '@simplewebauthn/server';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { conflict, fieldError, HttpError, withCode } from '../../http/errors.js';
import { runWrite, type WriteScope } from '../../services/write.js';
import { assertNotLimited, type LoginLimiters, recordFailure, secondFactorKey } from './login-routes.js';
import { requireUser } from './plugin.js';
import { passkeys, sessions, users } from './schema.js';
import { owesStepUp, passkeyCount } from './step-up.js';
import { isFreshStep, matchTotp } from './totp.js';
import { openTotpSecret } from './totp-secret.js';
import {
  consumeFlow,
  createFlow,
  FLOW_TTL_MS,
  findPasskeyByCredentialId,
  rpIdOf,
  verifyPasskeyAssertion,
} from './webauthn.js';

/**
 * Step-up of a signed-in session with a factor Parley checks itself. It lasts as long as the session does
 * (bounded by SESSION_TTL_HOURS); signing out or a new sign-in at the provider starts a session that owes one again.
 */
export async function stepUpRoutes(app: FastifyInstance, opts: { ctx: AppContext; limiters: LoginLimiters }) {
  const { ctx, limiters } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['account'];

  const sessionOf = (request: FastifyRequest) => {
    const user = requireUser(request);
    return { user, session: request.auth.session! };
  };
  /** Marks the session stepped up, in the same write as whatever the factor's own bookkeeping needs. */
  const markSteppedUp = (userId: string, sessionId: string, factor: string, within: (w: WriteScope) => Promise<void>) =>
    runWrite(ctx, userId, async (w) => {
      await within(w);
      await w.tx.update(sessions).set({ steppedUpAt: new Date() }).where(eq(sessions.id, sessionId));
      await w.audit({
        action: 'auth.step_up',
        resourceType: 'session',
        resourceId: sessionId,
        groupId: null,
        sideId: null,
        marking: 'shared',
        after: { factor },
      });
    });

  r.get('/api/account/step-up', { schema: { tags, response: { 200: StepUpStatus } } }, async (request) => {
    const { user, session } = sessionOf(request);
    return {
      owed: session.method === 'oidc',
      steppedUp: session.steppedUpAt !== null,
      totp: user.totpEnabled,
      passkeys: await passkeyCount(ctx.db, user.id),
    };
  });

  r.post(
    '/api/account/step-up/totp',
    { schema: { tags, body: TotpCodeBody, response: { 200: Ok } } },
    async (request) => {
      const { user, session } = sessionOf(request);
      if (!owesStepUp(session)) return { ok: true as const };
      if (!user.totpEnabled || !user.totpSecret) {
        throw fieldError(
          400,
          'body.code',
          'this account has no authenticator app; add one on your Account page',
          'no_authenticator_add_one',
        );
      }
      const key = secondFactorKey(user.id);
      await assertNotLimited(limiters, request, key);
      const miss = () => fieldError(400, 'body.code', 'wrong or already used code', 'wrong_code');
      const step = matchTotp(openTotpSecret(ctx.secrets, user.id, user.totpSecret), request.body.code);
      try {
        if (step === null || !isFreshStep(step, user.totpLastStep)) throw miss();
        await markSteppedUp(user.id, session.id, 'totp', async (w) => {
          // The same replay guard as at sign-in: a code is good once, whichever door it is typed at.
          const [row] = await w.tx
            .update(users)
            .set({ totpLastStep: step })
            .where(
              and(
                eq(users.id, user.id),
                eq(users.totpEnabled, true),
                or(isNull(users.totpLastStep), lt(users.totpLastStep, step)),
              ),
            )
            .returning({ id: users.id });
          if (!row) throw miss();
        });
      } catch (err) {
        if (err instanceof HttpError && err.status === 400) {
          await recordFailure(limiters, request, key);
          request.log.info({ event: 'step_up_failed', factor: 'totp' }, 'step-up refused');
        }
        throw err;
      }
      await limiters.perAccount.reset(key);
      return { ok: true as const };
    },
  );

  r.post(
    '/api/account/step-up/passkey/options',
    { schema: { tags, response: { 200: PasskeyOptions } } },
    async (request) => {
      const { user, session } = sessionOf(request);
      const allow = await ctx.db
        .select({ id: passkeys.credentialId, transports: passkeys.transports })
        .from(passkeys)
        .where(eq(passkeys.userId, user.id));
      if (allow.length === 0)
        throw withCode(conflict('This account has no passkey; add one on your Account page'), 'no_passkey_add_one');
      const options = await generateAuthenticationOptions({
        rpID: rpIdOf(ctx.config),
        allowCredentials: allow,
        userVerification: 'preferred',
        timeout: FLOW_TTL_MS,
      });
      const flowId = await createFlow(ctx.db, {
        purpose: 'authentication',
        challenge: options.challenge,
        userId: user.id,
        sessionId: session.id,
        email: null,
      });
      return { flowId, options: options as unknown as Record<string, unknown> };
    },
  );

  r.post(
    '/api/account/step-up/passkey/verify',
    { schema: { tags, body: PasskeyAuthenticationVerifyBody, response: { 200: Ok } } },
    async (request) => {
      const { user, session } = sessionOf(request);
      const flow = await consumeFlow(ctx.db, request.body.flowId, 'authentication');
      if (flow.sessionId !== session.id || flow.userId !== user.id) {
        throw fieldError(404, 'body.flowId', 'unknown or expired ceremony; start again', 'ceremony_expired');
      }
      const key = secondFactorKey(user.id);
      await assertNotLimited(limiters, request, key);
      const response = request.body.response as unknown as AuthenticationResponseJSON;
      const credentialId = typeof response.id === 'string' ? response.id.slice(0, 1024) : '';
      const passkey = credentialId ? await findPasskeyByCredentialId(ctx.db, credentialId) : undefined;
      const refused = async (reason: string) => {
        await recordFailure(limiters, request, key);
        request.log.info({ event: 'step_up_failed', factor: 'passkey', reason }, 'step-up refused');
        return fieldError(400, 'body.response', 'the passkey was not accepted', 'passkey_refused');
      };
      if (!passkey || passkey.userId !== user.id) throw await refused('not a passkey of this account');
      let newCounter: number;
      try {
        newCounter = await verifyPasskeyAssertion(ctx.config, response, flow.challenge, passkey, false);
      } catch (err) {
        throw await refused((err as Error).message);
      }
      await markSteppedUp(user.id, session.id, 'passkey', async (w) => {
        await w.tx
          .update(passkeys)
          .set({ counter: newCounter, lastUsedAt: new Date() })
          .where(eq(passkeys.id, passkey.id));
      });
      await limiters.perAccount.reset(key);
      return { ok: true as const };
    },
  );
}
