import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import {
  admit,
  type CallSeat,
  callSeat,
  createVideoMeeting,
  idOf,
  joinFromPreJoin,
  openPreJoin,
  removeFromCall,
  waitDecoding,
  waitInRoom,
} from './support/call-room.js';
import {
  type FirefoxSeat,
  clickButton as firefoxClick,
  firefoxJoins,
  firefoxRejoins,
  firefoxSeat,
  waitForHeading,
} from './support/firefox.js';
import { listenOnJanus } from './support/janus-listener.js';
import {
  everyoneDecodesEveryone,
  type MixedSeat,
  printMedia,
  settledPast,
  useMixedCall,
  views,
} from './support/mixed-call.js';
import { readWorkerTap, rebindWorker, workerTapScript } from './support/rekey-worker-tap.js';

/**
 * Rekeys of one E2EE call across two engines (docs/call-keys.md §5, §6, §7): Aldoria's chair in Chromium, Aldoria's
 * expert in Firefox ESR, Belmora's chair in Chromium. The Firefox delegate leaves and comes back (a leave and a
 * join, each rekeying the call), and Aldoria's chair removes the Firefox delegate: after every change all members
 * share one new epoch and keep decoding each other in both engines. The removed Firefox page keeps its E2EE worker
 * with every key it was given, and the chair's frames under the new epoch, fed to that worker straight from Janus,
 * reach it and decode not once. (Four real-time browsers in two engines are more than two cores carry: a Chromium
 * joiner's rekey is in call-mixed-browsers.spec.ts and e2ee-rekey.spec.ts.)
 */
