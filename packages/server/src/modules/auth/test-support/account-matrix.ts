import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { randomToken, sha256Hex } from '../../../lib/crypto.js';
import { TEST_ORIGIN } from '../../../test-support/app.js';
import type { MatrixCase } from '../../../test-support/matrix.js';
import type { Persona, World } from '../../../test-support/world.js';
import { passkeys, sessions, users } from '../schema.js';
import { newTotpSecret } from '../totp.js';
import { createUser } from '../users.js';
import { SoftAuthenticator } from './soft-authenticator.js';

const SIGNED_IN = ['admin', 'chairA', 'memberA', 'observerA', 'chairB', 'memberB', 'outsider'] as const;
const EVERYONE = [...SIGNED_IN, 'anonymous'] as const;

/** The persona's own user; anonymous callers are pointed at the admin's things (and must be refused). */
const ownerOf = (w: World, persona: Persona) => w.users[persona === 'anonymous' ? 'admin' : persona].id;

async function setTotp(w: World, persona: Persona, enabled: boolean): Promise<string> {
  const secret = newTotpSecret();
  await w.ctx.db
    .update(users)
    .set({ totpSecret: secret, totpEnabled: enabled, totpLastStep: null })
    .where(eq(users.id, ownerOf(w, persona)));
  return new TOTP({ secret: Secret.fromBase32(secret) }).generate();
}

/** One discoverable passkey per world, registered to a dedicated account for the passwordless-login row. */
const passwordless = new WeakMap<World, Promise<SoftAuthenticator>>();
function passwordlessAuthenticator(w: World): Promise<SoftAuthenticator> {
  let p = passwordless.get(w);
  if (!p) {
    p = (async () => {
      const u = await createUser(w.ctx, null, {
        email: 'passkey-matrix@test.parley',
        displayName: 'Passkey Matrix',
        password: null,
        isAdmin: false,
      });
      const authenticator = await SoftAuthenticator.create();
      authenticator.userHandle = u.webauthnUserId;
      await w.ctx.db.insert(passkeys).values({
        userId: u.id,
        credentialId: authenticator.id,
        publicKey: isoBase64URL.fromBuffer(authenticator.cosePublicKey as Uint8Array<ArrayBuffer>),
        name: 'Matrix',
      });
      return authenticator;
    })();
    passwordless.set(w, p);
  }
  return p;
}

export const accountMatrix: MatrixCase[] = [
  {
    route: 'POST /api/auth/login/totp',
    allow: [],
    why: 'only a pending second-factor session may finish a login; every persona is either signed out or already fully signed in (the flow itself is covered by totp.api.test.ts)',
    request: () => ({ url: '/api/auth/login/totp', body: { code: '123456' } }),
  },
  {
    route: 'POST /api/auth/passkey/options',
    allow: EVERYONE,
    why: 'anyone may start a passwordless ceremony; the options reveal no account',
    request: () => ({ url: '/api/auth/passkey/options', body: {} }),
  },
  {
    route: 'POST /api/auth/passkey/verify',
    allow: EVERYONE,
    why: 'whoever holds a passkey may sign in with it; the row signs in a dedicated passkey account',
    request: async (w) => {
      const authenticator = await passwordlessAuthenticator(w);
      const start = await (await w.client('anonymous')).post('/api/auth/passkey/options', {});
      const { flowId, options } = start.json() as { flowId: string; options: PublicKeyCredentialRequestOptionsJSON };
      return {
        url: '/api/auth/passkey/verify',
        body: { flowId, response: await authenticator.authenticate(options, TEST_ORIGIN) },
      };
    },
  },
  { route: 'GET /api/account/sessions', allow: SIGNED_IN, request: () => ({ url: '/api/account/sessions' }) },
  {
    route: 'DELETE /api/account/sessions/{id}',
    allow: SIGNED_IN,
    why: 'one’s own other session; anyone else’s is a 404 (sessions.api.test.ts)',
    request: async (w, persona) => {
      const [s] = await w.ctx.db
        .insert(sessions)
        .values({
          tokenHash: sha256Hex(randomToken()),
          userId: ownerOf(w, persona),
          stage: 'full',
          expiresAt: new Date(Date.now() + 3_600_000),
        })
        .returning({ id: sessions.id });
      return { url: `/api/account/sessions/${s!.id}` };
    },
  },
  {
    route: 'PUT /api/account/theme',
    allow: SIGNED_IN,
    why: 'one’s own look of the app, nobody else’s',
    request: () => ({ url: '/api/account/theme', body: { theme: 'dark' } }),
  },
  {
    route: 'PUT /api/account/language',
    allow: SIGNED_IN,
    why: 'one’s own language of the app, nobody else’s',
    request: () => ({ url: '/api/account/language', body: { language: 'he' } }),
  },
  {
    route: 'POST /api/account/password',
    allow: SIGNED_IN,
    why: 'changing one’s own password needs the current one; the row sets the same password again',
    request: (w) => ({ url: '/api/account/password', body: { currentPassword: w.password, newPassword: w.password } }),
  },
  {
    route: 'POST /api/account/totp/enrol',
    allow: SIGNED_IN,
    request: async (w, persona) => {
      await w.ctx.db
        .update(users)
        .set({ totpEnabled: false })
        .where(eq(users.id, ownerOf(w, persona)));
      return { url: '/api/account/totp/enrol' };
    },
  },
  {
    route: 'POST /api/account/totp/confirm',
    allow: SIGNED_IN,
    request: async (w, persona) => ({
      url: '/api/account/totp/confirm',
      body: { code: await setTotp(w, persona, false) },
    }),
  },
  {
    route: 'POST /api/account/totp/disable',
    allow: SIGNED_IN,
    request: async (w, persona) => ({
      url: '/api/account/totp/disable',
      body: { code: await setTotp(w, persona, true) },
    }),
  },
  { route: 'GET /api/account/passkeys', allow: SIGNED_IN, request: () => ({ url: '/api/account/passkeys' }) },
  {
    route: 'POST /api/account/passkeys/registration/options',
    allow: SIGNED_IN,
    request: () => ({ url: '/api/account/passkeys/registration/options', body: {} }),
  },
  {
    route: 'POST /api/account/passkeys/registration/verify',
    allow: SIGNED_IN,
    why: 'the row runs a real registration ceremony for the persona’s own account',
    request: async (w, persona) => {
      const start = await (await w.client(persona)).post('/api/account/passkeys/registration/options', {});
      if (start.statusCode !== 200) {
        return {
          url: '/api/account/passkeys/registration/verify',
          body: { flowId: crypto.randomUUID(), response: {} },
        };
      }
      const { flowId, options } = start.json();
      const response = (await SoftAuthenticator.create()).register(options, TEST_ORIGIN);
      return { url: '/api/account/passkeys/registration/verify', body: { flowId, response, name: 'Matrix key' } };
    },
  },
  {
    route: 'DELETE /api/account/passkeys/{id}',
    allow: SIGNED_IN,
    why: 'one’s own passkey; anyone else’s is a 404 (passkeys.api.test.ts)',
    request: async (w, persona) => {
      const [p] = await w.ctx.db
        .insert(passkeys)
        .values({ userId: ownerOf(w, persona), credentialId: randomToken(16), publicKey: 'AA', name: 'Old key' })
        .returning({ id: passkeys.id });
      return { url: `/api/account/passkeys/${p!.id}` };
    },
  },
];
