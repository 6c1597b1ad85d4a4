import type { Browser as PlaywrightBrowser } from 'playwright-core';
import type { Browser as FirefoxBrowser } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, SHOTS_DIR, screenshot } from './support/browser.js';
import {
  type CallPage,
  type CallSeat,
  callDiagnostics,
  callSeat,
  createVideoMeeting,
  idOf,
  joinFromPreJoin,
  openPreJoin,
  reportSeats,
  snapshotField,
  tileLuminance,
  waitDecoding,
  waitHearing,
  waitInRoom,
} from './support/call-room.js';
import { type CallServer, startCallServer } from './support/call-server.js';
import {
  clickButton,
  type FirefoxSeat,
  firefoxJoins,
  firefoxScreenshot,
  firefoxSeat,
  launchFirefox,
  waitForHeading,
} from './support/firefox.js';
import { listenOnJanus } from './support/janus-listener.js';
import { readWorkerTap, rebindWorker, workerTapScript } from './support/rekey-worker-tap.js';
import { seedWorld, type World } from './support/world.js';

interface E2eeView {
  safetyCode: string | null;
  epoch: number | null;
  participants: { participantId: string; framesDecrypted: number; mediaEpoch: number | null }[];
}

/**
 * Rekeys of a call across two engines (docs/call-keys.md §6): Aldoria's chair and expert in Chromium, Belmora's chair
 * in Firefox ESR. The Firefox delegate leaves and comes back, the chair removes the Chromium expert while Firefox
 * keeps decoding, then removes the Firefox delegate: that page keeps the E2EE worker with every key it was given,
 * and the chair's frames under the new epoch, fed to that worker straight from Janus, decode not once.
 */
