import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, janusInstalled } from '../../janus/test-support/janus.js';
import { calls } from './schema.js';
import { syntheticOffer } from './test-support/call-client.js';
import { callHarness, type Harness } from './test-support/harness.js';

describe.skipIf(!janusInstalled)('Janus restarts mid-call (real Janus)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await callHarness();
  });
  afterAll(() => h?.close());

  it('recreates the room with new tokens, reopens every participant and tells them to restart media', async () => {
    const id = await h.meeting();
    await h.startCall(id);
    const chair = await h.connect('chairA', id);
    const member = await h.connect('memberA', id);
    chair.send({ type: 'call.join' });
    await chair.next('call.joined');
    member.send({ type: 'call.join' });
    const { participantId } = await member.next('call.lobby');
    chair.send({ type: 'call.admit', participantId });
    await member.next('call.joined');
    expect(await member.request({ type: 'call.publish', stream: 'main', jsep: syntheticOffer(7) })).toMatchObject({
      type: 'call.answer',
    });
    const [before] = await h.t.ctx.db.select().from(calls).where(eq(calls.meetingId, id));
    const oldToken = h.mgr.calls.get(id)!.members.get(participantId)!.media!.token;

    const janus = h.t.ctx.janus!;
    process.kill(janus.supervisor!.pid!, 'SIGKILL');
    await chair.next('call.media-restart');
    await member.next('call.media-restart');

    const [after] = await h.t.ctx.db.select().from(calls).where(eq(calls.meetingId, id));
    expect(after!.roomId).not.toBe(before!.roomId);
    expect(await janus.rooms.exists(after!.roomId)).toBe(true);
    await eventually(async () => (await janus.rooms.listParticipants(after!.roomId)).length === 2);
    const live = h.mgr.calls.get(id)!.members.get(participantId)!;
    expect(live.media!.token).not.toBe(oldToken);
    // Still the same participants (no lobby, no rejoin), and media works again in the new room.
    const s = await chair.state((x) => x.participants.length === 2);
    expect(s.participants.map((p) => p.participantId)).toContain(participantId);
    expect(await member.request({ type: 'call.publish', stream: 'main', jsep: syntheticOffer(8) })).toMatchObject({
      type: 'call.answer',
    });
    expect((await (await h.http('chairA')).get(`/api/meetings/${id}/call`)).json()).toMatchObject({
      active: true,
      participantCount: 2,
    });
  });
});
