import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type KoaContext, Provider } from 'oidc-provider';

/**
 * A real OpenID Connect provider (oidc-provider) on loopback, for tests: one client (Parley), a login form that
 * checks a password, consent given at once. Accounts can be added and removed while it runs, as at a ministry's
 * directory; a removed account can no longer sign in and its refresh tokens are refused.
 */
export interface TestAccount {
  login: string;
  password: string;
  email: string;
  emailVerified: boolean;
  name: string;
  agency?: string;
  groups?: string[];
}

export interface TestProviderOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  accounts: TestAccount[];
  port?: number;
  /** Sign ID tokens with this algorithm (HS256 makes tokens Parley must refuse). */
  idTokenAlg?: 'RS256' | 'HS256';
}

export interface TestProvider {
  issuer: string;
  port: number;
  accounts: Map<string, TestAccount>;
  close(): Promise<void>;
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginForm(uid: string, error?: string) {
  return page(
    'Ministry sign-in',
    `${error ? `<p role="alert">${esc(error)}</p>` : ''}<form method="post" action="/interaction/${esc(uid)}/login">` +
      '<label>Username <input name="login" autocomplete="off" required></label> ' +
      '<label>Password <input name="password" type="password" required></label> ' +
      '<button type="submit">Sign in</button></form>',
  );
}

async function formBody(ctx: KoaContext): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of ctx.req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startTestProvider(opts: TestProviderOptions): Promise<TestProvider> {
  const accounts = new Map(opts.accounts.map((a) => [a.login, a]));
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        redirect_uris: [opts.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: opts.idTokenAlg ?? 'RS256',
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: ['test-provider-cookie-key'] },
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'HS256'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'agency', 'groups'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` },
    pkce: { required: () => true },
    findAccount: (_ctx: unknown, id: string) => {
      const a = accounts.get(id);
      if (!a) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          email: a.email,
          email_verified: a.emailVerified,
          name: a.name,
          ...(a.agency ? { agency: a.agency } : {}),
          ...(a.groups ? { groups: a.groups } : {}),
        }),
      };
    },
  });

  provider.use(async (ctx, next) => {
    const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec(ctx.path);
    if (!m) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name === 'consent') {
      const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: opts.clientId });
      grant.addOIDCScope('openid email profile offline_access');
      grant.addOIDCClaims(['email', 'email_verified', 'name', 'agency', 'groups']);
      // The test provider trusts its only client: consent is given without asking the person.
      const grantId = await grant.save();
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { consent: { grantId } }));
      return;
    }
    if (ctx.method === 'POST' && m[2]) {
      const form = await formBody(ctx);
      const a = accounts.get(form.get('login') ?? '');
      if (!a || a.password !== form.get('password')) {
        ctx.type = 'html';
        ctx.status = 200;
        ctx.body = loginForm(details.uid, 'Unknown account or wrong password');
        return;
      }
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: a.login } }));
      return;
    }
    ctx.type = 'html';
    ctx.body = loginForm(details.uid);
  });

  server.on('request', provider.callback());
  return {
    issuer,
    port,
    accounts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
