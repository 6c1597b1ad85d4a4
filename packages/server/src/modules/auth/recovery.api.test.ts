import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomToken } from '../../lib/crypto.js';
import { createTestApp, type TestApp, TestClient } from '../../test-support/app.js';
import { sessionCookieFor } from '../../test-support/world.js';
import { auditLog } from '../audit/schema.js';
import { passkeys, recoveryCodes, sessions } from './schema.js';
import { createUser } from './users.js';

const PASSWORD = 'a perfectly fine passphrase';
let t: TestApp;
let admin: TestClient;
beforeAll(async () => {
  t = await createTestApp();
  await createUser(t.ctx, null, { email: 'root@test.parley', displayName: 'Root', password: PASSWORD, isAdmin: true });
  admin = await new TestClient(t.app).login('root@test.parley', PASSWORD);
});
afterAll(() => t.close());

let n = 0;
async function person(opts: { secondFactor?: boolean } = {}) {
  const email = `person${n++}@test.parley`;
  const u = await createUser(t.ctx, null, { email, displayName: 'Person', password: PASSWORD, isAdmin: false });
  // A passkey record is enough to make the password only the first step (the ceremony has its own tests).
  if (opts.secondFactor)
    await t.ctx.db
      .insert(passkeys)
      .values({ userId: u.id, credentialId: randomToken(16), publicKey: randomToken(32), name: 'Phone' });
  return { id: u.id, email };
}

/** A browser that has passed the password step and waits for the second factor. */
async function pendingLogin(email: string, password = PASSWORD) {
  const c = new TestClient(t.app);
  const res = await c.post('/api/auth/login', { email, password });
  expect(res.json()).toMatchObject({ status: 'second_factor_required' });
  return c;
}

const auditActions = async (resourceId: string) =>
  (await t.ctx.db.select().from(auditLog).where(eq(auditLog.resourceId, resourceId))).map((a) => a.action);
const liveSessions = async (userId: string) =>
  (await t.ctx.db.select().from(sessions).where(eq(sessions.userId, userId))).length;

describe('recovery codes', () => {
  it('are made only once a second factor is enrolled', async () => {
    const p = await person();
    const c = await new TestClient(t.app).login(p.email, PASSWORD);
    const res = await c.post('/api/account/recovery-codes');
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain('set up an authenticator app or a passkey first');
  });

  it('are shown once, stored hashed, usable once each in place of the second factor, and replaced on request', async () => {
    const p = await person({ secondFactor: true });
    const c = await pendingLogin(p.email);
    // The half-signed-in browser cannot make codes for itself.
    expect((await c.post('/api/account/recovery-codes')).statusCode).toBe(401);
    const signedIn = new TestClient(t.app);
    signedIn.cookie = await sessionCookieFor(t.ctx, p.id);
    const made = await signedIn.post('/api/account/recovery-codes');
    expect(made.statusCode, made.body).toBe(200);
    const { codes } = made.json() as { codes: string[] };
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const stored = await t.ctx.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, p.id));
    expect(stored).toHaveLength(10);
    for (const row of stored) for (const code of codes) expect(row.codeHash).not.toContain(code.replace('-', ''));
    expect((await signedIn.get('/api/account/recovery-codes')).json()).toMatchObject({ remaining: 10 });

    // Typed with other case and spacing, a code finishes the sign-in.
    const used = await c.post('/api/auth/login/recovery-code', {
      code: ` ${codes[0]!.toUpperCase().replace('-', ' ')} `,
    });
    expect(used.statusCode, used.body).toBe(200);
    expect(used.json()).toMatchObject({ status: 'ok', user: { email: p.email } });
    expect((await c.get('/api/auth/me')).json()).toMatchObject({ user: { email: p.email } });
    expect(await auditActions(p.id)).toContain('auth.recovery_codes_create');

    // The same code never works twice; a wrong one is named on its field.
    const again = await pendingLogin(p.email);
    const reused = await again.post('/api/auth/login/recovery-code', { code: codes[0] });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().errors).toEqual([
      { path: 'body.code', message: 'wrong or already used recovery code', code: 'wrong_recovery_code' },
    ]);
    expect((await again.get('/api/auth/me')).json()).toMatchObject({ user: null, secondFactorPending: true });
    expect((await signedIn.get('/api/account/recovery-codes')).json()).toMatchObject({ remaining: 9 });

    // A new set replaces the old one entirely.
    const remade = (await signedIn.post('/api/account/recovery-codes')).json() as { codes: string[] };
    expect((await again.post('/api/auth/login/recovery-code', { code: codes[1] })).statusCode).toBe(401);
    expect((await again.post('/api/auth/login/recovery-code', { code: remade.codes[0] })).statusCode).toBe(200);
  });

  it('are refused without a pending sign-in', async () => {
    const res = await new TestClient(t.app).post('/api/auth/login/recovery-code', { code: 'abcde-23456' });
    expect(res.statusCode).toBe(401);
  });
});

