import { mlsContext } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoRoomErrors, VideoRoomParticipant } from '../../janus/index.js';
import { eventually, janusInstalled } from '../../janus/test-support/janus.js';
import type { CallClient } from './test-support/call-client.js';
import { syntheticOffer } from './test-support/call-client.js';
import { callHarness, type Harness, registerDevice } from './test-support/harness.js';

describe.skipIf(!janusInstalled)('call signalling over /ws (real Janus)', () => {
  let h: Harness;
  let id: string;
  let chairA: CallClient;
  let chairB: CallClient;
  let memberA: CallClient;
  let memberAId: string;

  const room = () => h.mgr.calls.get(id)!.room!.room;
  const janusIdsOf = (participantId: string) => h.mgr.calls.get(id)!.members.get(participantId)!.media!.janusIds;

  beforeAll(async () => {
    h = await callHarness();
    id = await h.meeting();
    await h.startCall(id);
    chairA = await h.connect('chairA', id);
    chairB = await h.connect('chairB', id);
    chairA.send({ type: 'call.join' });
    chairB.send({ type: 'call.join' });
    await chairA.next('call.joined');
    await chairB.next('call.joined');
  });
  afterAll(() => h?.close());

  it('admits chairs at once, with ICE servers and the MLS context of the call', async () => {
    const joined = await chairA.next('call.joined');
    expect(joined).toMatchObject({
      meetingId: id,
      mlsContext: mlsContext({ kind: 'call', meetingId: id }),
      iceServers: [],
    });
    const s = await chairB.state((x) => x.participants.length === 2);
    expect(s.participants.map((p) => p.displayName).sort()).toEqual(['chairA', 'chairB']);
    expect(s.participants.find((p) => p.displayName === 'chairA')).toMatchObject({
      sideId: h.w.sideA,
      agencyName: 'Foreign Ministry A',
      title: 'chair title',
      role: 'chair',
      audio: false,
      speaking: false,
      feeds: [],
    });
    expect(await h.t.ctx.janus!.rooms.listParticipants(room())).toHaveLength(2);
  });

  it("holds a delegate in the lobby; only their own side's chair can admit them", async () => {
    memberA = await h.connect('memberA', id);
    const fromA = chairA.mark();
    const fromB = chairB.mark();
    memberA.send({ type: 'call.join' });
    memberAId = (await memberA.next('call.lobby')).participantId;
    const seenByA = await chairA.state((s) => s.lobby.length === 1, fromA);
    expect(seenByA.lobby[0]).toMatchObject({ participantId: memberAId, displayName: 'memberA', sideId: h.w.sideA });
    // Side B never sees side A's lobby, and cannot admit from it.
    expect(await chairB.refusal({ type: 'call.admit', participantId: memberAId })).toBe('no_such_participant');
    expect(chairB.messages.slice(fromB).every((m) => m.type !== 'call.state' || m.lobby.length === 0)).toBe(true);
    // Waiting is not being in the call.
    expect(await memberA.refusal({ type: 'call.publish', stream: 'main', jsep: syntheticOffer(3) })).toBe(
      'not_in_call',
    );
    expect(await memberA.refusal({ type: 'call.trickle', target: 'main', candidate: null })).toBe('not_in_call');
    chairA.send({ type: 'call.admit', participantId: memberAId });
    expect(await memberA.next('call.joined')).toMatchObject({
      participantId: memberAId,
      mlsContext: mlsContext({ kind: 'call', meetingId: id }),
    });
    await chairB.state((s) => s.participants.some((p) => p.participantId === memberAId));
    await chairA.state((s) => s.lobby.length === 0 && s.participants.length === 3, fromA);
  });

  it('turns a delegate away when their chair denies them', async () => {
    const memberB = await h.connect('memberB', id);
    memberB.send({ type: 'call.join' });
    const { participantId } = await memberB.next('call.lobby');
    await chairB.state((s) => s.lobby.some((l) => l.participantId === participantId));
    expect(await chairA.refusal({ type: 'call.deny', participantId })).toBe('no_such_participant');
    chairB.send({ type: 'call.deny', participantId });
    await memberB.next('call.denied');
    memberB.close();
  });

  it("publishes end-to-end encrypted on the caller's own handle and answers; trickle reaches only own handles", async () => {
    const res = await memberA.request({ type: 'call.publish', stream: 'main', jsep: syntheticOffer(5) });
    expect(res).toMatchObject({ type: 'call.answer', stream: 'main', jsep: { type: 'answer' } });
    expect(
      await memberA.refusal({
        type: 'call.trickle',
        target: 'main',
        candidate: {
          candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
        },
      }),
    ).toBeNull();
    expect(await memberA.refusal({ type: 'call.trickle', target: 'main', candidate: null })).toBeNull();
    // No screen share, no subscription: there is no such connection of theirs, and nobody else's is reachable.
    expect(await memberA.refusal({ type: 'call.trickle', target: 'screen', candidate: null })).toBe('no_such_stream');
    expect(await memberA.refusal({ type: 'call.trickle', target: 'subscriber', candidate: null })).toBe(
      'no_such_stream',
    );
    expect(
      await memberA.refusal({
        type: 'call.subscribe-answer',
        subscription: 'none',
        offer: 1,
        jsep: { type: 'answer', sdp: 'v=0' },
      }),
    ).toBe('no_such_stream');
    expect(await memberA.refusal({ type: 'call.layers', layers: [{ mid: '1', substream: 0 }] })).toBe('no_such_stream');
    // A feed id that is not another participant's live feed (here: memberA's own Janus id) is refused.
    const own = String(janusIdsOf(memberAId)[0]);
    expect(await memberA.refusal({ type: 'call.subscribe', feeds: [{ feedId: own }] })).toBe('no_such_feed');
    expect(await chairB.refusal({ type: 'call.subscribe', feeds: [{ feedId: own }] })).toBe('no_such_feed');
    // A socket that has not joined has no handles at all.
    const stranger = await h.connect('observerA', id);
    expect(await stranger.refusal({ type: 'call.trickle', target: 'main', candidate: null })).toBe('not_in_call');
    expect(await stranger.refusal({ type: 'call.remove', participantId: memberAId })).toBe('not_in_call');
  });

  it('shows media state in the roster', async () => {
    const from = chairB.mark();
    memberA.send({ type: 'call.media-state', audio: true, video: false });
    const s = await chairB.state((x) => x.participants.some((p) => p.participantId === memberAId && p.audio), from);
    expect(s.participants.find((p) => p.participantId === memberAId)).toMatchObject({ audio: true, video: false });
  });

  it("lets only a chair of the target's own side ask them to mute", async () => {
    expect(await chairB.refusal({ type: 'call.mute', participantId: memberAId })).toBe('forbidden');
    chairA.send({ type: 'call.mute', participantId: memberAId });
    expect(await memberA.next('call.mute-requested')).toMatchObject({ byName: 'chairA' });
  });

  it('a removed participant loses their handles and token at once, and their MLS devices are to be removed', async () => {
    // The call's MLS group, through the Delivery Service's API: chairA's device created it and added memberA's.
    const ctx = h.t.ctx;
    const asChairA = await h.http('chairA');
    const chairDevice = await registerDevice(asChairA, h.w.users.chairA.id);
    const memberDevice = await registerDevice(await h.http('memberA'), h.w.users.memberA.id);
    const g = (await asChairA.post('/api/mls/groups', { context: `call:${id}`, deviceId: chairDevice })).json();
    const commit = await asChairA.post(`/api/mls/groups/${g.id}/commits`, {
      deviceId: chairDevice,
      epoch: 0,
      commit: 'AAAA',
      welcomes: [{ deviceId: memberDevice, welcome: 'AAAA' }],
      addedDevices: [{ deviceId: memberDevice, leafIndex: 1 }],
      removedDevices: [],
    });
    expect(commit.statusCode, commit.body).toBe(201);

    const member = h.mgr.calls.get(id)!.members.get(memberAId)!;
    const token = member.media!.token;
    const ids = member.media!.janusIds;
    expect((await ctx.janus!.rooms.listParticipants(room())).map((p) => p.id)).toEqual(expect.arrayContaining(ids));
    expect(
      await memberA.refusal({ type: 'call.remove', participantId: (await chairA.next('call.joined')).participantId }),
    ).toBe('forbidden');
    // A chair of the other side removes memberA.
    chairB.send({ type: 'call.remove', participantId: memberAId });
    expect(await memberA.next('call.removed')).toMatchObject({ meetingId: id });
    await eventually(async () => {
      const left = (await ctx.janus!.rooms.listParticipants(room())).map((p) => p.id);
      return ids.every((x) => !left.includes(x));
    });
    await chairA.state((s) => !s.participants.some((p) => p.participantId === memberAId));
    // Their token is off the allowed list: a join with it is refused by Janus itself.
    const probe = await VideoRoomParticipant.open(ctx.janus!.client);
    const pub = await probe.publisher();
    await expect(pub.join({ room: room(), token })).rejects.toMatchObject({ code: VideoRoomErrors.unauthorized });
    await probe.close();
    // The Delivery Service marks their device leaving and nominates chairA's device to commit the Remove.
    await eventually(async () => {
      const { members } = (await asChairA.get(`/api/mls/groups/${g.id}`)).json();
      return members.find((m: { deviceId: string }) => m.deviceId === memberDevice)?.status === 'leaving';
    });
    // Knocking again puts them in the lobby, not straight back in.
    const mark = memberA.mark();
    memberA.send({ type: 'call.join' });
    const again = await memberA.next('call.lobby', undefined, mark);
    expect(again.participantId).not.toBe(memberAId);
  });

  it('a dropped socket keeps the place for the grace period; a reconnect within it resumes', async () => {
    const observer = await h.connect('observerA', id);
    observer.send({ type: 'call.join' });
    const { participantId } = await observer.next('call.lobby');
    chairA.send({ type: 'call.admit', participantId });
    await observer.next('call.joined');
    h.mgr.graceMs = 5_000;
    observer.close();
    const back = await h.connect('observerA', id);
    back.send({ type: 'call.join' });
    expect((await back.next('call.joined')).participantId).toBe(participantId);
    h.mgr.graceMs = 100;
    const from = chairA.mark();
    back.close();
    await chairA.state((s) => !s.participants.some((p) => p.participantId === participantId), from);
  });
});

/** A device registered through the API, with a random public key (opaque to the server). */
