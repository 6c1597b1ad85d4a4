import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_ORIGIN, type TestApp, TestClient } from '../../test-support/app.js';
import { authFlows, passkeys } from './schema.js';
import { SoftAuthenticator } from './test-support/soft-authenticator.js';
import { createUser } from './users.js';

const PASSWORD = 'a perfectly fine passphrase';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

let n = 0;
async function signedInUser() {
  const email = `pk${n++}@test.parley`;
  const user = await createUser(t.ctx, null, {
    email,
    displayName: 'Passkey Person',
    password: PASSWORD,
    isAdmin: false,
  });
  const client = await new TestClient(t.app).login(email, PASSWORD);
  return { user, email, client };
}

async function registerPasskey(client: TestClient, name = 'Laptop') {
  const authenticator = await SoftAuthenticator.create();
  const start = await client.post('/api/account/passkeys/registration/options');
  expect(start.statusCode, start.body).toBe(200);
  const { flowId, options } = start.json() as { flowId: string; options: PublicKeyCredentialCreationOptionsJSON };
  const response = authenticator.register(options, TEST_ORIGIN);
  const res = await client.post('/api/account/passkeys/registration/verify', { flowId, response, name });
  expect(res.statusCode, res.body).toBe(201);
  return { authenticator, flowId, response, passkeyId: res.json().id as string };
}

