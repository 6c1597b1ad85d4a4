import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { buildWorld, type World } from '../test-support/world.js';

/** What a refused form tells people: every field at once, each in words a delegate understands. */
let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

interface Problem {
  detail: string;
  errors: { path: string; message: string }[];
}
const byPath = (p: Problem) => Object.fromEntries(p.errors.map((e) => [e.path, e.message]));
/** zod's own wording ("Too small: expected string to have >=1 characters") must never reach anyone. */
const RAW = /too small|too big|expected|invalid input|>=|<=|received/i;

describe('field errors are phrased for people and come all at once', () => {
  it('planning a meeting names every wrong field in one answer', async () => {
    const chairA = await w.client('chairA');
    const start = new Date(Date.now() + 3 * 86_400_000);
    const res = await chairA.post(`/api/groups/${w.group.id}/meetings`, {
      title: '   ',
      format: 'by_carrier_pigeon',
      location: 'x'.repeat(301),
      start: start.toISOString(),
      end: new Date(start.getTime() + 3_600_000).toISOString(),
      timeZone: 'Mars/Olympus',
    });
    expect(res.statusCode, res.body).toBe(400);
    const problem = res.json() as Problem;
    expect(byPath(problem)).toEqual({
      'body.title': 'must not be empty',
      'body.format': 'must be one of “in_person”, “video” or “hybrid”',
      'body.location': 'must be 300 characters at most',
      'body.timeZone': 'must be an IANA time zone such as Europe/Berlin',
    });
    expect(problem.detail).toBe(
      'Please correct: title must not be empty; format must be one of “in_person”, “video” or “hybrid”; location must be 300 characters at most; timeZone must be an IANA time zone such as Europe/Berlin',
    );
    for (const e of problem.errors) expect(e.message).not.toMatch(RAW);
  });

  it('missing fields, wrong types, bad ids and unknown fields read as sentences too', async () => {
    const chairA = await w.client('chairA');
    const res = await chairA.post(`/api/groups/${w.group.id}/meetings`, {
      title: 42,
      start: 'next Tuesday',
      sideId: 'not-an-id',
      colour: 'red',
    });
    expect(res.statusCode, res.body).toBe(400);
    const fields = byPath(res.json() as Problem);
    expect(fields).toMatchObject({
      'body.title': 'must be text',
      'body.format': 'is required',
      'body.start': 'must be a date and time with its offset, such as 2026-12-01T10:00:00Z',
      'body.end': 'is required',
      'body.timeZone': 'is required',
      'body.sideId': 'must be an identifier (a UUID)',
      'body.colour': 'unknown field',
    });
    for (const m of Object.values(fields)) expect(m).not.toMatch(RAW);
  });

  it('each field also carries a stable code and its values, for the web to say in the reader’s language', async () => {
    const chairA = await w.client('chairA');
    const res = await chairA.post(`/api/groups/${w.group.id}/meetings`, {
      title: '   ',
      format: 'by_carrier_pigeon',
      location: 'x'.repeat(301),
      start: 'next Tuesday',
      colour: 'red',
    });
    expect(res.statusCode, res.body).toBe(400);
    const codes = Object.fromEntries(
      (res.json() as { errors: { path: string; code?: string; params?: unknown }[] }).errors.map((e) => [
        e.path,
        e.params === undefined ? e.code : [e.code, e.params],
      ]),
    );
    expect(codes).toMatchObject({
      'body.title': 'empty',
      'body.format': ['one_of', { values: ['in_person', 'video', 'hybrid'] }],
      'body.location': ['too_long', { max: 300 }],
      'body.start': 'format_datetime',
      'body.end': 'required',
      'body.colour': 'unknown_field',
    });
  });

  it('a schema’s own message passes through unchanged', async () => {
    const memberA = await w.client('memberA');
    const res = await memberA.post('/api/account/password', { currentPassword: '', newPassword: 'short' });
    expect(res.statusCode, res.body).toBe(400);
    expect(byPath(res.json() as Problem)).toEqual({
      'body.currentPassword': 'must not be empty',
      'body.newPassword': 'must be at least 12 characters',
    });
  });
});
