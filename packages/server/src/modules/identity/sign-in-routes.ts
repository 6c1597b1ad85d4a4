import { IdParams, type OidcRefusal, SignInProviderList } from '@parley/protocol';
import { and, asc, eq, gt, lt } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import * as oidc from 'openid-client';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { sha256Hex } from '../../lib/crypto.js';
import { runWrite } from '../../services/write.js';
import { startSession } from '../auth/sessions.js';
import { identityFromClaims, SignInRefused } from './claims.js';
import { type ProviderRow, providerConfig, redirectUri, SCOPES } from './oidc-client.js';
import { provision } from './provisioning.js';
import { identityFlows, identityProviders } from './schema.js';

const FLOW_TTL_MS = 10 * 60_000;
/**
 * Binds a sign-in to the browser that started it (a stranger's callback URL does not sign you in as them).
 * SameSite=Lax, unlike the session cookie: the provider sends the browser back with a cross-site navigation.
 */
const STATE_COOKIE = 'parley_oidc_state';
const COOKIE_PATH = '/api/auth/oidc';

const CallbackQuery = z.looseObject({
  code: z.string().max(2000).optional(),
  state: z.string().max(500).optional(),
  iss: z.string().max(500).optional(),
  error: z.string().max(200).optional(),
});

/** Errors of openid-client that mean the ID token or the response around it is not to be trusted. */
function refusalOf(err: unknown): OidcRefusal {
  if (err instanceof SignInRefused) return err.code;
  if (err instanceof oidc.AuthorizationResponseError) return 'provider_error';
  const e = err as { code?: string; message?: string; cause?: { claim?: string } };
  if (e.message?.includes('"iss"') || e.cause?.claim === 'iss') return 'wrong_issuer';
  if (e.code?.startsWith('OAUTH_') || err instanceof oidc.ClientError) return 'token_invalid';
  return 'provider_unreachable';
}

export async function signInRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];
  const cookieOptions = () => ({
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.config.secureCookies,
    path: COOKIE_PATH,
  });
  const refuse = (request: FastifyRequest, reply: FastifyReply, code: OidcRefusal, err?: unknown) => {
    request.log.info(
      { event: 'oidc_refused', code, reason: err instanceof Error ? err.message : undefined },
      'OIDC sign-in refused',
    );
    return reply.redirect(`/sign-in?oidc_error=${code}`, 303);
  };

  r.get('/api/auth/providers', { schema: { tags, response: { 200: SignInProviderList } } }, async () => ({
    providers: await ctx.db
      .select({ id: identityProviders.id, name: identityProviders.name })
      .from(identityProviders)
      .orderBy(asc(identityProviders.name)),
  }));

  r.get('/api/auth/oidc/:id/start', { schema: { tags, params: IdParams } }, async (request, reply) => {
    const [p] = await ctx.db.select().from(identityProviders).where(eq(identityProviders.id, request.params.id));
    if (!p) throw notFound('Identity provider');
    let config: oidc.Configuration;
    try {
      config = await providerConfig(ctx, p);
    } catch (err) {
      // The discovery document names another issuer than the one registered.
      const mismatch = (err as { code?: string }).code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED';
      return refuse(request, reply, mismatch ? 'wrong_issuer' : 'provider_unreachable', err);
    }
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const now = new Date();
    // Bookkeeping of a ceremony in progress, like a passkey challenge: not a change anyone acts on, no audit entry.
    await ctx.db.delete(identityFlows).where(lt(identityFlows.expiresAt, now));
    await ctx.db.insert(identityFlows).values({
      stateHash: sha256Hex(state),
      nonce,
      codeVerifier,
      providerId: p.id,
      expiresAt: new Date(now.getTime() + FLOW_TTL_MS),
    });
    reply.setCookie(STATE_COOKIE, state, { ...cookieOptions(), maxAge: FLOW_TTL_MS / 1000 });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri(ctx),
      scope: SCOPES,
      // Providers issue the refresh token that `offline_access` asks for only when consent was asked.
      prompt: 'consent',
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return reply.redirect(url.toString(), 303);
  });

  r.get('/api/auth/oidc/callback', { schema: { tags, querystring: CallbackQuery } }, async (request, reply) => {
    const q = request.query;
    const bound = request.cookies[STATE_COOKIE];
    reply.clearCookie(STATE_COOKIE, cookieOptions());
    if (!q.state) return refuse(request, reply, 'flow_missing');
    const [flow] = await ctx.db
      .delete(identityFlows)
      .where(and(eq(identityFlows.stateHash, sha256Hex(q.state)), gt(identityFlows.expiresAt, new Date())))
      .returning();
    if (!flow) return refuse(request, reply, bound ? 'state_mismatch' : 'flow_missing');
    if (bound !== q.state) return refuse(request, reply, 'state_mismatch');
    const [p] = await ctx.db.select().from(identityProviders).where(eq(identityProviders.id, flow.providerId));
    if (!p) return refuse(request, reply, 'flow_missing');
    if (q.error) return refuse(request, reply, 'provider_error', new Error(q.error));
    if (q.iss !== undefined && q.iss !== p.issuer) return refuse(request, reply, 'wrong_issuer');
    try {
      const userId = await completeSignIn(ctx, p, request, flow);
      await startSession(ctx, request, reply, userId, 'full', 'auth.login_oidc', undefined, 'oidc');
    } catch (err) {
      return refuse(request, reply, refusalOf(err), err);
    }
    return reply.redirect('/', 303);
  });
}

/** Exchanges the code (PKCE, state, nonce, signature, issuer, audience, expiry all checked) and seats the person. */
async function completeSignIn(
  ctx: AppContext,
  p: ProviderRow,
  request: FastifyRequest,
  flow: { nonce: string; codeVerifier: string },
): Promise<string> {
  const config = await providerConfig(ctx, p);
  const callback = new URL(redirectUri(ctx));
  callback.search = new URL(request.url, 'http://x').search;
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: flow.codeVerifier,
    expectedState: (request.query as { state: string }).state,
    expectedNonce: flow.nonce,
    idTokenExpected: true,
  });
  const idClaims = tokens.claims();
  if (!idClaims) throw new SignInRefused('token_invalid');
  // Many providers put email and groups in userinfo only; its subject must be the ID token's.
  const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
  const who = identityFromClaims(p, { ...idClaims, ...pick(info) });
  return runWrite(ctx, null, (w) => provision(ctx, w, p, who, tokens.refresh_token ?? null));
}

/** userinfo's answer for the claims Parley maps wins over an ID token that may carry an older copy. */
const pick = (info: Record<string, unknown>) => {
  const { sub: _sub, ...rest } = info;
  return rest;
};
