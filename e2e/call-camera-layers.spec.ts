import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.js';
import {
  type CallSeat,
  callSeat,
  createVideoMeeting,
  decodedHeight,
  idOf,
  joinFromPreJoin,
  openPreJoin,
  outbound,
  reportSeats,
  waitDecoding,
  waitInRoom,
} from './support/call-room.js';
import { type CallServer, startCallServer } from './support/call-server.js';
import { seedWorld, type World } from './support/world.js';

/** The camera's layers its encoder sends right now, highest first (rids of active outbound encodings). */
async function sending(page: Page): Promise<string[]> {
  const out = await outbound(page);
  return ['h', 'm', 'l'].filter((rid) => out.some((o) => o.rid === rid && o.active));
}

/**
 * Layers on demand (docs/architecture.md §4.2): a camera encodes only the simulcast layers someone in the call
 * receives, on real Janus and Chromium. The receiver's window decides the layer its tile asks for; the sender's
 * encodings follow, and the receiver keeps decoding through each change under the same keys.
 */
describe('layers on demand: a camera encodes only the layers someone receives', () => {
  let server: CallServer;
  let browser: Browser;
  let world: World;
  let ald: CallSeat;
  let bel: CallSeat;
  let aldId: string;

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    ald = await callSeat(browser, server.url, world.users.aldChair!.email, 'layers-ald');
    bel = await callSeat(browser, server.url, world.users.belChair!.email, 'layers-bel');
    for (const seat of [ald, bel]) seat.context.setDefaultTimeout(60_000);
  }, 300_000);
  beforeEach(({ onTestFailed }) => onTestFailed(() => reportSeats([ald, bel])));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a small tile is sent the lowest layer only: the layers above it stop at the sender', async () => {
    const meetingId = await createVideoMeeting(ald.page, world.groupId, 'Layers on demand');
    await openPreJoin(ald, meetingId);
    await ald.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(ald);
    // Alone in the call: no one receives the camera, which keeps its lowest layer for whoever comes.
    await expect.poll(() => sending(ald.page), { timeout: 30_000 }).toEqual(['l']);

    await bel.page.setViewportSize({ width: 480, height: 320 });
    await openPreJoin(bel, meetingId);
    await joinFromPreJoin(bel);
    await waitInRoom(bel);
    aldId = await idOf(bel.page, world.users.aldChair!.displayName);
    await waitDecoding(bel.page, aldId);
    await expect.poll(() => decodedHeight(bel.page, aldId), { timeout: 30_000 }).toBe(180);
    await expect.poll(() => sending(ald.page), { timeout: 30_000 }).toEqual(['l']);
  });

  it('a large tile starts the top layer at once, and the receiver decodes it', async () => {
    // Two tiles side by side on a large screen: each over 450 pixels tall, so the top layer fits.
    await bel.page.setViewportSize({ width: 1920, height: 1080 });
    await expect.poll(() => sending(ald.page), { timeout: 30_000 }).toContain('h');
    await expect.poll(() => decodedHeight(bel.page, aldId), { timeout: 30_000 }).toBe(720);
    await waitDecoding(bel.page, aldId);
    // The middle layer, which no one receives, stops too.
    await expect.poll(() => sending(ald.page), { timeout: 30_000 }).toEqual(['h', 'l']);
  });

  it('when the receiver leaves, the layers it received stop and the lowest stays', async () => {
    await bel.page.getByRole('toolbar', { name: 'Call controls' }).getByRole('button', { name: 'Leave' }).click();
    await bel.page.getByRole('heading', { name: 'You left the call' }).waitFor();
    await expect.poll(() => sending(ald.page), { timeout: 30_000 }).toEqual(['l']);
  });
});
