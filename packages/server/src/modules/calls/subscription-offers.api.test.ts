import { FIRST_SUBSTREAM } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JanusService, RoomHandle } from '../../janus/index.js';
import { VideoRoomParticipant } from '../../janus/index.js';
import { eventually, janusInstalled } from '../../janus/test-support/janus.js';
import { type JanusStream, ParticipantMedia, type SubscriptionOffer } from './media.js';
import { syntheticAnswer } from './test-support/call-client.js';
import { callHarness, type Harness } from './test-support/harness.js';

/** docs/architecture.md §4.1: offers numbered per subscriber handle, and only the waiting one's answer reaches Janus. */
describe.skipIf(!janusInstalled)('numbered subscription offers (real Janus)', () => {
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

  const open = (token: string, offers: SubscriptionOffer[]) =>
    ParticipantMedia.open(janus.client, room, token, token, {
      feed: () => {},
      talking: () => {},
      offer: (o) => void offers.push(o),
      firstLayer: () => FIRST_SUBSTREAM,
    });
  const active = (streams: JanusStream[]) => streams.filter((s) => s.active).map((s) => s.mid);
  const ref = (o: SubscriptionOffer) => ({ subscription: o.subscription, offer: o.offer });

  it('answers only the offer that waits; a change made meanwhile comes as the next offer after that answer', async () => {
    const offers: SubscriptionOffer[] = [];
    const media = await open('tok-sub', offers);
    const both = mids.map((mid) => ({ feedId: feed, mid }));
    const first = [{ feedId: feed, mid: mids[0]! }];
    const initial = (await media.subscribe(both))!;
    expect(initial.offer).toBe(1);
    expect(active(initial.streams)).toEqual(mids);
    expect(await media.answerSubscription(syntheticAnswer(initial.jsep.sdp, 1), ref(initial))).toBe('answered');
    // The same answer again, or one to an offer never made, is not Janus's business.
    expect(await media.answerSubscription(syntheticAnswer(initial.jsep.sdp, 2), ref(initial))).toBe('stale');
    expect(await media.answerSubscription(syntheticAnswer(initial.jsep.sdp, 3), { ...ref(initial), offer: 2 })).toBe(
      'stale',
    );

    // A stream goes: offer 2. While its answer is on its way the stream comes back: Janus holds that offer.
    const removal = (await media.subscribe(first))!;
    expect(removal.offer).toBe(2);
    expect(active(removal.streams)).toEqual([mids[0]]);
    expect(await media.subscribe(both)).toBeNull();
    // An answer made for another subscription (a connection the browser has since replaced) is dropped.
    const otherOffers: SubscriptionOffer[] = [];
    const other = await open('tok-other', otherOffers);
    const foreign = (await other.subscribe(first))!;
    expect(foreign.subscription).not.toBe(removal.subscription);
    expect(await media.answerSubscription(syntheticAnswer(foreign.jsep.sdp, 4), { ...ref(foreign), offer: 2 })).toBe(
      'stale',
    );
    expect(offers).toEqual([]);
    // The real answer is taken, and Janus's held offer follows as number 3 with both streams.
    expect(await media.answerSubscription(syntheticAnswer(removal.jsep.sdp, 5), ref(removal))).toBe('answered');
    await eventually(() => offers.length === 1);
    const held = offers[0]!;
    expect(held).toMatchObject({ subscription: initial.subscription, offer: 3 });
    expect(active(held.streams)).toEqual(mids);
    expect(await media.answerSubscription(syntheticAnswer(removal.jsep.sdp, 6), ref(removal))).toBe('stale');
    expect(await media.answerSubscription(syntheticAnswer(held.jsep.sdp, 7), ref(held))).toBe('answered');
    await other.close();
    await media.close();
    // Once closed, nothing is answered.
    expect(await media.answerSubscription(syntheticAnswer(held.jsep.sdp, 8), ref(held))).toBe('none');
  });
});
