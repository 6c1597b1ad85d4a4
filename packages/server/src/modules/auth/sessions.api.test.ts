import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, TestClient } from '../../test-support/app.js';
import { createUser } from './users.js';

const PASSWORD = 'a perfectly fine passphrase';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

let n = 0;
async function person() {
  const email = `s${n++}@test.parley`;
  await createUser(t.ctx, null, { email, displayName: 'Session Person', password: PASSWORD, isAdmin: false });
  return email;
}

interface SessionView {
  id: string;
  current: boolean;
  stage: string;
  userAgent: string;
}

describe('sessions', () => {
  it('lists one’s own sessions, marking the current one', async () => {
    const email = await person();
    const laptop = await new TestClient(t.app).login(email, PASSWORD);
    const phone = new TestClient(t.app);
    await phone.request('POST', '/api/auth/login', { email, password: PASSWORD }, { 'user-agent': 'Phone/1.0' });
    await (await new TestClient(t.app).login(await person(), PASSWORD)).get('/api/auth/me');
    const list = (await laptop.get('/api/account/sessions')).json().sessions as SessionView[];
    expect(list).toHaveLength(2);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    expect(list.find((s) => !s.current)).toMatchObject({ userAgent: 'Phone/1.0', stage: 'full' });
  });

  it('revokes one’s own session, and answers 404 for anyone else’s', async () => {
    const email = await person();
    const laptop = await new TestClient(t.app).login(email, PASSWORD);
    const phone = await new TestClient(t.app).login(email, PASSWORD);
    const stranger = await new TestClient(t.app).login(await person(), PASSWORD);
    const phoneId = ((await phone.get('/api/account/sessions')).json().sessions as SessionView[]).find(
      (s) => s.current,
    )!.id;
    const denied = await stranger.delete(`/api/account/sessions/${phoneId}`);
    expect(denied.statusCode).toBe(404);
    expect(denied.json().errors[0].path).toBe('params.id');
    expect((await phone.get('/api/auth/me')).json().user.email).toBe(email);

    expect((await laptop.delete(`/api/account/sessions/${phoneId}`)).statusCode).toBe(200);
    expect((await phone.get('/api/auth/me')).json().user).toBeNull();
    expect((await laptop.delete(`/api/account/sessions/${phoneId}`)).statusCode).toBe(404);

    const ownId = ((await laptop.get('/api/account/sessions')).json().sessions as SessionView[])[0]!.id;
    const self = await laptop.delete(`/api/account/sessions/${ownId}`);
    expect(self.statusCode).toBe(200);
    expect(String(self.headers['set-cookie'])).toMatch(/parley_session=;/);
    expect((await laptop.get('/api/account/sessions')).statusCode).toBe(401);
  });

  it('changes the password, signing out every other session', async () => {
    const email = await person();
    const laptop = await new TestClient(t.app).login(email, PASSWORD);
    const phone = await new TestClient(t.app).login(email, PASSWORD);
    const wrong = await laptop.post('/api/account/password', {
      currentPassword: 'not my password',
      newPassword: 'a brand new passphrase',
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().errors[0].path).toBe('body.currentPassword');
    const short = await laptop.post('/api/account/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0].path).toBe('body.newPassword');

    const ok = await laptop.post('/api/account/password', {
      currentPassword: PASSWORD,
      newPassword: 'a brand new passphrase',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await laptop.get('/api/auth/me')).json().user.email).toBe(email);
    expect((await phone.get('/api/auth/me')).json().user).toBeNull();
    expect((await new TestClient(t.app).post('/api/auth/login', { email, password: PASSWORD })).statusCode).toBe(401);
    await new TestClient(t.app).login(email, 'a brand new passphrase');
  });

  it('limits wrong passwords per account with 429 and Retry-After', async () => {
    const email = await person();
    const client = new TestClient(t.app);
    for (let i = 0; i < 5; i++) {
      expect((await client.post('/api/auth/login', { email, password: 'not the password' })).statusCode).toBe(401);
    }
    const limited = await client.post('/api/auth/login', { email, password: PASSWORD });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('the look of the app, kept in the person’s profile', () => {
  it('follows the system until the person chooses, then keeps the choice on every device', async () => {
    const laptop = await new TestClient(t.app).login(await person(), PASSWORD);
    expect((await laptop.get('/api/auth/me')).json().user.theme).toBe('system');
    const res = await laptop.request('PUT', '/api/account/theme', { theme: 'dark' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ theme: 'dark' });
    expect((await laptop.get('/api/auth/me')).json().user.theme).toBe('dark');
    // Another person's choice is their own.
    const other = await new TestClient(t.app).login(await person(), PASSWORD);
    expect((await other.get('/api/auth/me')).json().user.theme).toBe('system');
  });

  it('refuses a theme it does not know, naming the field, and keeps the one chosen', async () => {
    const me = await new TestClient(t.app).login(await person(), PASSWORD);
    await me.request('PUT', '/api/account/theme', { theme: 'light' });
    const res = await me.request('PUT', '/api/account/theme', { theme: 'sepia' });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('theme');
    expect((await me.get('/api/auth/me')).json().user.theme).toBe('light');
  });
});
