import { LoginResult, PasskeyAuthenticationVerifyBody, PasskeyOptions, PasskeyOptionsBody } from '@parley/protocol';
import { type AuthenticationResponseJSON, generateAuthenticationOptions } from '@simplewebauthn/server';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { HttpError, unauthorized } from '../../http/errors.js';
import { assertNotLimited, type LoginLimiters, recordFailure, secondFactorKey } from './login-routes.js';
import { findUserById, toUserDto } from './queries.js';
import { passkeys } from './schema.js';
import { startSession } from './sessions.js';
import {
  consumeFlow,
  createFlow,
  FLOW_TTL_MS,
  findPasskeyByCredentialId,
  rpIdOf,
  verifyPasskeyAssertion,
} from './webauthn.js';

const refused = () =>
  new HttpError(
    401,
    'Unauthorized',
    'The passkey was not accepted',
    [{ path: 'body.response', message: 'not accepted', code: 'passkey_refused' }],
    { code: 'passkey_refused' },
  );

/**
 * Passkey sign-in, two ways. After the password step (a `second_factor` session) it is the second factor and
 * must be one of that account's credentials. Without a session it is a passwordless login with a discoverable
 * credential, and the authenticator must have verified the user (PIN or biometric), since it is the only factor.
 */
export async function passkeyLoginRoutes(app: FastifyInstance, opts: { ctx: AppContext; limiters: LoginLimiters }) {
  const { ctx, limiters } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];

  r.post(
    '/api/auth/passkey/options',
    { schema: { tags, body: PasskeyOptionsBody, response: { 200: PasskeyOptions } } },
    async (request) => {
      const pending = request.auth.session?.stage === 'second_factor' ? request.auth.session : null;
      // Credential ids are listed only once the password has been checked; a bare email gets the same answer
      // whether or not it has an account (no enumeration), and only narrows whose passkey may answer.
      const allow = pending
        ? await ctx.db
            .select({ id: passkeys.credentialId, transports: passkeys.transports })
            .from(passkeys)
            .where(eq(passkeys.userId, pending.userId))
        : undefined;
      const options = await generateAuthenticationOptions({
        rpID: rpIdOf(ctx.config),
        ...(allow ? { allowCredentials: allow } : {}),
        userVerification: pending ? 'preferred' : 'required',
        timeout: FLOW_TTL_MS,
      });
      const flowId = await createFlow(ctx.db, {
        purpose: 'authentication',
        challenge: options.challenge,
        userId: pending?.userId ?? null,
        sessionId: pending?.id ?? null,
        email: pending ? null : (request.body.email ?? null),
      });
      return { flowId, options: options as unknown as Record<string, unknown> };
    },
  );

  r.post(
    '/api/auth/passkey/verify',
    { schema: { tags, body: PasskeyAuthenticationVerifyBody, response: { 200: LoginResult } } },
    async (request, reply) => {
      const flow = await consumeFlow(ctx.db, request.body.flowId, 'authentication');
      const response = request.body.response as unknown as AuthenticationResponseJSON;
      const secondFactor = flow.sessionId !== null;
      if (secondFactor && request.auth.session?.id !== flow.sessionId) {
        throw unauthorized('Finish the sign-in in the browser that started it');
      }
      const credentialId = typeof response.id === 'string' ? response.id.slice(0, 1024) : '';
      const passkey = credentialId ? await findPasskeyByCredentialId(ctx.db, credentialId) : undefined;
      const accountKey = secondFactorKey(flow.userId ?? passkey?.userId ?? `credential:${credentialId}`);
      await assertNotLimited(limiters, request, accountKey);
      const owner = passkey ? await findUserById(ctx.db, passkey.userId) : undefined;
      const fail = async (reason: string) => {
        await recordFailure(limiters, request, accountKey);
        request.log.info({ event: 'passkey_login_failed', reason }, 'passkey refused');
        return refused();
      };
      if (!passkey || !owner) throw await fail('unknown credential');
      if (flow.userId && passkey.userId !== flow.userId) throw await fail('credential of another account');
      if (flow.email && owner.email !== flow.email) throw await fail('credential of another email');
      const handle = response.response?.userHandle;
      if (handle && handle !== owner.webauthnUserId) throw await fail('user handle mismatch');
      let newCounter: number;
      try {
        newCounter = await verifyPasskeyAssertion(ctx.config, response, flow.challenge, passkey, !secondFactor);
      } catch (err) {
        throw await fail((err as Error).message);
      }
      await startSession(
        ctx,
        request,
        reply,
        owner.id,
        'full',
        secondFactor ? 'auth.login' : 'auth.login_passkey',
        (w) =>
          w.tx
            .update(passkeys)
            .set({ counter: newCounter, lastUsedAt: new Date() })
            .where(eq(passkeys.id, passkey.id))
            .then(() => undefined),
      );
      await limiters.perAccount.reset(accountKey);
      return { status: 'ok' as const, user: await toUserDto(ctx.db, owner) };
    },
  );
}