describe('the administrator', () => {
  it('disables an account: its sessions end, it cannot sign in, and re-enabling lets it back in', async () => {
    const p = await person();
    const c = await new TestClient(t.app).login(p.email, PASSWORD);
    const res = await admin.post(`/api/admin/users/${p.id}/disable`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: p.id, disabled: true });
    expect(await liveSessions(p.id)).toBe(0);
    expect((await c.get('/api/groups')).statusCode).toBe(401);
    const refused = await new TestClient(t.app).post('/api/auth/login', { email: p.email, password: PASSWORD });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toContain('disabled');
    expect((await admin.post(`/api/admin/users/${p.id}/disable`)).statusCode).toBe(409);

    expect((await admin.post(`/api/admin/users/${p.id}/enable`)).json()).toMatchObject({ disabled: false });
    await new TestClient(t.app).login(p.email, PASSWORD);
    expect(await auditActions(p.id)).toEqual(expect.arrayContaining(['user.disable', 'user.enable']));
  });

  it('cannot disable their own account', async () => {
    const me = (await admin.get('/api/auth/me')).json().user as { id: string };
    expect((await admin.post(`/api/admin/users/${me.id}/disable`)).statusCode).toBe(409);
  });

  it('resets second factors: passkeys, authenticator and recovery codes go, and the password alone signs in', async () => {
    const p = await person({ secondFactor: true });
    const signedIn = new TestClient(t.app);
    signedIn.cookie = await sessionCookieFor(t.ctx, p.id);
    expect((await signedIn.post('/api/account/recovery-codes')).statusCode).toBe(200);
    const res = await admin.post(`/api/admin/users/${p.id}/reset-second-factors`);
    expect(res.json()).toMatchObject({ passkeyCount: 0, totpEnabled: false });
    expect(await t.ctx.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, p.id))).toEqual([]);
    expect(await liveSessions(p.id)).toBe(0);
    const login = await new TestClient(t.app).post('/api/auth/login', { email: p.email, password: PASSWORD });
    expect(login.json()).toMatchObject({ status: 'ok' });
    expect(await auditActions(p.id)).toContain('user.second_factors_reset');
  });

  it('resets a password to a temporary one shown once; the old one stops working', async () => {
    const p = await person();
    const res = await admin.post(`/api/admin/users/${p.id}/reset-password`);
    expect(res.statusCode).toBe(200);
    const { temporaryPassword } = res.json() as { temporaryPassword: string };
    expect(temporaryPassword.length).toBeGreaterThanOrEqual(12);
    expect(
      (await new TestClient(t.app).post('/api/auth/login', { email: p.email, password: PASSWORD })).statusCode,
    ).toBe(401);
    await new TestClient(t.app).login(p.email, temporaryPassword);
    const audit = await t.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.resourceId, p.id), eq(auditLog.action, 'user.password_reset')));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(temporaryPassword);
  });

  it('gets 404 naming the id for an unknown account', async () => {
    const res = await admin.post('/api/admin/users/00000000-0000-4000-8000-000000000000/reset-password');
    expect(res.statusCode).toBe(404);
    expect(res.json().errors).toEqual([{ path: 'params.id', message: 'no such account', code: 'no_such_account' }]);
  });
});
