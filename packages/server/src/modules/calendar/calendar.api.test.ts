import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../lib/crypto.js';
import { createTestApp, type TestApp, TestClient } from '../../test-support/app.js';
import { buildWorld, type Persona, type World } from '../../test-support/world.js';
import * as svc from '../meetings/service.js';
import { chairA, freshMeeting, meetingSecrets } from '../meetings/test-support/fixtures.js';
import { parseIcs } from '../meetings/test-support/ical.js';
import { calendarTokens } from './schema.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

const as = (p: Persona) => w.client(p);
/** The feed is fetched the way a calendar app would: no cookie, no Origin. */
const fetchFeed = (url: string) => new TestClient(t.app, null).get(new URL(url).pathname);
const newToken = async (p: Persona) => {
  const res = await (await as(p)).post('/api/calendar/token', {});
  expect(res.statusCode, res.body).toBe(201);
  return res.json().url as string;
};

describe('calendar subscription feed', () => {
  it('serves every meeting the owner may see, without signing in, and stores only a hash', async () => {
    const secrets = await meetingSecrets(w);
    const cancelled = await freshMeeting(w, 'cancelled', { title: 'Called off' });
    const urlA = await newToken('memberA');
    const urlB = await newToken('memberB');
    const token = urlA.split('/calendar/')[1]!.replace(/\.ics$/, '');
    expect(urlA.startsWith(`${t.ctx.config.publicUrl}/calendar/`)).toBe(true);

    const rows = await t.ctx.db.select().from(calendarTokens);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.map((r) => r.tokenHash)).toContain(sha256Hex(token));

    const resA = await fetchFeed(urlA);
    expect(resA.statusCode, resA.body).toBe(200);
    expect(resA.headers['content-type']).toContain('text/calendar');
    const feedA = parseIcs(resA.body);
    const uidsA = feedA.events.map((e) => e.uid);
    expect(uidsA).toEqual(
      expect.arrayContaining([secrets.privateMeeting.icalUid, secrets.sharedMeeting.icalUid, cancelled.icalUid]),
    );
    expect(feedA.events.find((e) => e.uid === cancelled.icalUid)).toMatchObject({ status: 'CANCELLED', sequence: 1 });
    const shared = feedA.events.find((e) => e.uid === secrets.sharedMeeting.icalUid)!;
    expect(shared.start.toISOString()).toBe(secrets.sharedMeeting.startsAt.toISOString());

    const resB = await fetchFeed(urlB);
    const feedB = parseIcs(resB.body);
    expect(feedB.events.map((e) => e.uid)).toContain(secrets.sharedMeeting.icalUid);
    for (const s of secrets.strings) expect(resB.body).not.toContain(s);
    expect(resB.body).not.toContain(w.hiddenMemberA.name);

    const outsider = parseIcs((await fetchFeed(await newToken('outsider'))).body);
    expect(outsider.events).toEqual([]);
  });

  it('follows changes: a rescheduled meeting shows with its new time and a higher SEQUENCE', async () => {
    const url = await newToken('chairB');
    const m = await freshMeeting(w);
    const start = new Date(m.startsAt.getTime() + 86_400_000);
    const end = new Date(m.endsAt.getTime() + 86_400_000);
    await svc.rescheduleMeeting(t.ctx, chairA(w), w.group, m.id, { start, end, timeZone: 'UTC' });
    const ev = parseIcs((await fetchFeed(url)).body).events.find((e) => e.uid === m.icalUid)!;
    expect(ev.sequence).toBe(1);
    expect(ev.start.toISOString()).toBe(start.toISOString());
  });

  it('stops working when rotated or revoked', async () => {
    const first = await newToken('chairA');
    expect((await fetchFeed(first)).statusCode).toBe(200);
    const second = await newToken('chairA');
    expect(second).not.toBe(first);
    const old = await fetchFeed(first);
    expect(old.statusCode).toBe(404);
    expect(old.headers['content-type']).toContain('application/problem+json');
    expect((await fetchFeed(second)).statusCode).toBe(200);

    const revoked = await (await as('chairA')).delete('/api/calendar/token');
    expect(revoked.statusCode).toBe(200);
    expect((await fetchFeed(second)).statusCode).toBe(404);
    expect((await fetchFeed(`${t.ctx.config.publicUrl}/calendar/not-a-token.ics`)).statusCode).toBe(404);
    expect((await (await as('anonymous')).post('/api/calendar/token', {})).statusCode).toBe(401);
  });
});
