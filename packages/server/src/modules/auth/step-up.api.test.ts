import { createHash } from 'node:crypto';
import { mlsContext } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, TestClient } from '../../test-support/app.js';
import { buildWorld, type World } from '../../test-support/world.js';
import { auditLog } from '../audit/schema.js';
import { redirectUri } from '../identity/oidc-client.js';
import { signInThrough } from '../identity/test-support/browserless-sign-in.js';
import { startTestProvider, type TestProvider } from '../identity/test-support/test-provider.js';
import { sessions } from './schema.js';

/** A chair who signs in at a real OpenID Connect provider, in a group that asks chairs for a step-up. */
let t: TestApp;
let w: World;
let admin: TestClient;
let ministry: TestProvider;
let providerId: string;

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
/** A real code of the authenticator app `steps` periods from now (the server accepts one period either side). */
const codeOf = (secret: string, steps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + steps * 30_000 });

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
  admin = await w.client('admin');
  ministry = await startTestProvider({
    clientId: 'parley',
    clientSecret: 'secret-Ministry',
    redirectUri: redirectUri(t.ctx),
    accounts: [
      {
        login: 'cara',
        password: 'pw-cara',
        email: 'cara@home.example',
        emailVerified: true,
        name: 'Cara Chair',
        groups: ['parley-chairs'],
      },
    ],
  });
  const reg = await admin.post('/api/admin/identity-providers', {
    name: 'Ministry',
    issuer: ministry.issuer,
    clientId: 'parley',
    clientSecret: 'secret-Ministry',
    roleClaim: 'groups',
    roleMap: { chair: 'parley-chairs' },
  });
  expect(reg.statusCode, reg.body).toBe(201);
  providerId = reg.json().id;
  const bind = await admin.put(`/api/groups/${w.group.id}/sides/${w.sideA}/identity-provider`, { providerId });
  expect(bind.statusCode, bind.body).toBe(200);
}, 180_000);
afterAll(async () => {
  await t.close();
  await ministry.close();
});

async function signInCara(): Promise<TestClient> {
  const res = await signInThrough(t.app, providerId, 'cara', 'pw-cara');
  expect(res.location).toBe('/');
  const client = new TestClient(t.app);
  client.cookie = res.session!;
  return client;
}

