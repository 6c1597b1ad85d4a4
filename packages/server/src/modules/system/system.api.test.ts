import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import { InjectClient } from '../../lib/inject-client.js';
import { freshDatabase } from '../../test-support/database.js';
import { PASSWORD } from '../../test-support/world.js';
import { createUser } from '../auth/users.js';

const lines: string[] = [];
let app: Awaited<ReturnType<typeof buildApp>>['app'];
let dispose: () => Promise<void>;

beforeAll(async () => {
  const database = await freshDatabase();
  const config = loadConfig({ PORT: '8080', LOG_LEVEL: 'debug' }, { webRoot: '/nonexistent' });
  const built = await buildApp({ config, database, logStream: { write: (l) => void lines.push(l) } });
  app = built.app;
  await app.ready();
  await createUser(built.ctx, null, {
    email: 'ops@test.parley',
    displayName: 'Ops',
    password: PASSWORD,
    isAdmin: true,
  });
  dispose = async () => {
    await app.close();
    await database.dispose();
  };
});
afterAll(() => dispose());

describe('operations endpoints', () => {
  it('answers /healthz and /readyz with the database check', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { database: true } });
  });

  it('exposes HTTP latency by route, open sockets and DB query latency', async () => {
    await new InjectClient(app).login('ops@test.parley', PASSWORD);
    const text = (await app.inject('/metrics')).body;
    expect(text).toMatch(/parley_http_request_duration_seconds_bucket\{[^}]*route="\/api\/auth\/login"/);
    expect(text).toMatch(/parley_websockets_open 0/);
    const count = /parley_db_query_duration_seconds_count (\d+)/.exec(text)?.[1];
    expect(Number(count)).toBeGreaterThan(0);
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const doc = (await app.inject('/api/docs/json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/groups/{groupId}/roster');
    expect(doc.paths['/api/auth/login'].post.requestBody.content['application/json'].schema.required).toContain(
      'password',
    );
    const ui = await app.inject('/api/docs');
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('never logs a password, session token or cookie', async () => {
    const c = new InjectClient(app);
    await c.login('ops@test.parley', PASSWORD);
    await c.get('/api/auth/me');
    await c.post('/api/auth/login', { email: 'ops@test.parley', password: 'a wrong password' });
    const token = c.cookie!.split('=')[1]!;
    const all = lines.join('\n');
    expect(all.length).toBeGreaterThan(100);
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('a wrong password');
    expect(all).not.toContain(token);
  });
});
