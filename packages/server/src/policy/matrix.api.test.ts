import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, TestClient } from '../test-support/app.js';
import type { MatrixModule } from '../test-support/matrix.js';
import { buildWorld, PERSONAS, sessionCookieFor, type World } from '../test-support/world.js';

/**
 * The authorization matrix: every route in the OpenAPI document × every persona, with the expected
 * allow/deny, and no side-only string of side A in anything side B receives.
 */
const modules = import.meta.glob<MatrixModule>('../modules/*/matrix.ts', { eager: true });
const cases = Object.values(modules).flatMap((m) => m.matrix);
const SIDE_B = new Set(['chairB', 'memberB', 'outsider', 'anonymous']);

let t: TestApp;
let w: World;
let secrets: string[];

beforeAll(async () => {
  // The calls rows start real calls: the app runs a Janus child as a server with calls on does.
  t = await createTestApp({}, { janus: true });
  w = await buildWorld(t.app, t.ctx);
  secrets = [
    w.hiddenMemberA.name,
    w.hiddenMemberA.id,
    w.hiddenMemberA.membershipId,
    w.hiddenAgencyA,
    'Secret Service A',
  ];
  for (const m of Object.values(modules)) if (m.seedSecrets) secrets.push(...(await m.seedSecrets(w)));
});
afterAll(() => t.close());

describe('authorization matrix', () => {
  it('has exactly one row per route of the OpenAPI document', async () => {
    const doc = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'patch', 'put', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    const rows = cases.map((c) => c.route);
    expect(documented.filter((r) => !rows.includes(r as never)).sort()).toEqual([]);
    expect(rows.filter((r) => !documented.includes(r)).sort()).toEqual([]);
    expect(new Set(rows).size).toBe(rows.length);
  });

  for (const c of cases) {
    describe(c.route, () => {
      for (const persona of PERSONAS) {
        const allowed = c.allow.includes(persona);
        it(`${allowed ? 'allows' : 'denies'} ${persona}`, async () => {
          const client = new TestClient(t.app);
          if (persona !== 'anonymous') client.cookie = await sessionCookieFor(t.ctx, w.users[persona].id);
          const prepared = await c.request(w, persona);
          if (prepared.cookie) client.cookie = prepared.cookie;
          const [method] = c.route.split(' ') as [string];
          const res = await client.request(
            method as never,
            prepared.url,
            method === 'GET' || method === 'DELETE' ? undefined : (prepared.body ?? {}),
          );
          if (allowed) {
            expect(res.statusCode, res.body).toBeLessThan(400);
          } else {
            expect([401, 403, 404], res.body).toContain(res.statusCode);
            expect(res.headers['content-type']).toContain('application/problem+json');
          }
          if (SIDE_B.has(persona)) for (const s of secrets) expect(res.body).not.toContain(s);
        });
      }
    });
  }
});
