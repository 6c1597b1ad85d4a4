import { mlsContext } from '@parley/protocol';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../db/schema.js';
import { janusInstalled } from '../janus/test-support/janus.js';
import { InjectClient } from '../lib/inject-client.js';
import { callManagerOf } from '../modules/calls/runtime.js';
import { CallClient } from '../modules/calls/test-support/call-client.js';
import { mlsRuntimeOf } from '../modules/keys/runtime.js';
import { MlsDevice, TestSocket } from '../modules/keys/test-support/mls-client.js';
import { freshMeeting } from '../modules/meetings/test-support/fixtures.js';
import { TEST_ORIGIN } from '../test-support/app.js';
import { type TwoNodes, twoNodeSkipReason, twoNodes } from '../test-support/two-nodes.js';
import { buildWorld, sessionCookieFor, type World } from '../test-support/world.js';

/**
 * Two server nodes on one PostgreSQL and one real Redis (docs/deploy.md, "Several nodes"): what one node changes,
 * the other node's sockets see, policy-filtered; limits and timers hold across both.
 */
const skip = twoNodeSkipReason() ?? (janusInstalled ? null : 'two-node calls need Janus (/usr/bin/janus)');
if (skip) console.log(`two server nodes: skipped: ${skip}`);

describe.skipIf(skip !== null)('two server nodes on PostgreSQL and Redis', () => {
  let n: TwoNodes;
  let w: World;
  const sockets: TestSocket[] = [];
  const calls: CallClient[] = [];
  const socketOn = async (node: 'a' | 'b', userId: string) => {
    const s = await TestSocket.open(n[node].ws, await sessionCookieFor(n[node].ctx, userId));
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    n = await twoNodes({ janus: true });
    w = await buildWorld(n.a.app, n.a.ctx);
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.ws.close();
    for (const c of calls) c.close();
    await n?.close();
  });

  it('a socket on node B gets the event of a write on node A, side-only events only on their own side', async () => {
    const a = await socketOn('b', w.users.chairA.id);
    const b = await socketOn('b', w.users.chairB.id);
    for (const s of [a, b]) await s.subscribe(`group:${w.group.id}`);
    const chairA = await w.client('chairA'); // requests to node A
    const hidden = (
      await chairA.post(`/api/groups/${w.group.id}/sides/${w.sideA}/agencies`, {
        name: 'Cyber Unit A',
        marking: 'side-only',
      })
    ).json();
    const shared = (
      await chairA.post(`/api/groups/${w.group.id}/sides/${w.sideA}/agencies`, { name: 'Energy A' })
    ).json();
    const isFor = (id: string) => (m: TestSocket['messages'][number]) =>
      m.type === 'event' && m.event.resourceId === id;
    await a.next(isFor(hidden.id));
    await a.next(isFor(shared.id));
    // Events reach a node in the order they were published: once B has the shared one, a leaked hidden one would be here.
    await b.next(isFor(shared.id));
    expect(JSON.stringify(b.messages)).not.toContain(hidden.id);
    expect(JSON.stringify(b.messages)).not.toContain('Cyber Unit A');
  });

  it('counts wrong passwords across nodes: the limit holds wherever the guesses land', async () => {
    const onA = new InjectClient(n.a.app, TEST_ORIGIN);
    const onB = new InjectClient(n.b.app, TEST_ORIGIN);
    const guess = (c: InjectClient) => c.post('/api/auth/login', { email: w.users.memberB.email, password: 'wrong' });
    // Five failures per account are allowed per window: three land on A, two on B.
    for (const c of [onA, onA, onA, onB, onB]) expect((await guess(c)).statusCode).toBe(401);
    for (const c of [onA, onB]) {
      const res = await guess(c);
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
  });

  it('a nomination made on node A falls back once, on node B, after node A stopped running fallbacks', async () => {
    mlsRuntimeOf(n.a.ctx).nominator.timeoutMs = 300;
    // The next fallback (if any) is far away: only the first one is under test.
    mlsRuntimeOf(n.b.ctx).nominator.timeoutMs = 600_000;
    const d = {} as Record<'chairA' | 'chairB' | 'memberB', MlsDevice>;
    for (const p of ['chairA', 'chairB', 'memberB'] as const) {
      d[p] = await MlsDevice.register(p, await w.client(p), w.users[p].id);
      await d[p].uploadKeyPackages(1);
    }
    const mlsGroupId = await d.chairA.createGroup(mlsContext({ kind: 'group', groupId: w.group.id }));
    for (const joiner of [d.chairB, d.memberB]) {
      const claim = await d.chairA.http.post(`/api/mls/groups/${mlsGroupId}/key-packages/claim`, {
        deviceId: d.chairA.deviceId,
        userId: joiner.userId,
      });
      const [kp] = claim.json().keyPackages;
      const pending = await d.chairA.s.prepareAdd([new Uint8Array(Buffer.from(kp.keyPackage, 'base64'))]);
      expect((await d.chairA.postCommit(mlsGroupId, pending, { welcomeTo: [joiner] })).status).toBe(201);
      for (const x of [d.chairB, d.memberB]) if (x.session?.active) await x.sync(mlsGroupId);
      await joiner.joinFromWelcome(mlsGroupId);
      await d.chairA.sync(mlsGroupId);
      if (joiner === d.memberB) await d.chairB.sync(mlsGroupId);
    }
    // chairB listens on node A; node B will be the one to ask it.
    const wsChairB = await socketOn('a', w.users.chairB.id);
    await wsChairB.subscribe(`mls:${mlsGroupId}`);
    const left = await d.memberB.http.post(`/api/mls/groups/${mlsGroupId}/leave`, { deviceId: d.memberB.deviceId });
    expect(left.statusCode).toBe(200);
    const first = left.json().nominee.deviceId as string;
    expect(first).toBe(d.chairA.deviceId);
    mlsRuntimeOf(n.a.ctx).nominator.close(); // node A is going away: its fallbacks are for the others to run
    const asked = await wsChairB.nextEvent('mls.commit-requested', (e) => e.data.deviceId === d.chairB.deviceId);
    expect(asked.data.remove).toEqual([{ deviceId: d.memberB.deviceId, leafIndex: d.memberB.s.ownLeafIndex }]);
    await new Promise((r) => setTimeout(r, 1_000)); // room for a second firing, were there one
    const fallbacks = await n.b.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'mls.nominate'), eq(auditLog.resourceId, mlsGroupId)));
    expect(fallbacks).toHaveLength(1);
  });

  it('a participant joined through node A shows in the roster of a participant on node B', async () => {
    const meeting = await freshMeeting(w, 'planned', { format: 'video', days: 0.01 });
    expect((await (await w.client('chairA')).post(`/api/meetings/${meeting.id}/call/start`)).statusCode).toBe(201);
    const onB = await CallClient.open(n.b.ws, await sessionCookieFor(n.b.ctx, w.users.chairB.id), meeting.id);
    calls.push(onB);
    onB.send({ type: 'call.join' });
    await onB.next('call.joined');
    const onA = await CallClient.open(n.a.ws, await sessionCookieFor(n.a.ctx, w.users.chairA.id), meeting.id);
    calls.push(onA);
    onA.send({ type: 'call.join' });
    await onA.next('call.joined');
    const ids = (st: { participants: { userId: string }[] }) => st.participants.map((p) => p.userId).sort();
    const both = [w.users.chairA.id, w.users.chairB.id].sort();
    expect(ids(await onB.state((st) => st.participants.length === 2))).toEqual(both);
    expect(ids(await onA.state((st) => st.participants.length === 2))).toEqual(both);
    const status = await (await w.client('chairA')).get(`/api/meetings/${meeting.id}/call`);
    expect(status.json()).toMatchObject({ participantCount: 2 });
    // Operators see, per node, the calls it drives and the participants whose sockets it holds.
    for (const [node, id] of [
      [n.a, 'node-a'],
      [n.b, 'node-b'],
    ] as const) {
      const metrics = (await node.app.inject({ url: '/metrics' })).body;
      expect(metrics).toContain(`parley_node_info{node="${id}",cluster="redis"} 1`);
      expect(metrics).toContain(`parley_calls_running{node="${id}"} 1`);
      expect(metrics).toContain(`parley_call_participants{node="${id}"} 1`);
      const ready = (await node.app.inject({ url: '/readyz' })).json();
      expect(ready.checks).toMatchObject({ database: true, redis: true });
    }
    // Leaving through node A takes them off node B's roster.
    const mark = onB.mark();
    onA.send({ type: 'call.leave' });
    expect(ids(await onB.state((st) => st.participants.length === 1, mark))).toEqual([w.users.chairB.id]);
    expect(callManagerOf(n.b.ctx)!.calls.get(meeting.id)?.remote).toEqual([]);
  });
  it('admits, mutes, removes and caucuses across nodes: whichever node holds the socket carries it out', async () => {
    const meeting = await freshMeeting(w, 'planned', { format: 'video', days: 0.01 });
    const id = meeting.id;
    const chairA = await w.client('chairA'); // requests to node A
    expect((await chairA.post(`/api/meetings/${id}/call/start`)).statusCode).toBe(201);
    const open = async (node: 'a' | 'b', who: 'chairA' | 'memberA' | 'chairB' | 'memberB') => {
      const c = await CallClient.open(n[node].ws, await sessionCookieFor(n[node].ctx, w.users[who].id), id);
      calls.push(c);
      c.send({ type: 'call.join' });
      return c;
    };
    const cA = await open('a', 'chairA');
    const cB = await open('b', 'chairB');
    await cA.next('call.joined');
    await cB.next('call.joined');

    // Each member waits on the other node than their side's chair, who sees them and lets them in from there.
    const mA = await open('b', 'memberA');
    const mB = await open('a', 'memberB');
    const waitingA = (await mA.next('call.lobby')).participantId;
    const waitingB = (await mB.next('call.lobby')).participantId;
    const lobbyOf = (st: { lobby: { participantId: string }[] }) => st.lobby.map((l) => l.participantId);
    await cA.state((st) => lobbyOf(st).includes(waitingA));
    await cB.state((st) => lobbyOf(st).includes(waitingB));
    // A side's lobby stays its own: chair B never sees member A waiting, even through node B.
    expect(JSON.stringify(cB.messages)).not.toContain(waitingA);
    expect(await cB.refusal({ type: 'call.admit', participantId: waitingA })).toBe('no_such_participant');
    cA.send({ type: 'call.admit', participantId: waitingA });
    cB.send({ type: 'call.admit', participantId: waitingB });
    await mA.next('call.joined');
    await mB.next('call.joined');
    for (const c of [cA, cB, mA, mB]) await c.state((st) => st.participants.length === 4);

    // A chair on node B asks a delegate of their side on node A to mute.
    cB.send({ type: 'call.mute', participantId: waitingB });
    expect(await mB.next('call.mute-requested')).toMatchObject({ byName: expect.any(String) });

    // Side A's caucus opened through node A: member A, on node B, steps out to it and sees the chair there.
    const opened = await chairA.post(`/api/meetings/${id}/call/caucus`);
    expect(opened.statusCode, opened.body).toBe(201);
    const caucusId = opened.json().caucusId as string;
    await mA.state((st) => st.caucus?.caucusId === caucusId);
    await cB.state((st) => st.sidesInCaucus.length === 1 && st.caucus === null);
    cA.send({ type: 'call.join', caucusId });
    mA.send({ type: 'call.join', caucusId });
    await mA.next('call.joined', (m) => m.caucusId === caucusId);
    await cA.next('call.joined', (m) => m.caucusId === caucusId);
    const ids = (st: { participants: { userId: string }[] }) => st.participants.map((p) => p.userId).sort();
    const sideA = [w.users.chairA.id, w.users.memberA.id].sort();
    expect(ids(await mA.state((st) => st.caucusId === caucusId && st.participants.length === 2))).toEqual(sideA);
    expect(ids(await cA.state((st) => st.caucusId === caucusId && st.participants.length === 2))).toEqual(sideA);
    // In the plenary: "in caucus" to their own side on either node, "away" to the other side.
    const presence = (st: { participants: { userId: string; presence: string }[] }, userId: string) =>
      st.participants.find((p) => p.userId === userId)?.presence;
    await cA.state((st) => !st.caucusId && presence(st, w.users.memberA.id) === 'in-caucus');
    await mB.state((st) => presence(st, w.users.memberA.id) === 'away' && presence(st, w.users.chairA.id) === 'away');
    await cB.state((st) => presence(st, w.users.memberA.id) === 'away' && presence(st, w.users.chairA.id) === 'away');

    // The chair's recall through node A reaches member A on node B; closing it brings everyone back.
    expect((await chairA.post(`/api/meetings/${id}/call/caucus/recall`)).statusCode).toBe(200);
    expect(await mA.next('call.caucus-recall')).toMatchObject({ caucusId });
    expect((await chairA.post(`/api/meetings/${id}/call/caucus/close`)).statusCode).toBe(200);
    await mA.next('call.ended', (m) => m.caucusId === caucusId);
    await cB.state((st) => st.sidesInCaucus.length === 0 && presence(st, w.users.memberA.id) === 'here');
    // Side B, on both nodes, never learnt the caucus's id.
    for (const c of [cB, mB]) expect(JSON.stringify(c.messages)).not.toContain(caucusId);

    // Chair B, on node B, removes member B, whose socket is on node A.
    const before = cA.mark();
    cB.send({ type: 'call.remove', participantId: waitingB });
    expect(await mB.next('call.removed')).toMatchObject({ meetingId: id });
    const after = await cA.state((st) => st.participants.length === 3, before);
    expect(ids(after)).not.toContain(w.users.memberB.id);
  });
});