async function passkeyOptions(client: TestClient, body: object = {}) {
  const res = await client.post('/api/auth/passkey/options', body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { flowId: string; options: PublicKeyCredentialRequestOptionsJSON };
}

describe('passkeys', () => {
  it('registers a real attestation once, lists it, and refuses the same ceremony twice', async () => {
    const { client } = await signedInUser();
    const { authenticator, flowId, response } = await registerPasskey(client);
    const again = await client.post('/api/account/passkeys/registration/verify', { flowId, response, name: 'x' });
    expect(again.statusCode).toBe(404);
    expect(again.json().errors[0].path).toBe('body.flowId');
    const list = (await client.get('/api/account/passkeys')).json();
    expect(list.passkeys).toHaveLength(1);
    expect(list.passkeys[0]).toMatchObject({ name: 'Laptop', lastUsedAt: null });
    const [row] = await t.ctx.db.select().from(passkeys).where(eq(passkeys.credentialId, authenticator.id));
    expect(row?.transports).toEqual(['internal']);
    expect((await client.get('/api/auth/me')).json().user.passkeyCount).toBe(1);
  });

  it('refuses a registration signed for another origin', async () => {
    const { client } = await signedInUser();
    const authenticator = await SoftAuthenticator.create();
    const { flowId, options } = (await client.post('/api/account/passkeys/registration/options')).json();
    const response = authenticator.register(options, 'https://evil.example');
    const res = await client.post('/api/account/passkeys/registration/verify', { flowId, response, name: 'Evil' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('body.response');
  });

  it('finishes a password login as the second factor and keeps the counter', async () => {
    const { email, client } = await signedInUser();
    const { authenticator } = await registerPasskey(client);
    await client.post('/api/auth/logout');
    const login = await client.post('/api/auth/login', { email, password: PASSWORD });
    expect(login.json()).toEqual({ status: 'second_factor_required', methods: ['passkey'] });
    expect((await client.get('/api/auth/me')).json()).toEqual({ user: null, secondFactorPending: true });
    expect((await client.get('/api/account/passkeys')).statusCode).toBe(401);

    const { flowId, options } = await passkeyOptions(client);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([authenticator.id]);
    // As a second factor, presence is enough: the password already proved who it is.
    const response = await authenticator.authenticate(options, TEST_ORIGIN, { userVerified: false });
    const res = await client.post('/api/auth/passkey/verify', { flowId, response });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', user: { email } });
    expect((await client.get('/api/auth/me')).json().user.email).toBe(email);
    const [row] = await t.ctx.db.select().from(passkeys).where(eq(passkeys.credentialId, authenticator.id));
    expect(row?.counter).toBe(1);
    expect(row?.lastUsedAt).not.toBeNull();
  });

  it('signs in without a password only with user verification', async () => {
    const { email, client } = await signedInUser();
    const { authenticator } = await registerPasskey(client);
    const anon = new TestClient(t.app);

    const first = await passkeyOptions(anon);
    expect(first.options.userVerification).toBe('required');
    expect(first.options.allowCredentials ?? []).toEqual([]);
    const unverified = await authenticator.authenticate(first.options, TEST_ORIGIN, { userVerified: false });
    const refused = await anon.post('/api/auth/passkey/verify', { flowId: first.flowId, response: unverified });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().errors[0].path).toBe('body.response');
    expect(anon.cookie).toBeNull();

    const second = await passkeyOptions(anon, { email });
    const response = await authenticator.authenticate(second.options, TEST_ORIGIN);
    const ok = await anon.post('/api/auth/passkey/verify', { flowId: second.flowId, response });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await anon.get('/api/auth/me')).json().user.email).toBe(email);
    // The same signed answer cannot be played back: its challenge is gone.
    const replay = await new TestClient(t.app).post('/api/auth/passkey/verify', { flowId: second.flowId, response });
    expect(replay.statusCode).toBe(404);
  });

  it('refuses another account’s passkey, and one named for another email', async () => {
    const alice = await signedInUser();
    const { authenticator } = await registerPasskey(alice.client);
    const bob = await signedInUser();
    await registerPasskey(bob.client);
    await bob.client.post('/api/auth/logout');
    await bob.client.post('/api/auth/login', { email: bob.email, password: PASSWORD });
    const asSecondFactor = await passkeyOptions(bob.client);
    const response = await authenticator.authenticate(asSecondFactor.options, TEST_ORIGIN);
    const res = await bob.client.post('/api/auth/passkey/verify', { flowId: asSecondFactor.flowId, response });
    expect(res.statusCode).toBe(401);
    expect((await bob.client.get('/api/auth/me')).json().user).toBeNull();

    const anon = new TestClient(t.app);
    const forBob = await passkeyOptions(anon, { email: bob.email });
    const wrong = await authenticator.authenticate(forBob.options, TEST_ORIGIN);
    expect((await anon.post('/api/auth/passkey/verify', { flowId: forBob.flowId, response: wrong })).statusCode).toBe(
      401,
    );
    const forNobody = await passkeyOptions(anon, { email: 'nobody@test.parley' });
    expect(forNobody.options.allowCredentials ?? []).toEqual([]);
    const stray = await authenticator.authenticate(forNobody.options, TEST_ORIGIN);
    expect(
      (await anon.post('/api/auth/passkey/verify', { flowId: forNobody.flowId, response: stray })).statusCode,
    ).toBe(401);
  });

  it('refuses an expired challenge', async () => {
    const { client } = await signedInUser();
    const { authenticator } = await registerPasskey(client);
    const anon = new TestClient(t.app);
    const { flowId, options } = await passkeyOptions(anon);
    await t.ctx.db
      .update(authFlows)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(authFlows.id, flowId));
    const response = await authenticator.authenticate(options, TEST_ORIGIN);
    const res = await anon.post('/api/auth/passkey/verify', { flowId, response });
    expect(res.statusCode).toBe(404);
    expect(res.json().errors[0].path).toBe('body.flowId');
  });

  it('deletes only one’s own passkeys', async () => {
    const alice = await signedInUser();
    const { passkeyId } = await registerPasskey(alice.client);
    const bob = await signedInUser();
    expect((await bob.client.delete(`/api/account/passkeys/${passkeyId}`)).statusCode).toBe(404);
    expect((await alice.client.delete(`/api/account/passkeys/${passkeyId}`)).statusCode).toBe(200);
    expect((await alice.client.get('/api/account/passkeys')).json().passkeys).toEqual([]);
  });
});
