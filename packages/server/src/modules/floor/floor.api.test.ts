import type { FloorState, MeetingDetail } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, type Persona, sessionCookieFor, type World } from '../../test-support/world.js';
import { sideOnlyMeeting } from '../meetings/test-support/fixtures.js';
import { WsProbe } from '../meetings/test-support/ws.js';
import { floorTurns } from './schema.js';
import { meetingInCall, videoMeeting } from './test-support/fixtures.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  // Giving the floor needs a running call, and a call needs its media room: a real Janus child.
  t = await createTestApp({}, { janus: true });
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

const as = (p: Persona) => w.client(p);
const floorOf = async (p: Persona, meetingId: string) =>
  (await (await as(p)).get(`/api/meetings/${meetingId}/floor`)).json() as FloorState;
const names = (s: FloorState) => s.queue.map((q) => q.userId);

/** Moves the open turn's start back, so that a turn has lasted a known while without waiting for it. */
async function backdateOpenTurn(seconds: number) {
  const rows = await t.ctx.db.select().from(floorTurns);
  for (const r of rows.filter((x) => x.endedAt === null))
    await t.ctx.db
      .update(floorTurns)
      .set({ startedAt: new Date(r.startedAt.getTime() - seconds * 1000) })
      .where(eq(floorTurns.id, r.id));
}

