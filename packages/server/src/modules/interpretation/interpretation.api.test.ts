import type { InterpretationState, MeetingDetail } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { janusInstalled } from '../../janus/test-support/janus.js';
import { sessionCookieFor } from '../../test-support/world.js';
import { calls } from '../calls/schema.js';
import { syntheticOffer } from '../calls/test-support/call-client.js';
import { callHarness, type Harness } from '../calls/test-support/harness.js';
import { WsProbe } from '../meetings/test-support/ws.js';

/**
 * Interpreters of a meeting's call (issue 14 item 2, docs/call-keys.md §13): chairs assign language pairs, everyone
 * in the call sees the channels on offer, only an assigned interpreter publishes an interpretation stream, and a
 * side-only meeting's interpreters stay with its side.
 */
describe.skipIf(!janusInstalled)('simultaneous interpretation', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await callHarness();
  });
  afterAll(() => h?.close());

  const url = (id: string) => `/api/meetings/${id}/interpretation`;
  const stateOf = async (p: 'chairA' | 'memberB', id: string) =>
    (await (await h.http(p)).get(url(id))).json() as InterpretationState;

  it('a chair assigns a language pair; every participant sees the channel, announced by a typed event', async () => {
    const id = await h.meeting();
    const probe = await WsProbe.open(h.t.app, await sessionCookieFor(h.t.ctx, h.w.users.memberB.id));
    await probe.subscribe(`meeting:${id}`);
    const res = await (await h.http('chairB')).post(url(id), { userId: h.w.users.memberA.id, from: 'EN-gb', to: 'fr' });
    expect(res.statusCode, res.body).toBe(201);
    const seen = await stateOf('memberB', id);
    expect(seen.interpreters).toEqual([
      expect.objectContaining({ userId: h.w.users.memberA.id, sideId: h.w.sideA, from: 'en-GB', to: 'fr' }),
    ]);
    expect(seen.version).toBe(1);
    await probe.flush();
    // The change, and the meeting's new history entry (its page refreshes).
    expect(probe.events().map((e) => e.event)).toEqual([
      expect.objectContaining({ kind: 'meeting.interpreter_assigned', resourceType: 'meeting', resourceId: id }),
      expect.objectContaining({
        kind: 'interpretation.assigned',
        resourceId: id,
        data: { version: 1, userId: h.w.users.memberA.id },
      }),
    ]);
    probe.close();

    // One channel per language: a second interpreter into French is refused, naming the field.
    const second = await (await h.http('chairA')).post(url(id), { userId: h.w.users.memberB.id, from: 'en', to: 'fr' });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('body.to');
    // The web says it in the reader's language from the code, with the interpreter's name as a value.
    expect(second.json().errors).toEqual([
      {
        path: 'body.to',
        message: expect.stringContaining('already has an interpreter'),
        code: 'interpreter_taken',
        params: { name: expect.any(String) },
      },
    ]);
    // The same person re-assigned keeps one pair (the relay direction, say).
    const moved = await (await h.http('chairA')).post(url(id), { userId: h.w.users.memberA.id, from: 'fr', to: 'en' });
    expect(moved.statusCode, moved.body).toBe(201);
    expect((moved.json() as InterpretationState).interpreters.map((i) => `${i.from}>${i.to}`)).toEqual(['fr>en']);

    const removed = await (await h.http('chairA')).delete(`${url(id)}/${h.w.users.memberA.id}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect((removed.json() as InterpretationState).interpreters).toEqual([]);
    expect((await (await h.http('chairA')).delete(`${url(id)}/${h.w.users.memberA.id}`)).statusCode).toBe(404);
  });

  it('refuses bad input with a 4xx naming the field, and stores nothing', async () => {
    const id = await h.meeting();
    const chair = await h.http('chairA');
    const cases: [Record<string, unknown>, string][] = [
      [{ userId: h.w.users.memberB.id, from: 'english', to: 'fr' }, 'from'],
      [{ userId: h.w.users.memberB.id, from: 'en', to: 'x' }, 'to'],
      [{ userId: h.w.users.memberB.id, from: 'en' }, 'to'],
      [{ userId: h.w.users.memberB.id, from: 'fr', to: 'FR' }, 'to'],
      [{ userId: 'nobody', from: 'en', to: 'fr' }, 'userId'],
      [{ userId: h.w.hiddenMemberA.id, from: 'en', to: 'fr' }, 'body.userId'],
      [{ userId: crypto.randomUUID(), from: 'en', to: 'fr' }, 'body.userId'],
    ];
    for (const [body, field] of cases) {
      const res = await chair.post(url(id), body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.body).toContain(field);
      expect(res.body).not.toContain(h.w.hiddenMemberA.name);
    }
    expect((await chair.post(url(id), { userId: h.w.users.memberB.id, from: 'en', to: 'fr', x: 1 })).statusCode).toBe(
      400,
    );
    expect((await stateOf('chairA', id)).interpreters).toEqual([]);
    // A delegate assigns nobody, whoever they name.
    const member = await (await h.http('memberA')).post(url(id), {
      userId: h.w.users.memberA.id,
      from: 'en',
      to: 'fr',
    });
    expect(member.statusCode).toBe(403);
  });

  it('keeps a side-only meeting’s interpreters with its side', async () => {
    const id = await h.meeting({ sideOnlyOf: h.w.sideA });
    const res = await (await h.http('chairA')).post(url(id), { userId: h.w.users.memberA.id, from: 'en', to: 'fr' });
    expect(res.statusCode, res.body).toBe(201);
    for (const req of [
      (await h.http('chairB')).get(url(id)),
      (await h.http('chairB')).post(url(id), { userId: h.w.users.memberB.id, from: 'en', to: 'de' }),
      (await h.http('memberB')).delete(`${url(id)}/${h.w.users.memberA.id}`),
    ]) {
      const other = await req;
      expect(other.statusCode).toBe(404);
      expect(other.body).not.toContain('fr');
    }
    expect((await (await h.http('memberA')).get(url(id))).json()).toMatchObject({ interpreters: [{ to: 'fr' }] });
  });

  it('lets only an assigned interpreter publish an interpretation channel in the call', async () => {
    const id = await h.meeting();
    await h.startCall(id);
    await (await h.http('chairA')).post(url(id), { userId: h.w.users.chairB.id, from: 'en', to: 'fr' });
    const chairA = await h.connect('chairA', id);
    const chairB = await h.connect('chairB', id);
    chairA.send({ type: 'call.join' });
    chairB.send({ type: 'call.join' });
    await chairA.next('call.joined');
    await chairB.next('call.joined');
    expect(await chairA.refusal({ type: 'call.publish', stream: 'interp', jsep: syntheticOffer(11) })).toBe(
      'forbidden',
    );
    const res = await chairB.request({ type: 'call.publish', stream: 'interp', jsep: syntheticOffer(12) });
    expect(res).toMatchObject({ type: 'call.answer', stream: 'interp', jsep: { type: 'answer' } });
  });

  it('keeps every assignment and its end in the meeting’s history, for every side to read', async () => {
    const id = await h.meeting();
    const chair = await h.http('chairA');
    await chair.post(url(id), { userId: h.w.users.memberB.id, from: 'fr', to: 'en' });
    await chair.post(url(id), { userId: h.w.users.memberA.id, from: 'en', to: 'fr' });
    expect((await chair.delete(`${url(id)}/${h.w.users.memberB.id}`)).statusCode).toBe(200);
    // A refused assignment leaves no entry.
    expect((await chair.post(url(id), { userId: h.w.users.chairB.id, from: 'de', to: 'fr' })).statusCode).toBe(409);

    const detail = (await (await h.http('memberB')).get(`/api/meetings/${id}`)).json() as MeetingDetail;
    const entries = detail.history.filter((e) => e.kind.startsWith('interpreter_'));
    expect(entries.map((e) => e.details)).toEqual([
      {
        kind: 'interpreter_assigned',
        userId: h.w.users.memberB.id,
        name: expect.any(String),
        sideId: h.w.sideB,
        from: 'fr',
        to: 'en',
      },
      {
        kind: 'interpreter_assigned',
        userId: h.w.users.memberA.id,
        name: expect.any(String),
        sideId: h.w.sideA,
        from: 'en',
        to: 'fr',
      },
      {
        kind: 'interpreter_unassigned',
        userId: h.w.users.memberB.id,
        name: expect.any(String),
        sideId: h.w.sideB,
        from: 'fr',
        to: 'en',
      },
    ]);
    expect(entries.every((e) => e.actorUserId === h.w.users.chairA.id)).toBe(true);
  });

  it('cuts an unassigned interpreter’s channel on the media server, even if their client ignores the change', async () => {
    const id = await h.meeting();
    await h.startCall(id);
    await (await h.http('chairA')).post(url(id), { userId: h.w.users.chairB.id, from: 'en', to: 'fr' });
    const chairB = await h.connect('chairB', id);
    chairB.send({ type: 'call.join' });
    await chairB.next('call.joined');
    const res = await chairB.request({ type: 'call.publish', stream: 'interp', jsep: syntheticOffer(21) });
    expect(res).toMatchObject({ type: 'call.answer', stream: 'interp' });
    const [row] = await h.t.ctx.db.select().from(calls).where(eq(calls.meetingId, id));
    const onAir = async () =>
      (await h.t.ctx.janus!.rooms.listParticipants(row!.roomId)).filter((p) => p.display?.endsWith('/interp')).length;
    expect(await onAir()).toBe(1);

    // The client sends nothing: the server takes the channel off the room by itself.
    const removed = await (await h.http('chairA')).delete(`${url(id)}/${h.w.users.chairB.id}`);
    expect(removed.statusCode, removed.body).toBe(200);
    await expect.poll(onAir).toBe(0);
    // And a client that tries to go back on air is refused.
    expect(await chairB.refusal({ type: 'call.publish', stream: 'interp', jsep: syntheticOffer(22) })).toBe(
      'forbidden',
    );
    expect(await onAir()).toBe(0);
  });
});
