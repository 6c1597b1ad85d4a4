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
async function signedIn(): Promise<TestClient> {
  const email = `theme${n++}@test.parley`;
  await createUser(t.ctx, null, { email, displayName: 'Theme Person', password: PASSWORD, isAdmin: false });
  return new TestClient(t.app).login(email, PASSWORD);
}

describe('the look of the app, kept in the person’s profile', () => {
  it('follows the system until the person chooses, then keeps the choice on every device', async () => {
    const laptop = await signedIn();
    expect((await laptop.get('/api/auth/me')).json().user.theme).toBe('system');
    const res = await laptop.request('PUT', '/api/account/theme', { theme: 'dark' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ theme: 'dark' });
    expect((await laptop.get('/api/auth/me')).json().user.theme).toBe('dark');
    // Another person's choice is their own.
    expect((await (await signedIn()).get('/api/auth/me')).json().user.theme).toBe('system');
  });

  it('refuses a theme it does not know, naming the field, and keeps the one chosen', async () => {
    const me = await signedIn();
    await me.request('PUT', '/api/account/theme', { theme: 'light' });
    const res = await me.request('PUT', '/api/account/theme', { theme: 'sepia' });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('theme');
    expect((await me.get('/api/auth/me')).json().user.theme).toBe('light');
  });
});
