import type { Browser as PlaywrightBrowser } from 'playwright-core';
import type { Browser as FirefoxBrowser } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, SHOTS_DIR, screenshot } from './support/browser.js';
import {
  type CallSeat,
  callDiagnostics,
  callSeat,
  createVideoMeeting,
  idOf,
  openPreJoin,
  reportSeats,
  tileLuminance,
  waitDecoding,
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
} from './support/firefox.js';
import { seedWorld, type World } from './support/world.js';

/**
 * A screen shared from Firefox ESR reaches Chromium, encrypted end to end. Headless Firefox has no screen
 * (getDisplayMedia fails with NotFoundError), so this Firefox runs with a window on a private Xvfb display: with the
 * permission prompt off, getDisplayMedia returns that whole display (the Firefox window on it) without a picker.
 */
describe('a screen share from Firefox', () => {
  let server: CallServer;
  let chromium: PlaywrightBrowser;
  let firefox: FirefoxBrowser;
  let world: World;
  let meetingId: string;
  let chair: CallSeat;
  let bel: FirefoxSeat;

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    chromium = await launchChromium();
    firefox = await launchFirefox({ screen: true });
    chair = await callSeat(chromium, server.url, world.users.aldChair!.email, 'ff-share-ald-chair');
    chair.context.setDefaultTimeout(45_000);
    bel = await firefoxSeat(firefox, server.url, world.users.belChair!.email, 'ff-share-bel-chair-firefox');
    meetingId = await createVideoMeeting(chair.page, world.groupId, 'Strategic Consultative Group — Firefox share');
  }, 300_000);
  beforeEach(({ onTestFailed }) =>
    onTestFailed(async () => {
      await reportSeats([chair]);
      if (!bel) return;
      await firefoxScreenshot(bel, `failed-call-${bel.name}`, SHOTS_DIR).catch(() => undefined);
      console.error(`--- browser console (${bel.name}) ---\n${bel.log.slice(-80).join('\n')}`);
      console.error(await callDiagnostics(bel.page));
    }),
  );
  afterAll(async () => {
    await firefox?.close();
    await chromium?.close();
    await server?.stop();
  });

  it('the Firefox delegate shares the screen and Chromium decodes it, not black', async () => {
    await openPreJoin(chair, meetingId);
    await chair.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(chair);
    await firefoxJoins(bel, server.url, meetingId);
    const sharer = await idOf(chair.page, world.users.belChair!.displayName);
    await waitDecoding(chair.page, sharer);

    await clickButton(bel.page, 'Share screen');
    await bel.page.waitForFunction(
      () => [...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === 'Stop sharing'),
      { timeout: 30_000 },
    );
    await waitDecoding(chair.page, sharer, 'screen');
    await expect.poll(() => tileLuminance(chair.page, sharer, 'screen'), { timeout: 15_000 }).toBeGreaterThan(20);
    await screenshot(chair.page, 'call-chromium-sees-firefox-screen-share');
    await firefoxScreenshot(bel, 'call-firefox-sharing-screen', SHOTS_DIR);

    await clickButton(bel.page, 'Stop sharing');
    await chair.page.locator('[data-stream="screen"]').waitFor({ state: 'detached', timeout: 30_000 });
  });
});
