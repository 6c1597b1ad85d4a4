import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { TEST_ORIGIN } from '../../../test-support/app.js';
import type { MatrixCase } from '../../../test-support/matrix.js';
import type { Persona, World } from '../../../test-support/world.js';
import { passkeys } from '../schema.js';
import { SoftAuthenticator } from './soft-authenticator.js';

const SIGNED_IN = ['admin', 'chairA', 'memberA', 'observerA', 'chairB', 'memberB', 'outsider'] as const;

/** A fresh passkey of the persona's own (the admin's for anonymous callers, who must be refused all the same). */
async function withPasskey(w: World, persona: Persona): Promise<SoftAuthenticator> {
  const authenticator = await SoftAuthenticator.create();
  await w.ctx.db.insert(passkeys).values({
    userId: w.users[persona === 'anonymous' ? 'admin' : persona].id,
    credentialId: authenticator.id,
    publicKey: isoBase64URL.fromBuffer(authenticator.cosePublicKey as Uint8Array<ArrayBuffer>),
    name: 'Step-up key',
  });
  return authenticator;
}

export const stepUpMatrix: MatrixCase[] = [
  { route: 'GET /api/account/step-up', allow: SIGNED_IN, request: () => ({ url: '/api/account/step-up' }) },
  {
    route: 'POST /api/account/step-up/totp',
    allow: SIGNED_IN,
    why: 'a password session owes no step-up, so the call is a no-op for the matrix personas (step-up.api.test.ts runs real codes)',
    request: () => ({ url: '/api/account/step-up/totp', body: { code: '123456' } }),
  },
  {
    route: 'POST /api/account/step-up/passkey/options',
    allow: SIGNED_IN,
    request: async (w, persona) => {
      await withPasskey(w, persona);
      return { url: '/api/account/step-up/passkey/options', body: {} };
    },
  },
  {
    route: 'POST /api/account/step-up/passkey/verify',
    allow: SIGNED_IN,
    why: 'the row runs a real ceremony with a passkey of the persona’s own, bound to their own session',
    request: async (w, persona) => {
      const authenticator = await withPasskey(w, persona);
      const client = await w.client(persona);
      const start = await client.post('/api/account/step-up/passkey/options', {});
      if (start.statusCode !== 200) {
        return { url: '/api/account/step-up/passkey/verify', body: { flowId: crypto.randomUUID(), response: {} } };
      }
      const { flowId, options } = start.json() as { flowId: string; options: PublicKeyCredentialRequestOptionsJSON };
      return {
        url: '/api/account/step-up/passkey/verify',
        body: { flowId, response: await authenticator.authenticate(options, TEST_ORIGIN) },
        ...(client.cookie ? { cookie: client.cookie } : {}),
      };
    },
  },
];
