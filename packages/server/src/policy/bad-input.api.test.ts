import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportInstance } from '../ops/export.js';
import { createTestApp, type TestApp, TestClient } from '../test-support/app.js';
import { buildWorld, sessionCookieFor, type World } from '../test-support/world.js';

/**
 * Every write route of the OpenAPI document gets malformed JSON, wrong types, unknown fields, missing fields,
 * an oversized body, bad ids and a bad Origin. Each must answer a 4xx problem document naming the field,
 * never a 5xx, and the database must be byte-for-byte what it was (sessions aside, which record last use).
 */
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
}
interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

let t: TestApp;
let w: World;
let admin: TestClient;
let snapshotBefore: string;
const writeRoutes: { method: string; path: string; op: Operation }[] = [];

const snapshot = async () => {
  const { tables } = await exportInstance(t.ctx.db);
  delete tables.sessions;
  return JSON.stringify(tables);
};

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
  admin = new TestClient(t.app);
  admin.cookie = await sessionCookieFor(t.ctx, w.users.admin.id);
  const doc = t.app.swagger() as { paths: Record<string, Record<string, Operation>> };
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (['post', 'patch', 'put', 'delete'].includes(method))
        writeRoutes.push({ method: method.toUpperCase(), path, op });
    }
  }
  snapshotBefore = await snapshot();
});
afterAll(() => t.close());

const fill = (path: string, bad?: string) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => (name === bad ? 'not-an-id' : randomUUID()));
const bodySchema = (op: Operation) => op.requestBody?.content?.['application/json']?.schema;
const typeOf = (s: JsonSchema): string | undefined =>
  Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : (s.type ?? s.anyOf?.map(typeOf).find(Boolean));
const wrongValue = (s: JsonSchema): unknown => {
  switch (typeOf(s)) {
    case 'string':
      return 12345;
    case 'number':
    case 'integer':
      return 'not a number';
    case 'boolean':
      return 'not a boolean';
    case 'array':
      return 'not an array';
    case 'object':
      return 'not an object';
    default:
      return undefined;
  }
};

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
  path?: string,
) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  if (path) {
    const errors = (res.json() as { errors?: { path: string }[] }).errors ?? [];
    expect(errors.map((e) => e.path)).toContain(path);
  }
}

describe('bad input on every write route', () => {
  it('finds the write routes', () => {
    expect(writeRoutes.length).toBeGreaterThan(10);
  });

  it('rejects a missing or foreign Origin', async () => {
    for (const r of writeRoutes) {
      const foreign = new TestClient(t.app, 'https://evil.example');
      foreign.cookie = admin.cookie;
      expectProblem(
        await foreign.request(r.method as never, fill(r.path), r.method === 'DELETE' ? undefined : {}),
        403,
        'headers.origin',
      );
      const none = new TestClient(t.app, null);
      none.cookie = admin.cookie;
      expectProblem(
        await none.request(r.method as never, fill(r.path), r.method === 'DELETE' ? undefined : {}),
        403,
        'headers.origin',
      );
    }
  });

  it('rejects malformed JSON and oversized bodies', async () => {
    for (const r of writeRoutes.filter((x) => x.method !== 'DELETE')) {
      expectProblem(
        await admin.request(r.method as never, fill(r.path), '{"broken": ', { 'content-type': 'application/json' }),
        400,
        'body',
      );
      const big = JSON.stringify({ padding: 'x'.repeat(t.ctx.config.bodyLimitBytes + 10) });
      expectProblem(
        await admin.request(r.method as never, fill(r.path), big, { 'content-type': 'application/json' }),
        413,
        'body',
      );
    }
  });

  it('names every missing required field, unknown field and wrongly typed field', async () => {
    for (const r of writeRoutes) {
      const schema = bodySchema(r.op);
      if (!schema?.properties) continue;
      const url = fill(r.path);
      const required = schema.required ?? [];
      if (required.length > 0) {
        const res = await admin.request(r.method as never, url, {});
        expect(res.statusCode, `${r.method} ${r.path}`).toBe(400);
        const paths = ((res.json() as { errors: { path: string }[] }).errors ?? []).map((e) => e.path);
        for (const f of required) expect(paths, `${r.method} ${r.path}`).toContain(`body.${f}`);
      }
      if (schema.additionalProperties === false) {
        expectProblem(await admin.request(r.method as never, url, { zzUnknownField: 1 }), 400, 'body.zzUnknownField');
      }
      for (const [name, prop] of Object.entries(schema.properties)) {
        const value = wrongValue(prop);
        if (value === undefined) continue;
        const res = await admin.request(r.method as never, url, { [name]: value });
        expect(res.statusCode, `${r.method} ${r.path} ${name}`).toBe(400);
        expect(
          ((res.json() as { errors: { path: string }[] }).errors ?? []).map((e) => e.path),
          `${r.method} ${r.path}`,
        ).toContain(`body.${name}`);
      }
    }
  });

  it('refuses control characters in every text field, naming the field', async () => {
    // NUL is what PostgreSQL cannot store (a 500 before); ESC, DEL, a C1 control and half a surrogate pair are
    // characters no title, name or text can mean.
    const bad = ['A\u0000\u0000', 'A\u001b[31m', 'A\u007f', 'A\u0085', 'A\ud800'];
    let checked = 0;
    for (const r of writeRoutes) {
      const schema = bodySchema(r.op);
      if (!schema?.properties) continue;
      for (const [name, prop] of Object.entries(schema.properties)) {
        if (typeOf(prop) !== 'string') continue;
        for (const value of bad) {
          const res = await admin.request(r.method as never, fill(r.path), { [name]: value });
          expect(res.statusCode, `${r.method} ${r.path} ${name} ${JSON.stringify(value)}`).toBe(400);
          expect(String(res.headers['content-type'])).toContain('application/problem+json');
          const errors = (res.json() as { errors?: { path: string; message: string }[] }).errors ?? [];
          const mine = errors.filter((e) => e.path === `body.${name}`);
          expect(mine.length, `${r.method} ${r.path} ${name} ${JSON.stringify(value)}`).toBeGreaterThan(0);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
    // Five values for every text field of every write route: many requests on a busy machine.
  }, 240_000);

  it('names a malformed id in the path', async () => {
    for (const r of writeRoutes) {
      for (const p of r.op.parameters?.filter((x) => x.in === 'path') ?? []) {
        const res = await admin.request(
          r.method as never,
          fill(r.path, p.name),
          r.method === 'DELETE' ? undefined : {},
        );
        expectProblem(res, 400, `params.${p.name}`);
      }
    }
  });

  it('left everything stored exactly as it was', async () => {
    expect(await snapshot()).toBe(snapshotBefore);
  });
});