describe("the speakers' list", () => {
  it('keeps one ordered queue of raised hands and chairs’ names, the same for both sides, announced by typed events', async () => {
    const facts = await videoMeeting(w);
    const probe = await WsProbe.open(t.app, await sessionCookieFor(t.ctx, w.users.memberB.id));
    await probe.subscribe(`meeting:${facts.id}`);

    expect((await (await as('memberA')).post(`/api/meetings/${facts.id}/floor/hand`)).statusCode).toBe(200);
    const added = await (await as('chairB')).post(`/api/meetings/${facts.id}/floor/queue`, {
      userId: w.users.memberB.id,
    });
    expect(added.statusCode, added.body).toBe(201);
    const again = await (await as('memberA')).post(`/api/meetings/${facts.id}/floor/hand`);
    expect(again.statusCode).toBe(409);
    // The English detail stays; the code lets the web say it in the reader's language.
    expect(again.json()).toMatchObject({
      detail: "You are already on the speakers' list",
      code: 'you_already_on_speakers_list',
    });

    const a = await floorOf('chairA', facts.id);
    const b = await floorOf('memberB', facts.id);
    expect(names(a)).toEqual([w.users.memberA.id, w.users.memberB.id]);
    expect(names(b)).toEqual(names(a));
    expect(a.queue.map((q) => q.addedByChair)).toEqual([false, true]);
    expect(a.queue[0]).toMatchObject({ sideId: w.sideA });
    expect(a.callRunning).toBe(false);

    await probe.flush();
    const kinds = probe.events().map((e) => e.event);
    expect(kinds.map((e) => e.kind)).toEqual(['floor.hand_raised', 'floor.hand_raised']);
    expect(kinds.map((e) => (e.kind === 'floor.hand_raised' ? e.data.userId : null))).toEqual(names(a));
    probe.close();

    // Lowering one's hand, and a chair striking a name.
    expect((await (await as('memberA')).delete(`/api/meetings/${facts.id}/floor/hand`)).statusCode).toBe(200);
    const struck = await (await as('chairA')).delete(`/api/meetings/${facts.id}/floor/queue/${w.users.memberB.id}`);
    expect(struck.statusCode).toBe(200);
    expect((struck.json() as FloorState).queue).toEqual([]);
    expect((await (await as('memberA')).delete(`/api/meetings/${facts.id}/floor/hand`)).statusCode).toBe(404);
  });

  it('gives the floor next or by name, takes it back, and counts each side’s time against its allowance', async () => {
    const facts = await meetingInCall(w);
    const chairA = await as('chairA');
    const chairB = await as('chairB');
    const url = `/api/meetings/${facts.id}/floor`;
    const allowance = await chairB.post(`${url}/allowance`, { sideId: w.sideA, seconds: 60 });
    expect(allowance.statusCode, allowance.body).toBe(200);
    expect(((await chairA.post(`${url}/give`, {})).json() as { detail: string }).detail).toMatch(/Nobody is waiting/);

    await (await as('memberB')).post(`${url}/hand`);
    await (await as('memberA')).post(`${url}/hand`);
    const first = (await chairA.post(`${url}/give`, {})).json() as FloorState;
    expect(first.speaker).toMatchObject({ userId: w.users.memberB.id, sideId: w.sideB });
    expect(names(first)).toEqual([w.users.memberA.id]);
    await backdateOpenTurn(30);

    // Named: side A's member, out of turn order for nobody (they are next anyway) – then a chair not in the queue.
    const second = (await chairB.post(`${url}/give`, { userId: w.users.memberA.id })).json() as FloorState;
    expect(second.speaker).toMatchObject({ userId: w.users.memberA.id });
    expect(second.queue).toEqual([]);
    const bTime = second.sides.find((s) => s.sideId === w.sideB)!;
    expect(bTime.spokenSeconds).toBeGreaterThanOrEqual(30);
    expect(bTime.allowanceSeconds).toBeNull();
    await backdateOpenTurn(75);

    const taken = await chairA.post(`${url}/take`);
    expect(taken.statusCode, taken.body).toBe(200);
    const after = taken.json() as FloorState;
    expect(after.speaker).toBeNull();
    const aTime = after.sides.find((s) => s.sideId === w.sideA)!;
    expect(aTime.allowanceSeconds).toBe(60);
    expect(aTime.spokenSeconds).toBeGreaterThan(aTime.allowanceSeconds!);
    expect(after.speakers.map((s) => s.userId).sort()).toEqual([w.users.memberA.id, w.users.memberB.id].sort());
    expect((await chairA.post(`${url}/take`)).statusCode).toBe(409);

    // Nobody is cut off: an overspent side may still be given the floor.
    const again = await chairB.post(`${url}/give`, { userId: w.users.chairA.id });
    expect(again.statusCode, again.body).toBe(200);
  });

  it('records the time per side and per speaker in the meeting’s history when the call ends, and clears the list', async () => {
    const facts = await meetingInCall(w);
    const chairA = await as('chairA');
    const url = `/api/meetings/${facts.id}/floor`;
    await chairA.post(`${url}/allowance`, { sideId: w.sideB, seconds: 300 });
    await chairA.post(`${url}/give`, { userId: w.users.memberB.id });
    await backdateOpenTurn(120);
    await (await as('memberA')).post(`${url}/hand`);
    const ended = await chairA.post(`/api/meetings/${facts.id}/call/end`);
    expect(ended.statusCode, ended.body).toBe(200);

    const detail = (await (await as('memberB')).get(`/api/meetings/${facts.id}`)).json() as MeetingDetail;
    const entry = detail.history.find((e) => e.kind === 'speaking_time');
    expect(entry?.details).toMatchObject({ kind: 'speaking_time' });
    if (entry?.details.kind !== 'speaking_time') throw new Error('no speaking time in the history');
    const side = entry.details.sides.find((s) => s.sideId === w.sideB)!;
    expect(side.allowanceSeconds).toBe(300);
    expect(side.seconds).toBeGreaterThanOrEqual(120);
    expect(entry.details.speakers).toEqual([
      expect.objectContaining({ userId: w.users.memberB.id, sideId: w.sideB, seconds: side.seconds }),
    ]);
    expect(detail.history.map((e) => e.kind).slice(-2)).toEqual(['speaking_time', 'ended']);

    const closed = await floorOf('chairA', facts.id);
    expect(closed).toMatchObject({ queue: [], speaker: null, callRunning: false });
    expect((await chairA.post(`${url}/hand`)).statusCode).toBe(409);
  });

  it('keeps no list for a side-only meeting and tells the other side nothing about it', async () => {
    const m = await sideOnlyMeeting(w);
    const own = await (await as('chairA')).get(`/api/meetings/${m.id}/floor`);
    expect(own.statusCode).toBe(409);
    const other = await (await as('chairB')).post(`/api/meetings/${m.id}/floor/hand`);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain(m.title);
  });

  it('refuses a name that takes no part, the same for a side-only delegate as for nobody at all', async () => {
    const facts = await videoMeeting(w);
    const chairB = await as('chairB');
    for (const userId of [w.hiddenMemberA.id, crypto.randomUUID()]) {
      const res = await chairB.post(`/api/meetings/${facts.id}/floor/queue`, { userId });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('body.userId');
      expect(res.body).not.toContain(w.hiddenMemberA.name);
    }
    const foreignSide = await chairB.post(`/api/meetings/${facts.id}/floor/allowance`, {
      sideId: crypto.randomUUID(),
      seconds: 600,
    });
    expect(foreignSide.statusCode).toBe(400);
    expect(foreignSide.json().errors).toEqual([
      { path: 'body.sideId', message: 'is not a side of this meeting', code: 'no_such_side' },
    ]);
    const notRunning = await chairB.post(`/api/meetings/${facts.id}/floor/give`, { userId: w.users.memberA.id });
    expect(notRunning.statusCode).toBe(409);
    expect(notRunning.json().code).toBe('floor_needs_call');
  });
});
