import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const get = (app: TestApp, url: string, host: string, accept = 'text/html,application/xhtml+xml') =>
  app.app.inject({ method: 'GET', url, headers: { host, accept } });

describe('the published localhost address', () => {
  it('sends a page opened at the loopback IP to the same page at localhost, where passkeys work', async () => {
    t = await createTestApp({ PUBLIC_URL: 'http://localhost:8080' });
    for (const host of ['127.0.0.1:8080', '[::1]:8080']) {
      const res = await get(t, '/meetings?tab=past', host);
      expect([res.statusCode, res.headers.location]).toEqual([302, 'http://localhost:8080/meetings?tab=past']);
    }
    // API calls, other ports and the published host itself are answered where they are.
    expect((await get(t, '/api/auth/me', '127.0.0.1:8080')).statusCode).not.toBe(302);
    expect((await get(t, '/healthz', '127.0.0.1:8080', 'application/json')).statusCode).toBe(200);
    expect((await get(t, '/', '127.0.0.1:9090')).statusCode).not.toBe(302);
    expect((await get(t, '/', 'localhost:8080')).statusCode).not.toBe(302);
  });

  it('leaves every address alone when the instance is published under another name', async () => {
    t = await createTestApp({ PUBLIC_URL: 'https://parley.example.org' });
    expect((await get(t, '/', '127.0.0.1:8080')).statusCode).not.toBe(302);
  });
});
