import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTrustProxy } from '../config.js';
import { sessions, users } from '../modules/auth/schema.js';
import { createUser } from '../modules/auth/users.js';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../test-support/app.js';

const PASSWORD = 'a perfectly fine passphrase';
const PROXY = '10.0.0.5';
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A login as it reaches Parley through a reverse proxy at PROXY, forwarding for `client`. */
const login = (app: TestApp, email: string, password: string, client: string, peer = PROXY) =>
  app.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: peer,
    headers: { origin: TEST_ORIGIN, 'content-type': 'application/json', 'x-forwarded-for': client },
    payload: JSON.stringify({ email, password }),
  });

async function fail30(app: TestApp, client: string): Promise<void> {
  // Thirty wrong passwords for unknown addresses: the per-address limit, not the per-account one.
  for (let i = 0; i < 30; i++)
    expect((await login(app, `nobody${i}@test.parley`, 'wrong', client)).statusCode).toBe(401);
  expect((await login(app, 'nobody@test.parley', 'wrong', client)).statusCode).toBe(429);
}

async function sessionIp(app: TestApp, email: string): Promise<string | undefined> {
  const [row] = await app.ctx.db
    .select({ ip: sessions.ip })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(users.email, email));
  return row?.ip;
}

describe('TRUST_PROXY', () => {
  it('is off by default: X-Forwarded-For is ignored, everyone behind the proxy is the proxy', async () => {
    t = await createTestApp();
    await createUser(t.ctx, null, { email: 'p@test.parley', displayName: 'P', password: PASSWORD, isAdmin: false });
    await fail30(t, '203.0.113.1');
    // Another client behind the same proxy is locked out too: without trust, the header means nothing.
    expect((await login(t, 'p@test.parley', PASSWORD, '203.0.113.2')).statusCode).toBe(429);
    expect((await login(t, 'p@test.parley', PASSWORD, '203.0.113.2', '10.0.0.6')).statusCode).toBe(200);
    expect(await sessionIp(t, 'p@test.parley')).toBe('10.0.0.6');
  });

  it('with a hop count, limits and session records use the forwarded client address', async () => {
    t = await createTestApp({ TRUST_PROXY: '1' });
    await createUser(t.ctx, null, { email: 'q@test.parley', displayName: 'Q', password: PASSWORD, isAdmin: false });
    await fail30(t, '203.0.113.1');
    expect((await login(t, 'q@test.parley', PASSWORD, '203.0.113.1')).statusCode).toBe(429);
    // Thirty failures from one forwarded client do not lock out another behind the same proxy.
    expect((await login(t, 'q@test.parley', PASSWORD, '203.0.113.2')).statusCode).toBe(200);
    expect(await sessionIp(t, 'q@test.parley')).toBe('203.0.113.2');
  });

  it('with a list of proxies, believes only those: a header from anyone else is ignored', async () => {
    t = await createTestApp({ TRUST_PROXY: `${PROXY}, 192.168.0.0/16` });
    await createUser(t.ctx, null, { email: 'r@test.parley', displayName: 'R', password: PASSWORD, isAdmin: false });
    // Only the rightmost hop is taken from a trusted proxy; a client-supplied left part is not believed.
    expect((await login(t, 'r@test.parley', PASSWORD, '198.51.100.7, 203.0.113.9')).statusCode).toBe(200);
    expect(await sessionIp(t, 'r@test.parley')).toBe('203.0.113.9');
    await t.ctx.db.delete(sessions);
    expect((await login(t, 'r@test.parley', PASSWORD, '203.0.113.9', '10.9.9.9')).statusCode).toBe(200);
    expect(await sessionIp(t, 'r@test.parley')).toBe('10.9.9.9');
  });

  it('refuses settings that would trust everyone or are not addresses', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8')).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(() => parseTrustProxy('true')).toThrow(/TRUST_PROXY/);
    expect(() => parseTrustProxy('proxy.example')).toThrow(/not an IP address/);
  });
});
