import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JanusService, type Jsep, type RoomHandle, VideoRoomParticipant } from '../../janus/index.js';
import { janusInstalled } from '../../janus/test-support/janus.js';
import { type JanusStream, ParticipantMedia } from './media.js';
import { syntheticAnswer } from './test-support/call-client.js';
import { callHarness, type Harness } from './test-support/harness.js';

describe.skipIf(!janusInstalled)('subscription renegotiation while an answer is in flight (real Janus)', () => {
  let h: Harness;
  let janus: JanusService;
  let room: RoomHandle;
  let feed: string;
  let mids: string[];

  beforeAll(async () => {
    h = await callHarness();
    janus = h.t.ctx.janus!;
    // Without real media no participant's feed is up; the room's placeholder feed has several streams (mids),
    // which stand for feeds coming and going.
    room = await janus.rooms.create({ allowed: ['tok-probe', 'tok-sub', 'tok-other'], dummyPublisher: true });
    const probe = await VideoRoomParticipant.open(janus.client);
    const joined = await (await probe.publisher()).join({ room: room.room, token: 'tok-probe' });
    const dummy = joined.publishers[0] as unknown as { id: number; streams: { mid: string }[] };
    feed = String(dummy.id);
    mids = dummy.streams.map((s) => s.mid);
  });
  afterAll(() => h?.close());

  it('holds changes while an offer waits for its answer and then renegotiates only what changed', async () => {
    const offers: { jsep: Jsep; streams: JanusStream[] }[] = [];
    const media = await ParticipantMedia.open(janus.client, room, 'tok-sub', 'sub', {
      feed: () => {},
      talking: () => {},
      offer: (jsep, streams) => void offers.push({ jsep, streams }),
    });
    const active = (streams: JanusStream[]) => streams.filter((s) => s.active).map((s) => s.mid);
    const both = mids.map((mid) => ({ feedId: feed, mid }));
    const first = [{ feedId: feed, mid: mids[0]! }];
    const initial = await media.subscribe(both);
    expect(active(initial!.streams)).toEqual(mids);
    expect(await media.answerSubscription(syntheticAnswer(initial!.jsep.sdp, 1))).toBe('answered');

    // A stream goes; while the browser's answer is on its way it comes back and goes again (a participant who
    // rejoins): nothing for Janus until that answer is in.
    const removal = await media.subscribe(first);
    expect(active(removal!.streams)).toEqual([mids[0]]);
    expect(await media.subscribe(both)).toBeNull();
    expect(await media.subscribe(first)).toBeNull();
    // An answer made for another subscription (a connection the browser has since replaced) never reaches Janus,
    // which would take it for the answer to its current offer.
    const other = await ParticipantMedia.open(janus.client, room, 'tok-other', 'other', {
      feed: () => {},
      talking: () => {},
      offer: () => {},
    });
    const otherOffer = await other.subscribe(first);
    expect(await media.answerSubscription(syntheticAnswer(otherOffer!.jsep.sdp, 2))).toBe('stale');
    // The real answer is taken; the changes held meanwhile came to nothing, so there is no offer to follow it and
    // the next change renegotiates at once, to exactly the wanted streams.
    expect(await media.answerSubscription(syntheticAnswer(removal!.jsep.sdp, 3))).toBe('answered');
    const again = await media.subscribe(both);
    expect(offers).toEqual([]);
    expect(active(again!.streams)).toEqual(mids);
    expect(await media.answerSubscription(syntheticAnswer(again!.jsep.sdp, 4))).toBe('answered');
    // A second answer to the same offer is stale too.
    expect(await media.answerSubscription(syntheticAnswer(again!.jsep.sdp, 5))).toBe('stale');

    // Changes held while an offer waits go to Janus as one update once it is answered; its offer follows.
    const drop = await media.subscribe(first);
    expect(await media.subscribe([])).toBeNull();
    expect(await media.subscribe(both)).toBeNull();
    expect(await media.answerSubscription(syntheticAnswer(drop!.jsep.sdp, 6))).toBe('answered');
    expect(offers).toHaveLength(1);
    expect(active(offers[0]!.streams)).toEqual(mids);
    expect(await media.answerSubscription(syntheticAnswer(offers[0]!.jsep.sdp, 7))).toBe('answered');
    await other.close();
    await media.close();
  });
});
