import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { janusInstalled } from '../../janus/test-support/janus.js';
import { mlsMembers } from '../keys/schema.js';
import { meetings } from '../meetings/schema.js';
import { calls } from './schema.js';
import { callHarness, type Harness, registerDevice } from './test-support/harness.js';

describe.skipIf(!janusInstalled)('call lifecycle tied to the meeting (real Janus)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await callHarness();
  });
  afterAll(() => h?.close());

  const history = async (meetingId: string) =>
    (await (await h.http('chairB')).get(`/api/meetings/${meetingId}`)).json() as {
      meeting: { status: string; startedAt: string | null; endedAt: string | null };
      history: { kind: string; details: Record<string, unknown> }[];
    };

  /** A running call of a new meeting with Aldoria's chair joined; the room it runs in. */
  const callWithChairA = async () => {
    const id = await h.meeting();
    await h.startCall(id);
    const a = await h.connect('chairA', id);
    a.send({ type: 'call.join' });
    await a.next('call.joined');
    const [row] = await h.t.ctx.db.select().from(calls).where(eq(calls.meetingId, id));
    return { id, a, roomId: row!.roomId };
  };

  it('a chair starts the call: the meeting is started, the room exists, a second start is refused', async () => {
    const id = await h.meeting();
    expect((await (await h.http('memberA')).post(`/api/meetings/${id}/call/start`)).statusCode).toBe(403);
    const res = await (await h.http('chairB')).post(`/api/meetings/${id}/call/start`);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ meetingId: id, active: true, participantCount: 0, e2ee: true });
    const d = await history(id);
    expect(d.history.map((e) => e.kind)).toEqual(['planned', 'started']);
    expect(d.meeting.startedAt).toBe(res.json().startedAt);
    const [row] = await h.t.ctx.db.select().from(calls).where(eq(calls.meetingId, id));
    expect(await h.t.ctx.janus!.rooms.exists(row!.roomId)).toBe(true);
    expect((await (await h.http('chairA')).post(`/api/meetings/${id}/call/start`)).statusCode).toBe(409);
    const status = await (await h.http('observerA')).get(`/api/meetings/${id}/call`);
    expect(status.json()).toMatchObject({ active: true, startedAt: res.json().startedAt });
  });

  it('refuses a call for an in-person meeting and for one that was already held', async () => {
    const inPerson = await h.meeting({ format: 'in_person' });
    expect((await (await h.http('chairA')).post(`/api/meetings/${inPerson}/call/start`)).statusCode).toBe(409);
    const hybrid = await h.meeting({ format: 'hybrid' });
    await h.startCall(hybrid);
    expect((await (await h.http('chairA')).post(`/api/meetings/${hybrid}/call/end`)).statusCode).toBe(200);
    expect((await (await h.http('chairA')).post(`/api/meetings/${hybrid}/call/start`)).statusCode).toBe(409);
  });

  it('ending closes every handle, destroys the room and records `ended` with the real duration', async () => {
    const { id, a, roomId } = await callWithChairA();
    expect(await h.t.ctx.janus!.rooms.listParticipants(roomId)).toHaveLength(1);
    // The call has been running for 95 minutes.
    const startedAt = new Date(Date.now() - 95 * 60_000);
    await h.t.ctx.db.update(meetings).set({ startedAt }).where(eq(meetings.id, id));
    expect((await (await h.http('memberB')).post(`/api/meetings/${id}/call/end`)).statusCode).toBe(403);
    const res = await (await h.http('chairB')).post(`/api/meetings/${id}/call/end`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ active: false, participantCount: 0 });
    await a.next('call.ended');
    expect(await h.t.ctx.janus!.rooms.exists(roomId)).toBe(false);
    const d = await history(id);
    expect(d.meeting.status).toBe('held');
    const ended = d.history.find((e) => e.kind === 'ended');
    expect(ended?.details.durationMinutes).toBe(95);
    expect((await (await h.http('chairA')).post(`/api/meetings/${id}/call/end`)).statusCode).toBe(409);
    const [after] = await h.t.ctx.db.select().from(calls).where(eq(calls.meetingId, id));
    expect(after!.endedAt).not.toBeNull();
  });

  it('ending the call ends its keys: the MLS group is retired, nobody stays a member, nothing more is accepted', async () => {
    const { id, a } = await callWithChairA();
    const asChairA = await h.http('chairA');
    const device = await registerDevice(asChairA, h.w.users.chairA.id);
    const context = `call:${id}`;
    const g = (await asChairA.post('/api/mls/groups', { context, deviceId: device })).json();
    expect((await asChairA.get(`/api/mls/groups?context=${context}`)).statusCode).toBe(200);
    const res = await (await h.http('chairB')).post(`/api/meetings/${id}/call/end`);
    expect(res.statusCode, res.body).toBe(200);
    await a.next('call.ended');
    // The context has no group any more: whoever keys it next starts a new one.
    expect((await asChairA.get(`/api/mls/groups?context=${context}`)).statusCode).toBe(404);
    const commit = await asChairA.post(`/api/mls/groups/${g.id}/commits`, {
      deviceId: device,
      epoch: 0,
      commit: 'AAAA',
      welcomes: [],
      addedDevices: [],
      removedDevices: [],
    });
    expect(commit.statusCode).toBeGreaterThanOrEqual(400);
    expect(commit.statusCode).toBeLessThan(500);
    const retired = await h.t.ctx.db.select().from(mlsMembers).where(eq(mlsMembers.mlsGroupId, g.id));
    expect(retired.map((m) => m.status)).toEqual(['removed']);
  });

  it("refuses a join that names a device not the person's own and active, saying so", async () => {
    const id = await h.meeting();
    await h.startCall(id);
    const a = await h.connect('chairA', id);
    const theirs = await registerDevice(await h.http('chairB'), h.w.users.chairB.id);
    expect(await a.refusal({ type: 'call.join', deviceId: theirs })).toBe('unknown_device');
    const mine = await registerDevice(await h.http('chairA'), h.w.users.chairA.id);
    a.send({ type: 'call.join', deviceId: mine });
    await a.next('call.joined');
  });

  it('a chair in the call can end it over the socket: everyone is told', async () => {
    const id = await h.meeting();
    await h.startCall(id);
    const a = await h.connect('chairA', id);
    const b = await h.connect('chairB', id);
    a.send({ type: 'call.join' });
    b.send({ type: 'call.join' });
    await a.next('call.joined');
    await b.next('call.joined');
    b.send({ type: 'call.end' });
    await a.next('call.ended');
    await b.next('call.ended');
    expect((await history(id)).meeting.status).toBe('held');
  });

  it('ending the meeting through its lifecycle ends its running call for everyone', async () => {
    const { id, a, roomId } = await callWithChairA();
    const res = await (await h.http('chairB')).post(`/api/meetings/${id}/end`, {});
    expect(res.statusCode, res.body).toBe(200);
    await a.next('call.ended');
    await expect.poll(async () => h.t.ctx.janus!.rooms.exists(roomId)).toBe(false);
    await expect
      .poll(async () => (await (await h.http('chairA')).get(`/api/meetings/${id}/call`)).json().active)
      .toBe(false);
    const [after] = await h.t.ctx.db.select().from(calls).where(eq(calls.meetingId, id));
    expect(after).toMatchObject({ endedBy: null });
    expect(after!.endedAt).not.toBeNull();
    // Nobody can come back into it, and the meeting's history has one `ended`, not two.
    expect(await (await h.connect('chairB', id)).refusal({ type: 'call.join' })).toBe('not_running');
    expect((await history(id)).history.filter((e) => e.kind === 'ended')).toHaveLength(1);
  });

  it('only delegates of the group may join; the operator and outsiders may not', async () => {
    const id = await h.meeting();
    await h.startCall(id);
    for (const p of ['outsider', 'admin'] as const) {
      const c = await h.connect(p, id);
      expect(await c.refusal({ type: 'call.join' })).toBe(p === 'admin' ? 'forbidden' : 'not_found');
    }
    expect((await (await h.http('admin')).get(`/api/meetings/${id}/call`)).statusCode).toBe(403);
    expect((await (await h.http('outsider')).get(`/api/meetings/${id}/call`)).statusCode).toBe(404);
    const notStarted = await h.meeting();
    const m = await h.connect('memberA', notStarted);
    expect(await m.refusal({ type: 'call.join' })).toBe('not_running');
  });

  it("a side-only meeting's call cannot be reached by the other side", async () => {
    const id = await h.meeting({ sideOnlyOf: h.w.sideA });
    expect((await (await h.http('chairB')).post(`/api/meetings/${id}/call/start`)).statusCode).toBe(404);
    await h.startCall(id);
    for (const p of ['chairB', 'memberB'] as const) {
      expect((await (await h.http(p)).get(`/api/meetings/${id}/call`)).statusCode).toBe(404);
      const c = await h.connect(p, id);
      expect(await c.refusal({ type: 'call.join' })).toBe('not_found');
      expect(await c.refusal({ type: 'call.trickle', target: 'main', candidate: null })).toBe('not_found');
    }
    const a = await h.connect('memberA', id);
    a.send({ type: 'call.join' });
    await a.next('call.lobby');
  });

  it('hands out ICE servers to delegates only', async () => {
    expect((await (await h.http('memberB')).get('/api/calls/ice-servers')).json()).toEqual({ iceServers: [] });
    expect((await (await h.http('outsider')).get('/api/calls/ice-servers')).statusCode).toBe(403);
    expect((await (await h.http('anonymous')).get('/api/calls/ice-servers')).statusCode).toBe(401);
  });
});
