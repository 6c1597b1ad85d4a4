import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReceiveReport } from './harness/call-e2ee-harness.js';
import type { CallTab } from './support/call-e2ee.js';
import { useCallTrio } from './support/call-trio.js';
import { installWorkerTap, readWorkerTap, rebindWorker, type WorkerTap } from './support/rekey-worker-tap.js';

/**
 * Issue 7: a removed participant decodes nothing of any later epoch. Aldoria's chair (A), Belmora's chair (B) and
 * Aldoria's expert (C) key a call through the real Delivery Service (the e2ee-call-keys harness: the real E2EE layer,
 * its real worker, real RTCPeerConnections with the fake camera). A's chair asks the server to remove C; a remaining
 * member commits the Remove. C then behaves as a removed member who keeps everything it had: the same worker with the
 * same keys and the same participant binding. A's camera, now under the new epoch's key, is fed to a receiver whose
 * transform is that old worker: not one frame decodes, and the worker says why (no key for the frames' KID), while B
 * keeps decoding the same sender.
 */
describe('E2EE: a removed participant cannot decode later epochs', () => {
  let a: CallTab;
  let b: CallTab;
  let c: CallTab;
  let meetingId: string;
  const pid = { a: randomUUID(), b: randomUUID(), c: randomUUID() };
  const devices: Record<string, string> = {};
  let toB: { sender: string; receiver: string };
  let toC: { sender: string; receiver: string };
  let beforeRemoval: WorkerTap;

  const trio = useCallTrio({
    names: { a: 'removed-chair-ALD', b: 'removed-chair-BEL', c: 'removed-expert-ALD' },
    meetingTitle: 'Verification regime, expert session',
    failurePrefix: 'failed-e2ee-removed',
    logTail: 60,
    // Before C's E2EE layer (and so its worker) exists.
    beforeMeeting: ({ c }) => installWorkerTap(c.page),
    onFailure: async ({ c }) => {
      if (c) console.error(JSON.stringify(await readWorkerTap(c.page).catch(() => null), null, 1));
    },
  });
  beforeAll(() => {
    ({ a, b, c, meetingId } = trio);
  });

  const roster = (keys: ('a' | 'b' | 'c')[]) => {
    const tabs = { a, b, c };
    const names = { a: 'Elena Marsh', b: 'Amara Quist', c: 'Iris Halden' };
    return keys.map((k) => ({
      participantId: pid[k],
      userId: tabs[k].userId,
      deviceId: devices[k]!,
      displayName: names[k],
    }));
  };
  const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 60_000, interval: 250 });
  const epochOf = async (tab: CallTab) => (await tab.call('state')).epoch;
  const report = (tab: CallTab, id: string): Promise<ReceiveReport> => tab.call('report', id);
  const fromA = async (tab: CallTab) => (await tab.call('state')).participants.find((p) => p.participantId === pid.a);
  const cSeesA = async () => (await readWorkerTap(c.page)).stats?.receivers[pid.a];
  /** A's fake camera on a new connection, decrypted in `to`'s worker as A's stream. */
  const link = async (to: CallTab) => {
    const pub = await a.call('publish');
    const sub = await to.call('receive', pub.offer, { mode: 'e2ee', participantId: pid.a });
    await a.call('accept', pub.id, sub.answer);
    return { sender: pub.id, receiver: sub.id };
  };

  it('three members share one epoch, and C decodes A’s camera with its worker', async () => {
    devices.a = await a.call('start', meetingId);
    await poll(async () => (await a.call('state')).phase).toBe('ready');
    devices.b = await b.call('start', meetingId);
    devices.c = await c.call('start', meetingId);
    for (const tab of [a, b, c]) await tab.call('setRoster', roster(['a', 'b', 'c']));
    // Adds and the joiners' path updates; everyone ends in one epoch with all three.
    await poll(async () => (await a.call('state')).members.length).toBe(3);
    // Wait for the settled epoch: right after the Welcome all three briefly share the Add's epoch, before the
    // joiners' path updates move everyone on.
    await poll(async () => {
      const epochs = await Promise.all([a, b, c].map(epochOf));
      return new Set(epochs).size === 1 && (epochs[0] ?? 0) >= 3;
    }).toBe(true);
    const shared = await epochOf(a);
    expect(shared).toBeGreaterThanOrEqual(3);

    toB = await link(b);
    toC = await link(c);
    for (const [tab, l] of [
      [b, toB],
      [c, toC],
    ] as const) {
      await poll(async () => (await report(tab, l.receiver)).framesDecoded).toBeGreaterThan(30);
      await poll(async () => (await report(tab, l.receiver)).litPixels).toBeGreaterThan(0.2);
    }
    await poll(async () => (await fromA(c))?.mediaEpoch).toBe(shared);
    beforeRemoval = await readWorkerTap(c.page);
    expect(beforeRemoval.keyEpochs).toContain(shared);
    // C's worker binds A's stream to A's leaf: the binding C keeps after its removal.
    expect(beforeRemoval.participants?.[pid.a]).toHaveLength(1);
    expect(beforeRemoval.stats?.receivers[pid.a]?.decrypted).toBeGreaterThan(30);
  });

  it('after the Remove, A’s frames under the new epoch decode at B and not at all in C’s old worker', async () => {
    const oldEpoch = (await epochOf(a))!;
    // The call's roster no longer has C (as the call server's state would say), and A's chair asks for the Remove.
    for (const tab of [a, b]) await tab.call('setRoster', roster(['a', 'b']));
    const group = await a.call('api', 'GET', `/api/mls/groups?context=call:${meetingId}`);
    const removal = await a.call('api', 'POST', `/api/mls/groups/${(group.body as { id: string }).id}/removals`, {
      userId: c.userId,
    });
    expect(removal.status).toBe(200);
    for (const tab of [a, b]) await poll(() => epochOf(tab)).toBe(oldEpoch + 1);
    const newEpoch = oldEpoch + 1;
    expect((await a.call('state')).members.map((m) => m.deviceId).sort()).toEqual([devices.a, devices.b].sort());

    // C keeps its old state: the same worker, its keys, and the binding it had (whatever its page did on removal).
    expect(await rebindWorker(c.page, beforeRemoval.participants!)).toBe(1);

    // A sends under the new key: B decrypts it as such, and C's old worker starts refusing the same sender.
    await poll(async () => (await fromA(b))?.mediaEpoch).toBe(newEpoch);
    const failedAtSwitch = (await cSeesA())?.failed ?? 0;
    await poll(async () => (await cSeesA())?.failed ?? 0).toBeGreaterThan(failedAtSwitch + 30);
    const decryptedByC = (await cSeesA())!.decrypted;
    const oldLinkFrames = (await report(c, toC.receiver)).framesDecoded;

    // A fresh connection from A to C's old worker, and one from A to B, side by side.
    const freshC = await link(c);
    const freshB = await link(b);
    await poll(async () => (await report(c, freshC.receiver)).bytesReceived).toBeGreaterThan(100_000);
    await poll(async () => (await report(b, freshB.receiver)).framesDecoded).toBeGreaterThan(30);
    await poll(async () => (await report(b, freshB.receiver)).litPixels).toBeGreaterThan(0.2);
    const bBefore = (await report(b, toB.receiver)).framesDecoded;
    await poll(async () => (await report(b, toB.receiver)).framesDecoded).toBeGreaterThan(bBefore + 30);

    const fresh = await report(c, freshC.receiver);
    expect(fresh.framesDecoded).toBe(0);
    expect(fresh.width).toBe(0);
    // The connection C already had stopped with the old epoch's last frame.
    expect((await report(c, toC.receiver)).framesDecoded).toBe(oldLinkFrames);

    const after = await readWorkerTap(c.page);
    const seen = after.stats!.receivers[pid.a]!;
    // Not one frame decrypted since the switch; refused because no key of C's matches their KID.
    expect(seen.decrypted).toBe(decryptedByC);
    expect(seen.lastEpoch).toBeLessThanOrEqual(oldEpoch);
    expect(seen.failed).toBeGreaterThan(failedAtSwitch + 60);
    expect(seen.lastError).toBe('unknown_key');
    // C's worker never got a key of the new epoch (or any later one).
    expect(Math.max(...after.keyEpochs)).toBe(oldEpoch);
    console.info(
      `removed member's old worker: ${seen.failed - failedAtSwitch} frames of A refused (${seen.lastError}), ` +
        `${seen.decrypted - decryptedByC} decrypted since epoch ${oldEpoch}→${newEpoch}; ` +
        `fresh receiver at C: ${fresh.framesDecoded} frames decoded of ${fresh.bytesReceived} bytes`,
    );
  });
});
