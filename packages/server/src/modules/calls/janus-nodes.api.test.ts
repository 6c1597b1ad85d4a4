import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JanusSupervisor } from '../../janus/index.js';
import { startJanusNodes } from '../../janus/pool.js';
import { captureLog, eventually, janusInstalled, testJanusOptions } from '../../janus/test-support/janus.js';
import { calls } from './schema.js';
import { syntheticOffer } from './test-support/call-client.js';
import { callHarness, type Harness } from './test-support/harness.js';

/** Two real Janus processes, reached by the app as JANUS_NODES would name them (not started by the app). */
describe.skipIf(!janusInstalled)('calls on several Janus nodes (two real Janus)', () => {
  let h: Harness;
  const sups: JanusSupervisor[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const sup = new JanusSupervisor({ janus: testJanusOptions(), log: captureLog() });
      await sup.start();
      sups.push(sup);
    }
    const specs = sups.map((s, i) => ({ id: `media-${i + 1}`, url: s.url, adminKey: s.secrets.adminKey }));
    h = await callHarness(() => startJanusNodes(specs, captureLog(), 1_000));
  });
  afterAll(async () => {
    await h?.close();
    for (const s of sups) await s.stop();
  });

  const rowOf = async (meetingId: string) =>
    (await h.t.ctx.db.select().from(calls).where(eq(calls.meetingId, meetingId)))[0]!;
  const pool = () => h.t.ctx.janusPool!;

  it('places each call on the least loaded node, stores where, and reports every node', async () => {
    const first = await h.meeting();
    const second = await h.meeting();
    await h.startCall(first);
    await h.startCall(second);
    const [a, b] = [await rowOf(first), await rowOf(second)];
    expect(new Set([a.janusNode, b.janusNode])).toEqual(new Set(['media-1', 'media-2']));
    expect(await pool().get(a.janusNode)!.rooms.exists(a.roomId)).toBe(true);
    expect(await pool().get(b.janusNode)!.rooms.exists(b.roomId)).toBe(true);
    expect(await pool().get(b.janusNode)!.rooms.exists(a.roomId)).toBe(false);

    const ready = await h.t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ janusNodes: { 'media-1': true, 'media-2': true } });
    const metrics = (await h.t.app.inject('/metrics')).body;
    expect(metrics).toContain('parley_janus_node_calls{janus_node="media-1"} 1');
    expect(metrics).toContain('parley_janus_node_calls{janus_node="media-2"} 1');
    expect(metrics).toContain('parley_janus_node_up{janus_node="media-2"} 1');
  });

  it('moves the calls of a dead node to the other one: same participants, new room, told to publish again', async () => {
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
    const before = await rowOf(id);
    const dying = sups[before.janusNode === 'media-1' ? 0 : 1]!;
    const other = before.janusNode === 'media-1' ? 'media-2' : 'media-1';

    await dying.stop();
    await chair.next('call.media-restart');
    await member.next('call.media-restart');

    const after = await rowOf(id);
    expect(after.janusNode).toBe(other);
    const janus = pool().get(other)!;
    expect(await janus.rooms.exists(after.roomId)).toBe(true);
    await eventually(async () => (await janus.rooms.listParticipants(after.roomId)).length === 2);
    const s = await chair.state((x) => x.participants.length === 2);
    expect(s.participants.map((p) => p.participantId)).toContain(participantId);
    expect(await member.request({ type: 'call.publish', stream: 'main', jsep: syntheticOffer(8) })).toMatchObject({
      type: 'call.answer',
    });

    // One dead media server does not make the server unready; it is reported as down.
    const ready = await h.t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ janusNodes: { [before.janusNode!]: false, [other]: true } });
    // Every running call is now on the live node.
    const running = await h.t.ctx.db.select().from(calls);
    for (const r of running.filter((r) => r.endedAt === null && r.janusNode === before.janusNode))
      await eventually(async () => (await rowOf(r.meetingId)).janusNode === other);
  });
});
