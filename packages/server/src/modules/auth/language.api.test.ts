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
  const email = `lang${n++}@test.parley`;
  await createUser(t.ctx, null, { email, displayName: 'Language Person', password: PASSWORD, isAdmin: false });
  return email;
}

describe('the language of the app, kept in the person’s profile', () => {
  it('follows the browser until the person chooses, then keeps the choice on every device', async () => {
    const email = await person();
    const laptop = await new TestClient(t.app).login(email, PASSWORD);
    expect((await laptop.get('/api/auth/me')).json().user.language).toBe('system');
    const res = await laptop.request('PUT', '/api/account/language', { language: 'he' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ language: 'he' });
    const phone = await new TestClient(t.app).login(email, PASSWORD);
    expect((await phone.get('/api/auth/me')).json().user.language).toBe('he');
    const other = await new TestClient(t.app).login(await person(), PASSWORD);
    expect((await other.get('/api/auth/me')).json().user.language).toBe('system');
  });

  it('refuses a language the app is not written in, naming the field, and keeps the one chosen', async () => {
    const me = await new TestClient(t.app).login(await person(), PASSWORD);
    await me.request('PUT', '/api/account/language', { language: 'fr' });
    const res = await me.request('PUT', '/api/account/language', { language: 'tlh' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation');
    expect(res.json().errors[0].path).toBe('body.language');
    expect((await me.get('/api/auth/me')).json().user.language).toBe('fr');
  });
});

describe('refusals that people read carry a stable code for the web app to translate', () => {
  it('names a wrong password, a missing session and a missing route by code, keeping the English detail', async () => {
    const email = await person();
    const wrong = await new TestClient(t.app).request('POST', '/api/auth/login', { email, password: 'not it at all' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'wrong_credentials', detail: 'Wrong email or password' });
    const anonymous = await new TestClient(t.app).get('/api/account/sessions');
    expect(anonymous.json()).toMatchObject({ status: 401, code: 'sign_in_required' });
    const lost = await new TestClient(t.app).get('/api/no-such-thing');
    expect(lost.json()).toMatchObject({ status: 404, code: 'no_route' });
  });
});