describe('rekeys across Chromium and Firefox', () => {
  let server: CallServer;
  let chromium: PlaywrightBrowser;
  let firefox: FirefoxBrowser;
  let world: World;
  let meetingId: string;
  let chair: CallSeat;
  let bel: FirefoxSeat;
  let expert: CallSeat;
  const ids: Record<string, string> = {};
  const pageOf = (seat: CallSeat | FirefoxSeat): CallPage => ('call' in seat ? seat.call : seat.page);
  const views = (present: (CallSeat | FirefoxSeat)[]) =>
    Promise.all(present.map((s) => snapshotField<E2eeView>(pageOf(s), 'e2ee')));

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    chromium = await launchChromium();
    firefox = await launchFirefox();
    chair = await callSeat(chromium, server.url, world.users.aldChair!.email, 'rekeys-ald-chair');
    bel = await firefoxSeat(firefox, server.url, world.users.belChair!.email, 'rekeys-bel-chair-firefox');
    // Every call page of the Firefox delegate records what its E2EE worker is given (key epochs, not key bytes).
    await bel.page.evaluateOnNewDocument(workerTapScript);
    expert = await callSeat(chromium, server.url, world.users.aldExpert!.email, 'rekeys-ald-expert');
    for (const seat of [chair, expert]) seat.context.setDefaultTimeout(45_000);
    meetingId = await createVideoMeeting(chair.page, world.groupId, 'Strategic Consultative Group — rekeys');
  }, 300_000);
  beforeEach(({ onTestFailed }) =>
    onTestFailed(async () => {
      await reportSeats([chair, expert]);
      if (!bel) return;
      await firefoxScreenshot(bel, `failed-call-${bel.name}`, SHOTS_DIR).catch(() => undefined);
      const tap = await readWorkerTap(bel.call).catch(String);
      console.error(
        `--- browser console (${bel.name}) ---\n${bel.log.slice(-80).join('\n')}\n${await callDiagnostics(bel.page)}\n` +
          `worker tap: ${JSON.stringify(tap)}`,
      );
    }),
  );
  afterAll(async () => {
    await firefox?.close();
    await chromium?.close();
    await server?.stop();
  });

  const everyoneDecodesEveryone = async (present: (CallSeat | FirefoxSeat)[]) => {
    for (const viewer of present)
      for (const other of present) {
        if (other === viewer) continue;
        const page = pageOf(viewer);
        await waitDecoding(page, ids[other.name]!);
        await expect.poll(() => tileLuminance(page, ids[other.name]!), { timeout: 15_000 }).toBeGreaterThan(20);
        await waitHearing(page, ids[other.name]!);
      }
  };
  /** One epoch past `after` on every screen, one safety code, and each one's media from the others under it. */
  const settledPast = async (present: (CallSeat | FirefoxSeat)[], after: number) => {
    await expect
      .poll(
        async () => {
          const vs = await views(present);
          const epoch = vs[0]!.epoch;
          if (epoch === null || epoch <= after) return false;
          if (!vs.every((v) => v.epoch === epoch && v.safetyCode === vs[0]!.safetyCode)) return false;
          return vs.every((v, i) =>
            present.every(
              (other) =>
                other === present[i] ||
                v.participants.find((p) => p.participantId === ids[other.name])?.mediaEpoch === epoch,
            ),
          );
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe(true);
    return (await views(present))[0]!;
  };
  const removeFromCall = async (name: string) => {
    await chair.page
      .getByRole('button', { name: `Actions for ${name}` })
      .first()
      .click();
    await chair.page.getByRole('button', { name: 'Remove from call' }).click();
    await chair.page.getByRole('button', { name: `Confirm: remove ${name}` }).click();
  };

  it('three delegates in two engines decode each other; headless Firefox’s share button says why it cannot share', async () => {
    await openPreJoin(chair, meetingId);
    await chair.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(chair);
    await openPreJoin(expert, meetingId);
    await firefoxJoins(bel, server.url, meetingId);
    await joinFromPreJoin(expert);
    await chair.page
      .getByRole('region', { name: 'Lobby (1)' })
      .getByRole('button', { name: `Admit ${world.users.aldExpert!.displayName}` })
      .click();
    await waitInRoom(expert);
    ids[chair.name] = await idOf(bel.call, world.users.aldChair!.displayName);
    ids[bel.name] = await idOf(chair.page, world.users.belChair!.displayName);
    ids[expert.name] = await idOf(chair.page, world.users.aldExpert!.displayName);
    await everyoneDecodesEveryone([chair, bel, expert]);
    await settledPast([chair, bel, expert], 0);

    // Headless Firefox has no screen to capture: the browser's NotFoundError becomes a sentence for a person.
    await clickButton(bel.page, 'Share screen');
    const alert = await bel.page.waitForSelector('.call-controls [role="alert"]', { timeout: 20_000 });
    expect(await alert!.evaluate((e) => e.textContent)).toBe('This browser found no screen or window to share.');
    await firefoxScreenshot(bel, 'call-firefox-share-unavailable', SHOTS_DIR);
  });

  it('the Firefox delegate leaves and rejoins: new keys each time, and both engines decode each other again', async () => {
    const before = (await views([chair, bel, expert]))[0]!;
    await clickButton(bel.page, 'Leave');
    await waitForHeading(bel.page, 'You left the call');
    const without = await settledPast([chair, expert], before.epoch!);
    expect(without.safetyCode).not.toBe(before.safetyCode);

    await clickButton(bel.page, 'Rejoin');
    await waitForHeading(bel.page, 'Join the secure call');
    await clickButton(bel.page, 'Join secure call');
    await bel.page.waitForSelector('[role="toolbar"][aria-label="Call controls"]', { timeout: 30_000 });
    ids[bel.name] = await idOf(chair.page, world.users.belChair!.displayName);
    ids[chair.name] = await idOf(bel.call, world.users.aldChair!.displayName);
    const back = await settledPast([chair, bel, expert], without.epoch!);
    expect(back.safetyCode).not.toBe(without.safetyCode);
    await everyoneDecodesEveryone([chair, bel, expert]);
  });

  it('the chair removes the Chromium expert: Firefox and the chair move to new keys and keep decoding each other', async () => {
    const before = (await views([chair, bel]))[0]!;
    await removeFromCall(world.users.aldExpert!.displayName);
    await expert.page.getByRole('heading', { name: 'You were removed from the call' }).waitFor();
    const after = await settledPast([chair, bel], before.epoch!);
    expect(after.safetyCode).not.toBe(before.safetyCode);
    await everyoneDecodesEveryone([chair, bel]);
  });

  it('the chair removes the Firefox delegate, whose kept worker decodes none of the chair’s frames under the new keys', async () => {
    const chairId = ids[chair.name]!;
    // The rig works: Janus's copy of the chair's camera, through the Firefox page's E2EE worker, decodes while the
    // page holds the current keys.
    const control = await listenOnJanus(server, meetingId, bel.call, chairId, { decryptAs: chairId });
    try {
      await expect
        .poll(async () => (await control.received()).video?.framesDecoded ?? 0, { timeout: 45_000 })
        .toBeGreaterThan(30);
    } finally {
      await control.close();
    }
    const kept = await readWorkerTap(bel.call);
    const oldEpoch = (await views([chair]))[0]!.epoch!;
    expect(Math.max(...kept.keyEpochs)).toBe(oldEpoch);

    await removeFromCall(world.users.belChair!.displayName);
    await waitForHeading(bel.page, 'You were removed from the call');
    await expect.poll(async () => (await views([chair]))[0]!.epoch!, { timeout: 60_000 }).toBeGreaterThan(oldEpoch);
    const newEpoch = (await views([chair]))[0]!.epoch!;

    // The removed page keeps everything it had: the worker, its keys, and the chair's stream bound to the chair's leaf.
    expect(await rebindWorker(bel.call, kept.participants!)).toBe(1);
    const seenAtStart = (await readWorkerTap(bel.call)).stats?.receivers[chairId];
    const listener = await listenOnJanus(server, meetingId, bel.call, chairId, { decryptAs: chairId });
    try {
      await expect
        .poll(async () => (await listener.received()).video?.bytes ?? 0, { timeout: 45_000 })
        .toBeGreaterThan(300_000);
      await expect
        .poll(async () => (await readWorkerTap(bel.call)).stats?.receivers[chairId]?.failed ?? 0)
        .toBeGreaterThan((seenAtStart?.failed ?? 0) + 60);
      const got = await listener.received();
      const tap = await readWorkerTap(bel.call);
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
    await screenshot(chair.page, 'call-mixed-rekeys-chair-alone');
  });

  it('Firefox without RTCRtpScriptTransform (before 117) is told plainly that it cannot join', async () => {
    const old = await firefoxSeat(firefox, server.url, world.users.belExpert!.email, 'rekeys-old-firefox');
    try {
      await old.page.evaluateOnNewDocument(() => {
        delete (window as { RTCRtpScriptTransform?: unknown }).RTCRtpScriptTransform;
      });
      await old.page.goto(new URL(`/meetings/${meetingId}/call`, server.url).href);
      await waitForHeading(old.page, 'This browser cannot join the secure call');
      const text = await old.page.evaluate(() => document.querySelector('main')?.textContent ?? '');
      expect(text).toContain('Firefox (117 or later)');
      await firefoxScreenshot(old, 'call-firefox-without-transform', SHOTS_DIR);
    } finally {
      await old.page.browserContext().close();
    }
  });
});