async function draft(text: string) {
  const res = await (await w.client('memberA')).post(`/api/groups/${w.group.id}/statements`, { text });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** The back channel between the two sides: 404 while nobody has opened it yet, once the caller may reach it. */
const backChannel = () =>
  `/api/mls/groups?context=${encodeURIComponent(mlsContext({ kind: 'backchannel', groupId: w.group.id, sideIds: [w.sideA, w.sideB] }))}`;

const approvalsOf = async (id: string) =>
  (await (await w.client('memberA')).get(`/api/statements/${id}`)).json().approvals as unknown[];

describe('chair step-up after an identity provider’s sign-in', () => {
  let cara: TestClient;
  let secret: string;

  it('asks nothing while the group does not require it', async () => {
    cara = await signInCara();
    const status = await cara.get('/api/account/step-up');
    expect(status.json()).toEqual({ owed: true, steppedUp: false, totp: false, passkeys: 0 });
    const text = 'Both sides welcome the first round.';
    const ok = await cara.post(`/api/statements/${await draft(text)}/approvals`, { textHash: sha(text) });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('is a group setting the administrator turns on, audited', async () => {
    expect(
      (await (await w.client('chairA')).patch(`/api/groups/${w.group.id}`, { chairStepUp: true })).statusCode,
    ).toBe(403);
    const res = await admin.patch(`/api/groups/${w.group.id}`, { chairStepUp: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().chairStepUp).toBe(true);
    const entries = await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'group.update'));
    expect(entries.at(-1)!.afterDigest).not.toBe(entries.at(-1)!.beforeDigest);
  });

  it('refuses a chair without a second factor and says how to add one; nothing is stored', async () => {
    const text = 'The sides agree to meet again.';
    const id = await draft(text);
    const res = await cara.post(`/api/statements/${id}/approvals`, { textHash: sha(text) });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'chair_step_up_no_factor' });
    expect(res.json().detail).toMatch(/Account page/);
    expect(await approvalsOf(id)).toEqual([]);
    // The back channel is a chair's power too: refused with the same code, while a password chair reaches it.
    const thread = await cara.get(backChannel());
    expect(thread.statusCode).toBe(403);
    expect(thread.json()).toMatchObject({ code: 'chair_step_up_no_factor' });
    expect((await (await w.client('chairB')).get(backChannel())).statusCode).toBe(404);
    // Reading stays as it was: only chair powers wait.
    expect((await cara.get(`/api/groups/${w.group.id}`)).json().myMembership).toMatchObject({ role: 'chair' });
  });

  it('refuses a chair with an authenticator app until a real code is confirmed, then lets them approve', async () => {
    const enrol = await cara.post('/api/account/totp/enrol', {});
    expect(enrol.statusCode, enrol.body).toBe(200);
    secret = enrol.json().secret;
    const spent = codeOf(secret);
    const confirm = await cara.post('/api/account/totp/confirm', { code: spent });
    expect(confirm.statusCode, confirm.body).toBe(200);

    const text = 'Expert talks begin in March.';
    const id = await draft(text);
    const refused = await cara.post(`/api/statements/${id}/approvals`, { textHash: sha(text) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'chair_step_up_required' });
    expect(await approvalsOf(id)).toEqual([]);

    // A wrong code, and the code already used to confirm the app, are refused and step nothing up.
    const wrong = await cara.post('/api/account/step-up/totp', {
      code: spent === '000000' ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].path).toBe('body.code');
    // The spent code itself, not one recomputed now: a period boundary crossed since would make that one fresh.
    const replay = await cara.post('/api/account/step-up/totp', { code: spent });
    expect(replay.statusCode).toBe(400);
    expect((await cara.get('/api/account/step-up')).json().steppedUp).toBe(false);
    expect((await cara.post(`/api/statements/${id}/approvals`, { textHash: sha(text) })).json().code).toBe(
      'chair_step_up_required',
    );

    const stepped = await cara.post('/api/account/step-up/totp', { code: codeOf(secret, 1) });
    expect(stepped.statusCode, stepped.body).toBe(200);
    expect((await cara.get('/api/account/step-up')).json()).toMatchObject({ owed: true, steppedUp: true, totp: true });
    const audit = await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'auth.step_up'));
    expect(audit).toHaveLength(1);

    const ok = await cara.post(`/api/statements/${id}/approvals`, { textHash: sha(text) });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await approvalsOf(id)).toHaveLength(1);
    expect((await cara.get(backChannel())).statusCode).toBe(404);
  });

  it('lasts for the session only: a new sign-in at the provider owes it again', async () => {
    const again = await signInCara();
    const text = 'A new session, a new confirmation.';
    const id = await draft(text);
    const res = await again.post(`/api/statements/${id}/approvals`, { textHash: sha(text) });
    expect(res.json()).toMatchObject({ code: 'chair_step_up_required' });
    expect((await again.get(backChannel())).json()).toMatchObject({ code: 'chair_step_up_required' });
    const oidcSessions = await t.ctx.db.select().from(sessions).where(eq(sessions.method, 'oidc'));
    expect(oidcSessions.map((s) => s.steppedUpAt !== null).sort()).toEqual([false, true]);
  });

  it('leaves password sessions alone: their second factor is Parley’s own', async () => {
    const text = 'Chairs signed in with a password approve as before.';
    const id = await draft(text);
    const res = await (await w.client('chairB')).post(`/api/statements/${id}/approvals`, { textHash: sha(text) });
    expect(res.statusCode, res.body).toBe(200);
    expect(await new TestClient(t.app).get('/api/account/step-up')).toMatchObject({ statusCode: 401 });
  });
});
