import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JanusSupervisor } from '../janus/index.js';
import { startJanusNodes } from '../janus/pool.js';
import { captureLog, eventually, janusInstalled, testJanusOptions } from '../janus/test-support/janus.js';
import { callManagerOf } from '../modules/calls/runtime.js';
import { calls } from '../modules/calls/schema.js';
import { CallClient } from '../modules/calls/test-support/call-client.js';
import { freshMeeting } from '../modules/meetings/test-support/fixtures.js';
import { type TwoNodes, twoNodeSkipReason, twoNodes } from '../test-support/two-nodes.js';
import { buildWorld, sessionCookieFor, type World } from '../test-support/world.js';

/**
 * Two server nodes sharing two Janus nodes (docs/deploy.md, "Several Janus nodes"): a call's participants on
 * either server node are in one room, and when that Janus dies both server nodes end up in one new room.
 */
const skip = twoNodeSkipReason() ?? (janusInstalled ? null : 'two-node calls need Janus (/usr/bin/janus)');
if (skip) console.log(`two server nodes, two Janus nodes: skipped: ${skip}`);

describe.skipIf(skip !== null)('two server nodes sharing two Janus nodes', () => {
  let n: TwoNodes;
  let w: World;
  const sups: JanusSupervisor[] = [];
  const clients: CallClient[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const sup = new JanusSupervisor({ janus: testJanusOptions(), log: captureLog() });
      await sup.start();
      sups.push(sup);
    }
    const specs = sups.map((s, i) => ({ id: `media-${i + 1}`, url: s.url, adminKey: s.secrets.adminKey }));
    n = await twoNodes({ janus: () => startJanusNodes(specs, captureLog(), 1_000) });
    w = await buildWorld(n.a.app, n.a.ctx);
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await n?.close();
    for (const s of sups) await s.stop();
  });

  it('participants on both server nodes share the room, and move together when its Janus dies', async () => {
    const meeting = await freshMeeting(w, 'planned', { format: 'video', days: 0.01 });
    expect((await (await w.client('chairA')).post(`/api/meetings/${meeting.id}/call/start`)).statusCode).toBe(201);
    const open = async (node: 'a' | 'b', who: 'chairA' | 'chairB') => {
      const c = await CallClient.open(n[node].ws, await sessionCookieFor(n[node].ctx, w.users[who].id), meeting.id);
      clients.push(c);
      c.send({ type: 'call.join' });
      await c.next('call.joined');
      return c;
    };
    const onA = await open('a', 'chairA');
    const onB = await open('b', 'chairB');
    const rowOf = async () => (await n.a.ctx.db.select().from(calls).where(eq(calls.meetingId, meeting.id)))[0]!;
    const before = await rowOf();
    const [liveA, liveB] = [callManagerOf(n.a.ctx)!, callManagerOf(n.b.ctx)!].map((m) => m.calls.get(meeting.id)!);
    expect([liveA!.janusNode, liveA!.room?.room]).toEqual([before.janusNode, before.roomId]);
    expect([liveB!.janusNode, liveB!.room?.room]).toEqual([before.janusNode, before.roomId]);
    const janusOf = (id: string | null) => n.a.ctx.janusPool!.get(id)!;
    await eventually(async () => (await janusOf(before.janusNode).rooms.listParticipants(before.roomId)).length === 2);

    const t0 = Date.now();
    await sups[before.janusNode === 'media-1' ? 0 : 1]!.stop();
    await onA.next('call.media-restart');
    await onB.next('call.media-restart');
    const after = await rowOf();
    console.log(`two-node Janus failover: call moved and both participants told in ${Date.now() - t0} ms`);
    expect(after.janusNode).not.toBe(before.janusNode);
    expect([liveA!.janusNode, liveA!.room?.room]).toEqual([after.janusNode, after.roomId]);
    expect([liveB!.janusNode, liveB!.room?.room]).toEqual([after.janusNode, after.roomId]);
    await eventually(async () => (await janusOf(after.janusNode).rooms.listParticipants(after.roomId)).length === 2);
    for (const node of [n.a, n.b]) {
      const ready = await node.app.inject('/readyz');
      expect(ready.statusCode).toBe(200);
      expect(ready.json().janusNodes).toMatchObject({ [before.janusNode!]: false, [after.janusNode!]: true });
    }
  });
});
