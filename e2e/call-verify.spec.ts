import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from './support/browser.js';
import {
  type CallSeat,
  callSeat,
  createVideoMeeting,
  joinFromPreJoin,
  openPreJoin,
  reportSeats,
  waitInRoom,
} from './support/call-room.js';
import { type CallServer, startCallServer } from './support/call-server.js';
import { seedWorld, type World } from './support/world.js';

/** A picture to look at, not a check: a loaded machine may not render a call page within the timeout. */
const shot = (page: Page, name: string) =>
  screenshot(page, name).catch((e: unknown) => console.warn(`screenshot ${name} skipped: ${String(e)}`));

/** Checking a device key is the viewer's own decision: the Verify panel lets them record it, in their browser. */
describe('secure call: marking a device key as checked', () => {
  let server: CallServer;
  let browser: Browser;
  let world: World;
  let meetingId: string;
  let chair: CallSeat;
  let bel: CallSeat;

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    chair = await callSeat(browser, server.url, world.users.aldChair!.email, 'verify-ald-chair');
    bel = await callSeat(browser, server.url, world.users.belChair!.email, 'verify-bel-chair');
    meetingId = await createVideoMeeting(chair.page, world.groupId, 'Verification of device keys');
  });
  beforeEach(({ onTestFailed }) => onTestFailed(() => reportSeats([chair, bel])));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a new key is flagged until its fingerprint is marked as checked; the mark is read back from this browser', async () => {
    // Keys, not pictures, are the point here: cameras stay off, which spares a loaded machine two video streams.
    await openPreJoin(chair, meetingId);
    await chair.page.getByRole('button', { name: 'Turn camera off' }).click();
    await chair.page.getByRole('button', { name: 'Start the call' }).click();
    // Starting the call puts the chair in it.
    await waitInRoom(chair);
    await openPreJoin(bel, meetingId);
    await bel.page.getByRole('button', { name: 'Turn camera off' }).click();
    await joinFromPreJoin(bel);
    await waitInRoom(bel);

    const page = chair.page;
    await page.getByRole('button', { name: 'Verify' }).click();
    const belName = world.users.belChair!.displayName;
    const warning = page.getByRole('alert').filter({ hasText: /new or changed/ });
    await warning.getByText(/One device key is new or changed/).waitFor({ timeout: 30_000 });
    const row = page.locator('.call-list__row').filter({ hasText: belName });
    await row.getByText('New device').waitFor();
    await shot(page, 'editing-call-verify-flagged');

    await row.getByRole('button', { name: `Mark as checked: ${belName}` }).click();
    await warning.waitFor({ state: 'detached' });
    await row.getByText('Checked by you').waitFor();
    expect(await row.getByText('New device').count()).toBe(0);
    const fingerprint = ((await row.locator('.call-fingerprint').textContent()) ?? '').trim();
    const stored = await page.evaluate(() => localStorage.getItem('parley.checked-device-keys'));
    expect(Object.values(JSON.parse(stored ?? '{}'))).toContain(fingerprint);
    await shot(page, 'editing-call-verify-checked');

    // Closing and opening the panel again reads the mark back from this browser.
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Verify' }).click();
    await row.getByText('Checked by you').waitFor();
    expect(await warning.count()).toBe(0);
  });
});
