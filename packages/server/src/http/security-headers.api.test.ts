import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { freshDatabase } from '../test-support/database.js';

const apps: FastifyInstance[] = [];
const closers: Array<() => Promise<void>> = [];
let webRoot: string;

async function appFor(env: Record<string, string>): Promise<FastifyInstance> {
  const database = await freshDatabase();
  const config = loadConfig({ PORT: '8080', HOST: '127.0.0.1', ...env }, { webRoot });
  const { app } = await buildApp({ config, database, logger: false });
  await app.ready();
  apps.push(app);
  closers.push(() => database.dispose());
  return app;
}

const directives = (header: unknown): Map<string, string> =>
  new Map(
    String(header)
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name = '', ...rest] = d.split(/\s+/);
        return [name, rest.join(' ')];
      }),
  );

let plain: FastifyInstance;
beforeAll(async () => {
  webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-'));
  fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>Parley</title>');
  plain = await appFor({});
}, 180_000);
afterAll(async () => {
  for (const app of apps) await app.close();
  for (const close of closers) await close();
  fs.rmSync(webRoot, { recursive: true, force: true });
});

describe('security headers', () => {
  it('the app gets a strict CSP and the browser-hardening headers', async () => {
    for (const url of ['/', '/groups/some-client-route', '/api/auth/me']) {
      const res = await plain.inject({ url });
      const csp = directives(res.headers['content-security-policy']);
      expect(csp.get('script-src'), url).toBe("'self'");
      expect(csp.get('script-src-attr')).toBe("'none'");
      expect(csp.get('default-src')).toBe("'self'");
      expect(csp.get('object-src')).toBe("'none'");
      expect(csp.get('base-uri')).toBe("'none'");
      expect(csp.get('frame-ancestors')).toBe("'none'");
      expect(csp.get('worker-src')).toBe("'self'");
      expect(csp.get('connect-src')).toContain('ws://127.0.0.1:8080');
      expect(csp.get('style-src')).toBe("'self'");
      // Nothing that would let injected text run as script.
      expect(String(res.headers['content-security-policy'])).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(res.headers['permissions-policy']).toContain('camera=(self)');
      expect(res.headers['permissions-policy']).toContain('microphone=(self)');
      expect(res.headers['permissions-policy']).toContain('display-capture=(self)');
      expect(res.headers['permissions-policy']).toContain('geolocation=()');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('sends HSTS only when PUBLIC_URL is https, with the public WebSocket origin allowed', {
    timeout: 180_000,
  }, async () => {
    const app = await appFor({ PUBLIC_URL: 'https://parley.example.org' });
    const res = await app.inject({ url: '/' });
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(directives(res.headers['content-security-policy']).get('connect-src')).toBe(
      "'self' wss://parley.example.org",
    );
  });

  it('Swagger UI keeps working under its own policy: scripts from its own files, still no framing', async () => {
    const page = await plain.inject({ url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    const csp = directives(page.headers['content-security-policy']);
    expect(csp.get('script-src')).toMatch(/^'self'( 'sha256-[^']+')*$/);
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('base-uri')).toBe("'none'");
    expect(String(page.headers['content-security-policy'])).not.toMatch(/upgrade-insecure-requests|https:/);
    // The page loads its scripts as files of its own, which script-src 'self' allows.
    const scripts = [...page.body.matchAll(/<script src="\.\/([^"]+)"/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const file = await plain.inject({ url: `/api/docs/${src[1]}` });
      expect(file.statusCode, src[1]).toBe(200);
    }
    expect((await plain.inject({ url: '/api/docs/json' })).statusCode).toBe(200);
  });

  it('public statement pages keep their own policy: no script at all', async () => {
    const res = await plain.inject({ url: '/statements' });
    expect(res.statusCode).toBe(200);
    const csp = directives(res.headers['content-security-policy']);
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.has('script-src')).toBe(false);
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });
});
