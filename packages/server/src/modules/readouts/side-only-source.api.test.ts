import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, type World } from '../../test-support/world.js';
import { makeMeeting, makeReadout, makeStatement } from '../outcomes/test-support/fixtures.js';
import { readouts } from './schema.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

const TEXT = 'PREP-READOUT we hold the line on clause 7';

async function sideOnlyReadout() {
  const meeting = await makeMeeting(w, { marking: 'side-only', sideId: w.sideA, title: 'Aldoria internal prep' });
  const readout = await makeReadout(w, 'memberA', TEXT, meeting.id);
  return { meeting, readout };
}

/** Everything side B and the public can read about readouts and statements. */
async function outsideViews(readoutId: string) {
  const chairB = await w.client('chairB');
  const anon = await w.client('anonymous');
  return [
    (await chairB.get(`/api/groups/${w.group.id}/readouts`)).body,
    (await chairB.get(`/api/readouts/${readoutId}`)).body,
    (await anon.get('/statements')).body,
    (await anon.get('/statements/feed.atom')).body,
    (await anon.get(`/statements/${readoutId}`)).body,
  ];
}

describe('what is derived from a side-only meeting stays with its side', () => {
  it('refuses to publish the readout of a side-only meeting, and the other side and the public see nothing', async () => {
    const { meeting, readout } = await sideOnlyReadout();
    const chairA = await w.client('chairA');
    const res = await chairA.post(`/api/readouts/${readout.id}/publish`, { version: 1 });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().detail).toContain('share the meeting');
    expect((await chairA.get(`/api/readouts/${readout.id}`)).json()).toMatchObject({ status: 'draft' });
    for (const body of await outsideViews(readout.id)) {
      expect(body).not.toContain(TEXT);
      expect(body).not.toContain(meeting.id);
      expect(body).not.toContain(meeting.title);
    }
  });

  it('keeps a readout published before the rule away from the other side and the public', async () => {
    const { meeting, readout } = await sideOnlyReadout();
    // As an older instance may hold it: published although its meeting is side-only.
    await t.ctx.db
      .update(readouts)
      .set({ status: 'published', publishedVersion: 1, publishedAt: new Date(), publishedBy: w.users.chairA.id })
      .where(eq(readouts.id, readout.id));
    const [list, one, page, feed, entry] = await outsideViews(readout.id);
    for (const body of [list!, one!, page!, feed!, entry!]) {
      expect(body).not.toContain(TEXT);
      expect(body).not.toContain(meeting.id);
    }
    expect(JSON.parse(one!).status).toBe(404);
    expect(JSON.parse(entry!).status).toBe(404);
    // Its own side still reads it.
    expect((await (await w.client('memberA')).get(`/api/readouts/${readout.id}`)).json().text).toBe(TEXT);
  });

  it('lets a chair of the owning side share the meeting, explicitly, and then publish its readout', async () => {
    const { meeting, readout } = await sideOnlyReadout();
    const url = `/api/meetings/${meeting.id}/share`;
    expect((await (await w.client('chairB')).post(url, { confirm: true })).statusCode).toBe(404);
    expect((await (await w.client('memberA')).post(url, { confirm: true })).statusCode).toBe(403);
    const chairA = await w.client('chairA');
    const unconfirmed = await chairA.post(url, {});
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.json().errors.map((e: { path: string }) => e.path)).toContain('body.confirm');
    expect((await (await w.client('chairB')).get(`/api/meetings/${meeting.id}`)).statusCode).toBe(404);

    const shared = await chairA.post(url, { confirm: true });
    expect(shared.statusCode, shared.body).toBe(200);
    expect(shared.json()).toMatchObject({ marking: 'shared', sideId: null, sequence: meeting.sequence + 1 });
    expect((await chairA.post(url, { confirm: true })).statusCode).toBe(409);
    const seenByB = await (await w.client('chairB')).get(`/api/meetings/${meeting.id}`);
    expect(seenByB.statusCode).toBe(200);
    expect(seenByB.json().history.map((e: { kind: string }) => e.kind)).toEqual(['planned', 'shared']);
    expect(seenByB.json().history[1].details).toEqual({ kind: 'shared', bySideId: w.sideA });

    const pub = await chairA.post(`/api/readouts/${readout.id}/publish`, { version: 1 });
    expect(pub.statusCode, pub.body).toBe(200);
    const [list, , page, feed] = await outsideViews(readout.id);
    for (const body of [list!, page!, feed!]) expect(body).toContain(TEXT);
  });

  it('keeps statements, outcomes and calendar feeds of the other side clear of side-only meetings', async () => {
    const meeting = await makeMeeting(w, { marking: 'side-only', sideId: w.sideA, title: 'Aldoria closed session' });
    const memberA = await w.client('memberA');
    const statement = await memberA.post(`/api/groups/${w.group.id}/statements`, {
      text: 'Joint words',
      meetingId: meeting.id,
    });
    expect(statement.statusCode).toBe(400);
    expect(statement.json().errors[0].path).toBe('body.meetingId');
    const outcome = await memberA.post(`/api/groups/${w.group.id}/outcomes`, {
      kind: 'concern',
      text: 'A shared concern',
      meetingId: meeting.id,
    });
    expect(outcome.statusCode).toBe(400);
    expect(outcome.json().errors[0].path).toBe('body.meetingId');
    // Nor can a side-only entry about it be turned into a shared one while it points at the meeting.
    const own = await memberA.post(`/api/groups/${w.group.id}/outcomes`, {
      kind: 'concern',
      text: 'Our own concern',
      marking: 'side-only',
      meetingId: meeting.id,
    });
    expect(own.statusCode, own.body).toBe(201);
    const widened = await memberA.patch(`/api/outcomes/${own.json().id}`, { marking: 'shared' });
    expect(widened.statusCode).toBe(400);
    expect(widened.json().errors[0].path).toBe('body.meetingId');
    // A statement cannot be re-pointed at it either (statements name their meeting at creation only).
    expect((await makeStatement(w)).meetingId).toBeNull();

    const chairB = await w.client('chairB');
    const token = await chairB.post('/api/calendar/token', {});
    expect(token.statusCode, token.body).toBeLessThan(300);
    const feedUrl = new URL(token.json().url);
    const feed = await (await w.client('anonymous')).get(feedUrl.pathname);
    expect(feed.statusCode).toBe(200);
    expect(feed.body).not.toContain(meeting.title);
    expect(feed.body).not.toContain(meeting.id);
  });
});
