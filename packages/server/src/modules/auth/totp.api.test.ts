import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_ORIGIN, type TestApp, TestClient } from '../../test-support/app.js';
import { users } from './schema.js';
import { createUser } from './users.js';

const PASSWORD = 'a perfectly fine passphrase';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** What an authenticator app shows for `secret`, `offsetSteps` periods from now. */
const codeFor = (secret: string, offsetSteps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });
/** A code matching none of the steps the server accepts right now. */
const wrongCodeFor = (secret: string) => {
  const valid = new Set([-1, 0, 1, 2].map((s) => codeFor(secret, s)));
  return ['000000', '111111', '222222', '333333', '444444'].find((c) => !valid.has(c))!;
};

let n = 0;
async function userWithTotp() {
  const email = `totp${n++}@test.parley`;
  await createUser(t.ctx, null, { email, displayName: 'Totp Person', password: PASSWORD, isAdmin: false });
  const client = await new TestClient(t.app).login(email, PASSWORD);
  const enrol = await client.post('/api/account/totp/enrol');
  expect(enrol.statusCode, enrol.body).toBe(200);
  const { secret } = enrol.json() as { secret: string };
  expect((await client.post('/api/account/totp/confirm', { code: codeFor(secret) })).statusCode).toBe(200);
  await client.post('/api/auth/logout');
  return { email, secret, client };
}

/** Requests from a chosen client address, for the per-address limiter. */
function fromAddress(ip: string) {
  let cookie: string | null = null;
  return async (url: string, body: unknown) => {
    const res = await t.app.inject({
      method: 'POST',
      url,
      remoteAddress: ip,
      headers: { origin: TEST_ORIGIN, 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      payload: JSON.stringify(body),
    });
    const set = res.headers['set-cookie'];
    const pair = (Array.isArray(set) ? set : set ? [set] : []).map((c) => c.split(';')[0]!).find(Boolean);
    if (pair) cookie = pair;
    return res;
  };
}

describe('TOTP', () => {
  it('enrols as pending, confirms with a code, then guards the password login', async () => {
    const email = `enrol${n++}@test.parley`;
    await createUser(t.ctx, null, { email, displayName: 'Enrol', password: PASSWORD, isAdmin: false });
    const client = await new TestClient(t.app).login(email, PASSWORD);
    const enrol = (await client.post('/api/account/totp/enrol')).json();
    expect(enrol.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Parley:/);
    const url = new URL(enrol.otpauthUrl);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      issuer: 'Parley',
      secret: enrol.secret,
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
    // Pending until confirmed: the login does not ask for it yet.
    expect((await client.get('/api/auth/me')).json().user.totpEnabled).toBe(false);
    const stillPasswordOnly = await new TestClient(t.app).post('/api/auth/login', { email, password: PASSWORD });
    expect(stillPasswordOnly.json().status).toBe('ok');

    const wrong = await client.post('/api/account/totp/confirm', { code: wrongCodeFor(enrol.secret) });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors).toEqual([
      { path: 'body.code', message: 'wrong or already used code', code: 'wrong_code' },
    ]);
    expect((await client.post('/api/account/totp/confirm', { code: codeFor(enrol.secret) })).statusCode).toBe(200);
    expect((await client.get('/api/auth/me')).json().user.totpEnabled).toBe(true);
    expect((await client.post('/api/account/totp/enrol')).statusCode).toBe(409);

    await client.post('/api/auth/logout');
    const login = await client.post('/api/auth/login', { email, password: PASSWORD });
    expect(login.json()).toEqual({ status: 'second_factor_required', methods: ['totp'] });
    expect((await client.get('/api/groups')).statusCode).toBe(401);
    // The next step's code: the current one was spent on the confirmation.
    const code = codeFor(enrol.secret, 1);
    const done = await client.post('/api/auth/login/totp', { code });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'ok', user: { email, totpEnabled: true } });
    expect((await client.get('/api/auth/me')).json().user.email).toBe(email);

    await client.post('/api/auth/logout');
    await client.post('/api/auth/login', { email, password: PASSWORD });
    const replay = await client.post('/api/auth/login/totp', { code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().errors[0].path).toBe('body.code');
    expect((await client.get('/api/auth/me')).json()).toEqual({ user: null, secondFactorPending: true });
  });

  it('finishes only a pending login', async () => {
    const { secret } = await userWithTotp();
    const res = await new TestClient(t.app).post('/api/auth/login/totp', { code: codeFor(secret, 1) });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('disables only with a fresh code', async () => {
    const email = `disable${n++}@test.parley`;
    await createUser(t.ctx, null, { email, displayName: 'Disable', password: PASSWORD, isAdmin: false });
    const client = await new TestClient(t.app).login(email, PASSWORD);
    const { secret } = (await client.post('/api/account/totp/enrol')).json();
    const used = codeFor(secret);
    expect((await client.post('/api/account/totp/confirm', { code: used })).statusCode).toBe(200);
    expect((await client.post('/api/account/totp/disable', { code: used })).statusCode).toBe(400);
    expect((await client.post('/api/account/totp/disable', { code: codeFor(secret, 1) })).statusCode).toBe(200);
    const [row] = await t.ctx.db.select().from(users).where(eq(users.email, email));
    expect(row).toMatchObject({ totpEnabled: false, totpSecret: null, totpLastStep: null });
  });

  it('locks an account’s second factor after repeated wrong codes, even across fresh password logins', async () => {
    const { email, secret, client } = await userWithTotp();
    await client.post('/api/auth/login', { email, password: PASSWORD });
    const wrong = wrongCodeFor(secret);
    for (let i = 0; i < 5; i++) {
      expect((await client.post('/api/auth/login/totp', { code: wrong })).statusCode).toBe(401);
    }
    const limited = await client.post('/api/auth/login/totp', { code: codeFor(secret, 1) });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    // A correct password again does not buy a fresh budget of code guesses.
    await client.post('/api/auth/logout');
    expect((await client.post('/api/auth/login', { email, password: PASSWORD })).statusCode).toBe(200);
    expect((await client.post('/api/auth/login/totp', { code: codeFor(secret, 1) })).statusCode).toBe(429);
  });

  it('limits an address across accounts, counting wrong codes and wrong passwords alike', async () => {
    const { email, secret } = await userWithTotp();
    const other = `other${n++}@test.parley`;
    await createUser(t.ctx, null, { email: other, displayName: 'Other', password: PASSWORD, isAdmin: false });
    const post = fromAddress('192.0.2.10');
    expect((await post('/api/auth/login', { email, password: PASSWORD })).statusCode).toBe(200);
    const wrong = wrongCodeFor(secret);
    for (let i = 0; i < 5; i++) expect((await post('/api/auth/login/totp', { code: wrong })).statusCode).toBe(401);
    for (let i = 0; i < 25; i++) {
      const res = await post('/api/auth/login', { email: `guess${i}@test.parley`, password: 'not the password' });
      expect(res.statusCode).toBe(401);
    }
    const limited = await post('/api/auth/login', { email: other, password: PASSWORD });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await fromAddress('192.0.2.11')('/api/auth/login', { email: other, password: PASSWORD })).statusCode).toBe(
      200,
    );
  });
});
