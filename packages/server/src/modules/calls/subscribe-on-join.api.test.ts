import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { janusInstalled } from '../../janus/test-support/janus.js';
import { syntheticOffer } from './test-support/call-client.js';
import { callHarness, type Harness } from './test-support/harness.js';

/**
 * docs/call-keys.md §11: a participant is subscribed to everyone's feeds as they are admitted, so the SFU's offer
 * leaves with the admission and the browser sends no `call.subscribe` of its own; `call.joined` names the set.
 */
describe.skipIf(!janusInstalled)('the subscription that starts with the admission (real Janus)', () => {
  let h: Harness;
  let id: string;

  beforeAll(async () => {
    h = await callHarness();
    id = await h.meeting();
    await h.startCall(id);
  });
  afterAll(() => h?.close());

  /** chairA in the call with a published camera whose feed is up (what Janus's webrtcup would report). */
  async function publishingChair() {
    const chairA = await h.connect('chairA', id);
    chairA.send({ type: 'call.join' });
    const { participantId } = await chairA.next('call.joined');
    expect(await chairA.request({ type: 'call.publish', stream: 'main', jsep: syntheticOffer(11) })).toMatchObject({
      type: 'call.answer',
    });
    const call = h.mgr.calls.get(id)!;
    const member = call.members.get(participantId)!;
    const feedId = String(member.media!.janusIds[0]);
    h.mgr.mediaEvents(call, member).feed('main', feedId, true);
    return { chairA, feedId };
  }

  // Without a browser no feed carries media, and Janus refuses to subscribe to one that carries none: this shows the
  // set the server picks and what the browser hears when the subscription fails. The offer itself, for feeds with
  // media, is what every call spec's joiner decodes (e2e/call-room.spec.ts and the others).
  it('names the feeds of the roster in call.joined; a failed subscription sends the browser to subscribe itself', async () => {
    const { feedId } = await publishingChair();
    const chairB = await h.connect('chairB', id);
    chairB.send({ type: 'call.join' });
    const joined = await chairB.next('call.joined');
    expect(joined.subscribed).toEqual([feedId]);
    const refused = await chairB.next('call.error');
    expect(refused.code).toBe('no_such_feed');
    // The roster follows the refusal, so the browser subscribes again from it (`CallSession`: no_such_feed).
    const after = chairB.messages.findIndex((m) => m === refused);
    expect(
      await chairB.state((s) => s.participants.some((p) => p.feeds.some((f) => f.feedId === feedId)), after + 1),
    ).toBeTruthy();
  });

  it('subscribes to nothing, and says so, when nobody else publishes', async () => {
    const other = await h.meeting();
    await h.startCall(other);
    const chairA = await h.connect('chairA', other);
    chairA.send({ type: 'call.join' });
    expect((await chairA.next('call.joined')).subscribed).toEqual([]);
    expect(await chairA.refusal({ type: 'call.media-state', audio: true, video: true })).toBeNull();
    expect(chairA.messages.some((m) => m.type === 'call.offer')).toBe(false);
  });
});
