import { mlsContext } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { janusInstalled } from '../../janus/test-support/janus.js';
import { calls } from './schema.js';
import type { CallClient, State } from './test-support/call-client.js';
import { callHarness, type Harness, registerDevice } from './test-support/harness.js';

/**
 * A side's caucus (docs/call-keys.md §12): a call with the plenary as parent, its own Janus room and MLS context,
 * which side-only: the other side learns that the side is in caucus and sees its participants away, nothing more.
 */
describe.skipIf(!janusInstalled)('side caucus calls (real Janus)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await callHarness();
  });
  afterAll(() => h?.close());

  /** A running plenary with both chairs and both members in it. */
  async function plenary() {
    const id = await h.meeting();
    await h.startCall(id);
    const join = async (p: 'chairA' | 'memberA' | 'chairB' | 'memberB') => {
      const c = await h.connect(p, id);
      c.send({ type: 'call.join' });
      return c;
    };
    const chairA = await join('chairA');
    const chairB = await join('chairB');
    await chairA.next('call.joined');
    await chairB.next('call.joined');
    const memberA = await join('memberA');
    const memberB = await join('memberB');
    const lobbyA = (await memberA.next('call.lobby')).participantId;
    const lobbyB = (await memberB.next('call.lobby')).participantId;
    chairA.send({ type: 'call.admit', participantId: lobbyA });
    chairB.send({ type: 'call.admit', participantId: lobbyB });
    await memberA.next('call.joined');
    await memberB.next('call.joined');
    return { id, chairA, memberA, chairB, memberB };
  }

  const presenceOf = (s: State, userId: string) => s.participants.find((p) => p.userId === userId)?.presence;
  /** What the server told a client of its own accord (refusals only echo the ids the client itself sent). */
  const everything = (c: CallClient, from = 0) =>
    JSON.stringify(c.messages.slice(from).filter((m) => m.type !== 'call.error'));

  it('a side’s chair opens it, delegates step out and back, and the other side learns only that the side is in caucus', async () => {
    const { id, chairA, memberA, chairB, memberB } = await plenary();
    const u = h.w.users;
    const startB = [chairB.mark(), memberB.mark()] as const;
    expect((await (await h.http('memberA')).post(`/api/meetings/${id}/call/caucus`)).statusCode).toBe(403);
    const opened = await (await h.http('chairA')).post(`/api/meetings/${id}/call/caucus`);
    expect(opened.statusCode, opened.body).toBe(201);
    const caucusId = opened.json().caucusId as string;
    expect(opened.json()).toMatchObject({ meetingId: id, sideId: h.w.sideA, participantCount: 0 });
    expect((await (await h.http('chairA')).post(`/api/meetings/${id}/call/caucus`)).statusCode).toBe(409);
    const context = mlsContext({ kind: 'caucus-call', meetingId: id, sideId: h.w.sideA });

    // Side A's plenary roster offers the caucus; side B's says only that side A is in caucus.
    const a = await memberA.state((s) => s.caucus?.caucusId === caucusId);
    expect(a.sidesInCaucus).toEqual([h.w.sideA]);
    const b = await memberB.state((s) => s.sidesInCaucus.length === 1);
    expect(b.caucus).toBeNull();

    // Both A delegates step out; the caucus is keyed by its own MLS context.
    chairA.send({ type: 'call.join', caucusId });
    memberA.send({ type: 'call.join', caucusId });
    const joined = await memberA.next('call.joined', (m) => m.caucusId === caucusId);
    expect(joined.mlsContext).toBe(context);
    const inCaucus = await memberA.state((s) => s.caucusId === caucusId && s.participants.length === 2);
    expect(inCaucus.participants.map((p) => p.sideId)).toEqual([h.w.sideA, h.w.sideA]);
    // Their plenary tiles: "in caucus" to their own side, "away" to the other.
    const seenByA = await chairA.state(
      (s) => !s.caucusId && presenceOf(s, u.memberA.id) === 'in-caucus' && presenceOf(s, u.chairA.id) === 'in-caucus',
    );
    expect(presenceOf(seenByA, u.chairB.id)).toBe('here');
    await memberB.state((s) => presenceOf(s, u.memberA.id) === 'away' && presenceOf(s, u.chairA.id) === 'away');
    const statusB = (await (await h.http('chairB')).get(`/api/meetings/${id}/call`)).json();
    expect(statusB).toMatchObject({ caucus: null, sidesInCaucus: [h.w.sideA] });
    expect((await (await h.http('memberA')).get(`/api/meetings/${id}/call`)).json().caucus).toMatchObject({
      caucusId,
      participantCount: 2,
    });

    // Side B cannot step in, nor reach the caucus by its id: the same answer as for a caucus that never was.
    expect(await chairB.refusal({ type: 'call.join', caucusId })).toBe('not_found');
    expect(await memberB.refusal({ type: 'call.subscribe', caucusId, feeds: [] })).toBe('not_found');
    expect(await memberB.refusal({ type: 'call.leave', caucusId })).toBe('not_found');
    // A chair of side B has no caucus of side A to recall or close.
    expect((await (await h.http('chairB')).post(`/api/meetings/${id}/call/caucus/recall`)).statusCode).toBe(404);
    expect((await (await h.http('chairB')).post(`/api/meetings/${id}/call/caucus/close`)).statusCode).toBe(404);

    // A chair calls the delegates back: a notice on the screens of those in the caucus.
    const recalled = await (await h.http('chairA')).post(`/api/meetings/${id}/call/caucus/recall`);
    expect(recalled.statusCode).toBe(200);
    const recall = await memberA.next('call.caucus-recall');
    expect(recall).toMatchObject({ caucusId, meetingId: id });
    // One click back: the delegate leaves the caucus and is here again in everyone's plenary.
    memberA.send({ type: 'call.leave', caucusId });
    await memberB.state((s) => presenceOf(s, u.memberA.id) === 'here' && presenceOf(s, u.chairA.id) === 'away');

    // The chair closes the caucus: those still in it are back; its group's keys are retired.
    const closed = await (await h.http('chairA')).post(`/api/meetings/${id}/call/caucus/close`);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ caucus: null, sidesInCaucus: [] });
    await chairA.next('call.ended', (m) => m.caucusId === caucusId);
    await memberB.state((s) => s.sidesInCaucus.length === 0 && presenceOf(s, u.chairA.id) === 'here');

    // Nothing side B received names the caucus, its MLS context or who opened it.
    for (const [c, from] of [
      [chairB, startB[0]],
      [memberB, startB[1]],
    ] as const) {
      const seen = everything(c, from);
      expect(seen).not.toContain(caucusId);
      expect(seen).not.toContain(context);
      expect(seen).not.toContain('in-caucus');
      expect(seen).not.toContain('caucus-recall');
    }
    // Nor its audit trail: the caucus's entries are side A's only.
    const auditB = await (await h.http('chairB')).get(`/api/groups/${h.w.group.id}/audit?limit=200`);
    expect(auditB.statusCode).toBe(200);
    expect(auditB.body).not.toContain(caucusId);
    const auditA = await (await h.http('chairA')).get(`/api/groups/${h.w.group.id}/audit?limit=200`);
    for (const action of ['call.caucus_open', 'call.caucus_recall', 'call.caucus_close'])
      expect(auditA.body).toContain(action);
  });

  it('never lets a device of the other side into the caucus’s MLS group, nor sends it a Welcome', async () => {
    const { id } = await plenary();
    const context = mlsContext({ kind: 'caucus-call', meetingId: id, sideId: h.w.sideA });
    const a = await h.http('memberA');
    const ad = await registerDevice(a, h.w.users.memberA.id);
    const created = await a.post('/api/mls/groups', { context, deviceId: ad });
    expect(created.statusCode, created.body).toBe(201);
    const g = created.json();
    const b = await h.http('chairB');
    const bd = await registerDevice(b, h.w.users.chairB.id);
    expect((await b.post(`/api/devices/${bd}/key-packages`, { keyPackages: ['AAEC'] })).statusCode).toBe(201);
    expect((await b.get(`/api/mls/groups?context=${context}`)).statusCode).toBe(404);
    expect((await b.get(`/api/mls/groups/${g.id}`)).statusCode).toBe(404);
    expect((await b.post('/api/mls/groups', { context, deviceId: bd })).statusCode).toBe(404);
    expect((await b.get(`/api/mls/groups/${g.id}/group-info`)).statusCode).toBe(404);
    // Side A cannot bring side B in: neither their key packages nor a declared Add with a Welcome are accepted.
    const base = `/api/mls/groups/${g.id}`;
    expect((await a.post(`${base}/key-packages/claim`, { deviceId: ad, userId: h.w.users.chairB.id })).statusCode).toBe(
      404,
    );
    const commit = await a.post(`${base}/commits`, {
      deviceId: ad,
      epoch: 0,
      commit: 'AAAA',
      addedDevices: [{ deviceId: bd, leafIndex: 1 }],
      welcomes: [{ deviceId: bd, welcome: 'AAAA' }],
    });
    expect(commit.statusCode).toBe(404);
    expect((await b.get(`/api/mls/welcomes?deviceId=${bd}`)).json().welcomes).toEqual([]);
  });

  it('a caucus closed with nobody left in it is gone from everyone’s plenary roster', async () => {
    const { id, memberB } = await plenary();
    expect((await (await h.http('chairA')).post(`/api/meetings/${id}/call/caucus`)).statusCode).toBe(201);
    await memberB.state((s) => s.sidesInCaucus.length === 1);
    const from = memberB.mark();
    expect((await (await h.http('chairA')).post(`/api/meetings/${id}/call/caucus/close`)).statusCode).toBe(200);
    await memberB.state((s) => s.sidesInCaucus.length === 0, from);
  });

  it('ends with the plenary: the caucus row ends and its participants get the end', async () => {
    const { id, chairA } = await plenary();
    const caucusId = (await (await h.http('chairA')).post(`/api/meetings/${id}/call/caucus`)).json().caucusId;
    chairA.send({ type: 'call.join', caucusId });
    await chairA.next('call.joined', (m) => m.caucusId === caucusId);
    expect((await (await h.http('chairB')).post(`/api/meetings/${id}/call/end`)).statusCode).toBe(200);
    await chairA.next('call.ended', (m) => m.caucusId === caucusId);
    await chairA.next('call.ended', (m) => m.caucusId === undefined);
    const [row] = await h.t.ctx.db.select().from(calls).where(eq(calls.id, caucusId));
    expect(row?.endedAt).not.toBeNull();
    // With the plenary over, no caucus opens.
    expect((await (await h.http('chairA')).post(`/api/meetings/${id}/call/caucus`)).statusCode).toBe(409);
  });
});