describe('rekeys on join, leave and removal across Chromium and Firefox', () => {
  let chair: CallSeat;
  let ff: FirefoxSeat;
  let bel: CallSeat;
  let meetingId: string;
  const call = useMixedCall({
    seats: () => [chair, ff, bel],
    onFailure: async () => `worker tap (${ff?.name}): ${JSON.stringify(await readWorkerTap(ff.call))}`,
  });
  const { ids } = call;
  const name = (key: string) => call.world.users[key]!.displayName;

  beforeAll(async () => {
    const { chromium, firefox, server, world } = call;
    chair = await callSeat(chromium, server.url, world.users.aldChair!.email, 'rekeys-ald-chair');
    ff = await firefoxSeat(firefox, server.url, world.users.aldExpert!.email, 'rekeys-ald-expert-firefox');
    // Every call page of the Firefox delegate records what its E2EE worker is given (key epochs, not key bytes).
    await ff.page.evaluateOnNewDocument(workerTapScript);
    bel = await callSeat(chromium, server.url, world.users.belChair!.email, 'rekeys-bel-chair');
    // Two engines and the SFU on a small machine: pages take longer to come up than with Chromium alone.
    for (const seat of [chair, bel]) seat.context.setDefaultTimeout(45_000);
    meetingId = await createVideoMeeting(chair.page, world.groupId, 'Strategic Consultative Group — rekeys');
  }, 300_000);

  /** The participantId `viewer` has for `displayName`, once it is no longer `old` (a rejoin is a new participant). */
  const newIdOf = async (viewer: MixedSeat, displayName: string, old: string | undefined) => {
    const page = 'call' in viewer ? viewer.call : viewer.page;
    await expect.poll(() => idOf(page, displayName), { timeout: 30_000 }).not.toBe(old);
    return idOf(page, displayName);
  };

  it('Chromium on both sides and Firefox decode each other under one epoch and one safety code', async () => {
    await openPreJoin(chair, meetingId);
    await chair.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(chair);
    await firefoxJoins(ff, call.server.url, meetingId, () => admit(chair, name('aldExpert')));
    await openPreJoin(bel, meetingId);
    await joinFromPreJoin(bel);
    await waitInRoom(bel);
    ids[chair.name] = await idOf(ff.call, name('aldChair'));
    ids[ff.name] = await idOf(chair.page, name('aldExpert'));
    ids[bel.name] = await idOf(chair.page, name('belChair'));
    const trio = [chair, ff, bel];
    await everyoneDecodesEveryone(ids, trio);
    const settled = await settledPast(ids, trio, 0);
    expect(settled.safetyCode).toMatch(/\d/);
  });

  it('the Firefox delegate leaves and rejoins: new keys each time, and the engines decode each other again', async () => {
    const before = (await views([chair, ff, bel]))[0]!;
    await firefoxClick(ff.page, 'Leave');
    await waitForHeading(ff.page, 'You left the call');
    const without = await settledPast(ids, [chair, bel], before.epoch!);
    expect(without.safetyCode).not.toBe(before.safetyCode);
    await everyoneDecodesEveryone(ids, [chair, bel]);

    await firefoxRejoins(ff, () => admit(chair, name('aldExpert')));
    ids[ff.name] = await newIdOf(chair, name('aldExpert'), ids[ff.name]);
    const trio = [chair, ff, bel];
    const back = await settledPast(ids, trio, without.epoch!);
    expect(back.safetyCode).not.toBe(without.safetyCode);
    await everyoneDecodesEveryone(ids, trio);
    await printMedia(ids, trio);
  });

  it('the chair removes the Firefox delegate, whose kept worker decodes none of the chair’s frames under the new keys', async () => {
    const chairId = ids[chair.name]!;
    // No listener through this worker before the removal: it would get the very frames (same KIDs and counters) the
    // page's own receiver of the chair decrypts, and the one replay window would refuse whichever copy came second.
    // That the worker decrypts the chair under the current keys is what the previous tests showed.
    const oldEpoch = (await views([chair]))[0]!.epoch!;
    await waitDecoding(ff.call, chairId);
    await expect
      .poll(async () => (await readWorkerTap(ff.call)).stats?.receivers[chairId]?.lastEpoch, { timeout: 30_000 })
      .toBe(oldEpoch);
    const kept = await readWorkerTap(ff.call);
    expect(Math.max(...kept.keyEpochs)).toBe(oldEpoch);

    await removeFromCall(chair, name('aldExpert'));
    await waitForHeading(ff.page, 'You were removed from the call');
    const after = await settledPast(ids, [chair, bel], oldEpoch);
    const newEpoch = after.epoch!;
    await everyoneDecodesEveryone(ids, [chair, bel]);

    // The removed page keeps everything it had: the worker, its keys, and the chair's stream bound to the chair's leaf.
    expect(await rebindWorker(ff.call, kept.participants!)).toBe(1);
    const seenAtStart = (await readWorkerTap(ff.call)).stats?.receivers[chairId];
    const listener = await listenOnJanus(call.server, meetingId, ff.call, chairId, { decryptAs: chairId });
    try {
      await expect
        .poll(async () => (await listener.received()).video?.bytes ?? 0, { timeout: 45_000 })
        .toBeGreaterThan(300_000);
      await expect
        .poll(async () => (await readWorkerTap(ff.call)).stats?.receivers[chairId]?.failed ?? 0, { timeout: 30_000 })
        .toBeGreaterThan((seenAtStart?.failed ?? 0) + 60);
      const got = await listener.received();
      const tap = await readWorkerTap(ff.call);
      const seen = tap.stats!.receivers[chairId]!;
      console.info(
        `removed Firefox page's kept worker, epoch ${oldEpoch}→${newEpoch}: ${JSON.stringify(got)}; ` +
          `worker: ${seen.failed - (seenAtStart?.failed ?? 0)} refused (${seen.lastError}), ` +
          `${seen.decrypted - (seenAtStart?.decrypted ?? 0)} decrypted`,
      );
      expect(got.video!.packets).toBeGreaterThan(200);
      expect(got.video!.framesDecoded).toBe(0);
      expect(got.picture!.width).toBe(0);
      expect(seen.decrypted).toBe(seenAtStart?.decrypted ?? 0);
      expect(seen.lastError).toBe('unknown_key');
      // Not one key of the new epoch (or later) reached the removed page.
      expect(Math.max(...tap.keyEpochs)).toBe(oldEpoch);
    } finally {
      await listener.close();
    }
    await screenshot(chair.page, 'call-mixed-rekeys-after-removal');
  });
});
