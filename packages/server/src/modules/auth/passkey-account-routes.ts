import { IdParams, Ok, Passkey, PasskeyList, PasskeyOptions, PasskeyRegistrationVerifyBody } from '@parley/protocol';
import {
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { conflict, fieldError } from '../../http/errors.js';
import { runWrite } from '../../services/write.js';
import { requireUser } from './plugin.js';
import { passkeys } from './schema.js';
import {
  consumeFlow,
  createFlow,
  FLOW_TTL_MS,
  findPasskeyByCredentialId,
  passkeyDto,
  rpIdOf,
  verifyTarget,
} from './webauthn.js';

/** Registering, listing and removing the signed-in person's own passkeys. */
export async function passkeyAccountRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['account'];

  r.get('/api/account/passkeys', { schema: { tags, response: { 200: PasskeyList } } }, async (request) => {
    const user = requireUser(request);
    const rows = await ctx.db
      .select()
      .from(passkeys)
      .where(eq(passkeys.userId, user.id))
      .orderBy(asc(passkeys.createdAt));
    return { passkeys: rows.map(passkeyDto) };
  });

  r.post(
    '/api/account/passkeys/registration/options',
    { schema: { tags, response: { 200: PasskeyOptions } } },
    async (request) => {
      const user = requireUser(request);
      const existing = await ctx.db.select().from(passkeys).where(eq(passkeys.userId, user.id));
      const options = await generateRegistrationOptions({
        rpName: ctx.config.rpName,
        rpID: rpIdOf(ctx.config),
        userName: user.email,
        userDisplayName: user.displayName,
        // A random per-account handle, so the authenticator never stores the email or database id.
        userID: isoBase64URL.toBuffer(user.webauthnUserId),
        attestationType: 'none',
        excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
        // Discoverable where possible, so the same passkey can later sign in without a password.
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
        timeout: FLOW_TTL_MS,
      });
      const flowId = await createFlow(ctx.db, {
        purpose: 'registration',
        challenge: options.challenge,
        userId: user.id,
      });
      return { flowId, options: options as unknown as Record<string, unknown> };
    },
  );

  r.post(
    '/api/account/passkeys/registration/verify',
    { schema: { tags, body: PasskeyRegistrationVerifyBody, response: { 201: Passkey } } },
    async (request, reply) => {
      const user = requireUser(request);
      const { flowId, response, name } = request.body;
      const flow = await consumeFlow(ctx.db, flowId, 'registration');
      if (flow.userId !== user.id)
        throw fieldError(404, 'body.flowId', 'unknown or expired ceremony; start again', 'ceremony_expired');
      let credential: { id: string; publicKey: Uint8Array; counter: number; transports?: string[] };
      try {
        const verified = await verifyRegistrationResponse({
          response: response as unknown as RegistrationResponseJSON,
          expectedChallenge: flow.challenge,
          ...verifyTarget(ctx.config),
          // Registration happens inside a signed-in session; user verification is demanded at passwordless login.
          requireUserVerification: false,
        });
        if (!verified.verified) throw new Error('not verified');
        credential = verified.registrationInfo.credential;
      } catch (err) {
        request.log.info({ event: 'passkey_registration_failed', reason: (err as Error).message }, 'passkey refused');
        throw fieldError(400, 'body.response', 'the passkey response could not be verified', 'passkey_refused');
      }
      if (await findPasskeyByCredentialId(ctx.db, credential.id)) {
        throw conflict('This passkey is already registered', undefined, [
          { path: 'body.response', message: 'already registered', code: 'already_registered' },
        ]);
      }
      const row = await runWrite(ctx, user.id, async (w) => {
        const [p] = await w.tx
          .insert(passkeys)
          .values({
            userId: user.id,
            credentialId: credential.id,
            publicKey: isoBase64URL.fromBuffer(credential.publicKey as Uint8Array<ArrayBuffer>),
            counter: credential.counter,
            transports: credential.transports ?? [],
            name,
          })
          .returning();
        await w.audit({
          action: 'auth.passkey_add',
          resourceType: 'passkey',
          resourceId: p!.id,
          groupId: null,
          sideId: null,
          marking: 'shared',
          after: { id: p!.id, name, userId: user.id },
        });
        return p!;
      });
      reply.status(201);
      return passkeyDto(row);
    },
  );

  r.delete(
    '/api/account/passkeys/:id',
    { schema: { tags, params: IdParams, response: { 200: Ok } } },
    async (request) => {
      const user = requireUser(request);
      const { id } = request.params;
      await runWrite(ctx, user.id, async (w) => {
        const [gone] = await w.tx
          .delete(passkeys)
          .where(and(eq(passkeys.id, id), eq(passkeys.userId, user.id)))
          .returning({ id: passkeys.id });
        if (!gone) throw fieldError(404, 'params.id', 'no such passkey', 'no_such_passkey');
        await w.audit({
          action: 'auth.passkey_remove',
          resourceType: 'passkey',
          resourceId: id,
          groupId: null,
          sideId: null,
          marking: 'shared',
        });
      });
      return { ok: true as const };
    },
  );
}
