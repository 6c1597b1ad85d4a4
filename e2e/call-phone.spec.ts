import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeViolations, formatViolations } from './support/axe.js';
import { launchChromium, screenshot } from './support/browser.js';
import {
  type CallSeat,
  callSeat,
  createVideoMeeting,
  idOf,
  joinFromPreJoin,
  openPreJoin,
  reportSeats,
  tileLuminance,
  waitDecoding,
  waitInRoom,
} from './support/call-room.js';
import { type CallServer, startCallServer } from './support/call-server.js';
import { PHONE, SCREENS_DIR } from './support/devices.js';
import { PASSWORD, seedWorld, type World } from './support/world.js';

const TITLE = 'Crisis communication — principals on the move';

async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/**
 * Issue 17, the call on a phone: two principals join from phones (Chromium mobile emulation, touch), each decodes
 * the other, the room passes axe at phone and laptop size, the safety code is one tap away, and turning the phone
 * sideways keeps the call.
 */
describe('a secure call between two phones', () => {
  let server: CallServer;
  let browser: Browser;
  let world: World;
  let ald: CallSeat;
  let bel: CallSeat;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    ald = await callSeat(browser, server.url, world.users.aldChair!.email, 'phone-ald', PASSWORD, PHONE);
    bel = await callSeat(browser, server.url, world.users.belChair!.email, 'phone-bel', PASSWORD, PHONE);
  }, 300_000);
  beforeEach(({ onTestFailed }) => onTestFailed(() => reportSeats([ald, bel])));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const bothDecode = async () => {
    for (const [viewer, other] of [
      [ald, bel],
      [bel, ald],
    ] as const) {
      await waitDecoding(viewer.page, ids[other.name]!);
      await expect.poll(() => tileLuminance(viewer.page, ids[other.name]!), { timeout: 15_000 }).toBeGreaterThan(20);
    }
  };

  it('both phones join and decode each other; the other person is large, yourself in the strip', async () => {
    // The Groups page navigation is behind the Menu button on a phone.
    await ald.page.getByRole('button', { name: 'Menu' }).click();
    await ald.page.getByRole('link', { name: 'Meetings' }).waitFor();
    const meetingId = await createVideoMeeting(ald.page, world.groupId, TITLE);
    await openPreJoin(ald, meetingId);
    await ald.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(ald);
    await openPreJoin(bel, meetingId);
    await joinFromPreJoin(bel);
    await waitInRoom(bel);
    ids[ald.name] = await idOf(bel.page, world.users.aldChair!.displayName);
    ids[bel.name] = await idOf(ald.page, world.users.belChair!.displayName);
    await bothDecode();

    for (const [seat, other] of [
      [ald, bel],
      [bel, ald],
    ] as const) {
      const featured = seat.page.locator('.call-stage__featured [data-participant-id]');
      expect(await featured.getAttribute('data-participant-id')).toBe(ids[other.name]);
      expect(await sidewaysOverflow(seat.page)).toBeLessThanOrEqual(0);
      // Every control inside the window, where a thumb reaches it.
      for (const box of await seat.page.getByRole('toolbar', { name: 'Call controls' }).getByRole('button').all()) {
        const b = (await box.boundingBox())!;
        expect(b.y + b.height).toBeLessThanOrEqual(844);
        expect(b.x + b.width).toBeLessThanOrEqual(390);
      }
    }
  });

  it('the call room has no WCAG 2.1 A/AA violation at phone and laptop size', async () => {
    const failures: string[] = [];
    const audit = async (where: string) => {
      const found = await axeViolations(bel.page);
      if (found.length) failures.push(formatViolations(where, found));
    };
    await audit('call room @ phone');
    await bel.page.getByRole('button', { name: 'People' }).click();
    await audit('call room, people panel @ phone');
    await bel.page.getByRole('button', { name: 'Close' }).click();
    await bel.page.setViewportSize({ width: 1440, height: 900 });
    await audit('call room @ laptop');
    await bel.page.setViewportSize(PHONE.viewport!);
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('the safety code is one tap away; a tap on someone in the strip shows them large', async () => {
    const pill = bel.page.getByRole('button', { name: /End-to-end encrypted/ });
    await expect.poll(() => pill.textContent(), { timeout: 20_000 }).toMatch(/\d/);
    await pill.tap();
    await bel.page.getByRole('complementary', { name: 'Verify encryption' }).waitFor();
    if (SCREENS_DIR) await screenshot(bel.page, 'call-verify-phone', SCREENS_DIR);
    await bel.page.keyboard.press('Escape');
    await bel.page.getByRole('complementary', { name: 'Verify encryption' }).waitFor({ state: 'detached' });

    await bel.page.getByRole('button', { name: `Show ${world.users.belChair!.displayName} large` }).tap();
    const featured = bel.page.locator('.call-stage__featured [data-participant-id]');
    await expect.poll(() => featured.getAttribute('data-participant-id')).toBe(ids[bel.name]);
    await bel.page.getByRole('button', { name: `Show ${world.users.aldChair!.displayName} large` }).tap();
    await expect.poll(() => featured.getAttribute('data-participant-id')).toBe(ids[ald.name]);
  });

  it('turning the phones sideways and back keeps the call', async () => {
    for (const seat of [ald, bel]) await seat.page.setViewportSize({ width: 844, height: 390 });
    await bothDecode();
    expect(await sidewaysOverflow(bel.page)).toBeLessThanOrEqual(0);
    if (SCREENS_DIR) await screenshot(bel.page, 'call-room-phone-landscape', SCREENS_DIR);
    for (const seat of [ald, bel]) await seat.page.setViewportSize(PHONE.viewport!);
    await bothDecode();
    await waitInRoom(bel);
  });

  it.runIf(SCREENS_DIR)('pictures of the call room at phone, tablet and laptop size', async () => {
    const sizes = [
      ['phone', 390, 844],
      ['tablet', 820, 1180],
      ['laptop', 1440, 900],
    ] as const;
    for (const scheme of ['light', 'dark'] as const) {
      await bel.page.emulateMedia({ colorScheme: scheme });
      for (const [size, width, height] of sizes) {
        await bel.page.setViewportSize({ width, height });
        await bel.page.waitForTimeout(500);
        await bel.page.screenshot({ path: `${SCREENS_DIR}/call-room-${size}-${scheme}.png` });
      }
    }
    await bel.page.setViewportSize(PHONE.viewport!);
  });
});
