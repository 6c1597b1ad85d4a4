import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReceiveReport } from './harness/call-e2ee-harness.js';
import type { CallTab } from './support/call-e2ee.js';
import { useCallTrio } from './support/call-trio.js';

/**
 * The browser E2EE layer of calls (packages/web/src/e2ee) without Janus: Aldoria's chair (A) and Belmora's chair
 * (B), each in their own browser context, key a meeting's call through the real Delivery Service; A's fake camera
 * goes over a real RTCPeerConnection to B, SFrame-encrypted in A's worker and decrypted in B's. Aldoria's expert (C)
 * joins later, which changes the epoch under running video.
 */
describe('call E2EE: MLS-keyed SFrame on real WebRTC frames', () => {
  let a: CallTab;
  let b: CallTab;
  let c: CallTab;
  let meetingId: string;
  const pid = { a: randomUUID(), b: randomUUID(), c: randomUUID() };
  const devices: Record<string, string> = {};
  let mainLink: { sender: string; receiver: string };

  const trio = useCallTrio({
    names: { a: 'chair-ALD', b: 'chair-BEL', c: 'expert-ALD' },
    meetingTitle: 'Strategic stability consultations, round 3',
    failurePrefix: 'failed-call-e2ee',
  });
  beforeAll(() => {
    ({ a, b, c, meetingId } = trio);
  });

  const entry = (tab: CallTab, key: 'a' | 'b' | 'c', name: string) => ({
    participantId: pid[key],
    userId: tab.userId,
    deviceId: devices[key]!,
    displayName: name,
  });
  const roster = (keys: ('a' | 'b' | 'c')[]) => {
    const all = { a: entry(a, 'a', 'Elena Marsh'), b: entry(b, 'b', 'Amara Quist'), c: entry(c, 'c', 'Iris Halden') };
    return keys.map((k) => all[k]);
  };
  const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 60_000, interval: 250 });
  const epochOf = async (tab: CallTab) => (await tab.call('state')).epoch;
  const report = (tab: CallTab, id: string): Promise<ReceiveReport> => tab.call('report', id);
  /** A's fake camera to `to`, answered in the given receive mode; returns both connection ids. */
  const link = async (
    to: CallTab,
    how: { mode: 'e2ee' | 'plain' | 'wrong-key'; participantId: string; senderLeaf?: number },
  ) => {
    const pub = await a.call('publish');
    const sub = await to.call('receive', pub.offer, how);
    await a.call('accept', pub.id, sub.answer);
    return { sender: pub.id, receiver: sub.id };
  };

  it('the first participant creates the call group; the lowest leaf adds the next from the roster', async () => {
    expect(await a.call('supports')).toBe(true);
    devices.a = await a.call('start', meetingId);
    await poll(async () => (await a.call('state')).phase).toBe('ready');
    devices.b = await b.call('start', meetingId);
    await poll(async () => (await b.call('state')).phase).toBe('waiting-for-welcome');
    expect((await b.call('state')).participants).toEqual([]);

    await a.call('setRoster', roster(['a', 'b']));
    await b.call('setRoster', roster(['a', 'b']));
    // Add (epoch 1), then B's full-path update (epoch 2).
    await poll(() => epochOf(b)).toBe(2);
    await poll(() => epochOf(a)).toBe(2);
    const [sa, sb] = [await a.call('state'), await b.call('state')];
    expect(sa.safetyCode).toMatch(/^\d{5}( \d{5}){5}$/);
    expect(sb.safetyCode).toBe(sa.safetyCode);
    expect(sb.members.map((m) => m.deviceId).sort()).toEqual([devices.a, devices.b].sort());
    // Each side verified the other's key in the device-key log, and flags it as new to this browser.
    const other = sb.members.find((m) => !m.isMe)!;
    expect(other).toMatchObject({ deviceId: devices.a, verified: true, warning: 'new', participantId: pid.a });
    expect(other.fingerprint).toMatch(/^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
    expect(sb.keyWarning).toBe(true);
    expect(sa.members.find((m) => m.isMe)?.fingerprint).toBe(other.fingerprint);
    await poll(async () => (await b.call('state')).participants[0]?.status).toBe('ok');

    const server = await a.call('api', 'GET', `/api/mls/groups?context=call:${meetingId}`);
    expect((server.body as { epoch: number }).epoch).toBe(2);
  });

  it('A’s camera, encrypted in A’s worker, decodes at B: frames decoded and a picture that is not black', async () => {
    mainLink = await link(b, { mode: 'e2ee', participantId: pid.a });
    await poll(async () => (await report(b, mainLink.receiver)).framesDecoded).toBeGreaterThan(30);
    await poll(async () => (await report(b, mainLink.receiver)).litPixels)
      .toBeGreaterThan(0.2)
      .catch(async (e) => {
        throw new Error(`${e}: ${JSON.stringify(await report(b, mainLink.receiver))}`);
      });
    const st = await b.call('state');
    const fromA = st.participants.find((p) => p.participantId === pid.a)!;
    expect(fromA).toMatchObject({ status: 'ok', mediaEpoch: 2 });
    expect(fromA.framesDecrypted).toBeGreaterThan(30);
    expect((await a.call('state')).framesEncrypted).toBeGreaterThan(30);
  });

  it('nothing decodes without the keys: a plain receiver, random keys, or A’s frames passed off as B’s stream', async () => {
    const plain = await link(b, { mode: 'plain', participantId: pid.a });
    const wrong = await link(b, { mode: 'wrong-key', participantId: pid.a, senderLeaf: 0 });
    const swapped = await link(b, { mode: 'e2ee', participantId: pid.b });
    for (const l of [plain, wrong, swapped]) {
      // Media does arrive (the sender is sending), it just never decodes.
      await poll(async () => (await report(b, l.receiver)).bytesReceived).toBeGreaterThan(100_000);
    }
    for (const l of [plain, wrong, swapped]) {
      const r = await report(b, l.receiver);
      expect(r.framesDecoded).toBe(0);
      expect(r.width).toBe(0);
    }
    const wrongStats = (await b.call('wrongKeyStats')) as {
      receivers: Record<string, { failed: number; decrypted: number }>;
    };
    expect(wrongStats.receivers[pid.a]).toMatchObject({ decrypted: 0 });
    expect(wrongStats.receivers[pid.a]!.failed).toBeGreaterThan(30);
    // The correctly bound stream keeps decoding alongside.
    const before = (await report(b, mainLink.receiver)).framesDecoded;
    await poll(async () => (await report(b, mainLink.receiver)).framesDecoded).toBeGreaterThan(before + 30);
  });

  it('chat is end-to-end encrypted; a newcomer’s join changes the epoch under running video without a stall', async () => {
    const early = 'Paragraph 4 stays bracketed until the annex is closed';
    const sent = await a.call('sendChat', early);
    expect(sent).toMatchObject({ mine: true, text: early });
    await poll(async () => (await b.call('chats')).map((m) => m.text)).toContain(early);
    expect((await b.call('chats'))[0]).toMatchObject({ participantId: pid.a, displayName: 'Elena Marsh', mine: false });

    devices.c = await c.call('start', meetingId);
    for (const tab of [a, b, c]) await tab.call('setRoster', roster(['a', 'b', 'c']));
    // Add C (epoch 3), C's path update (epoch 4).
    for (const tab of [a, b, c]) await poll(() => epochOf(tab)).toBe(4);
    const codes = new Set(await Promise.all([a, b, c].map(async (t) => (await t.call('state')).safetyCode)));
    expect(codes.size).toBe(1);

    // A's frames now carry epoch-4 keys at B, and decoding went on.
    await poll(
      async () => (await b.call('state')).participants.find((p) => p.participantId === pid.a)?.mediaEpoch,
    ).toBe(4);
    const at = (await report(b, mainLink.receiver)).framesDecoded;
    await poll(async () => (await report(b, mainLink.receiver)).framesDecoded).toBeGreaterThan(at + 30);
    const fromA = (await b.call('state')).participants.find((p) => p.participantId === pid.a)!;
    expect(fromA.status).toBe('ok');

    const late = 'Welcome, Iris';
    await b.call('sendChat', late);
    await poll(async () => (await c.call('chats')).map((m) => m.text)).toContain(late);
    // C joined after the first message: it exists only as ciphertext C has no keys for.
    expect((await c.call('chats')).map((m) => m.text)).not.toContain(early);
    expect((await c.call('state')).chatHistoryStartsAtJoin).toBe(true);
  });

  it('a leaver is removed at once by a remaining member: a new epoch without them', async () => {
    await c.call('leave');
    for (const tab of [a, b]) await tab.call('setRoster', roster(['a', 'b']));
    for (const tab of [a, b]) await poll(() => epochOf(tab)).toBe(5);
    const sa = await a.call('state');
    expect(sa.members.map((m) => m.deviceId).sort()).toEqual([devices.a, devices.b].sort());
    expect((await c.call('state')).phase).toBe('ended');
    await poll(
      async () => (await b.call('state')).participants.find((p) => p.participantId === pid.a)?.mediaEpoch,
    ).toBe(5);
  });
});
