import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from './support/browser.js';
import {
  type CallSeat,
  callSeat,
  createVideoMeeting,
  idOf,
  joinFromPreJoin,
  openPreJoin,
  reportSeats,
  waitDecoding,
  waitInRoom,
} from './support/call-room.js';
import { type CallServer, startCallServer } from './support/call-server.js';
import { seedWorld, type World } from './support/world.js';

const TITLE = 'Regional security — call started days early';

/** Same person, same browser, another tab (shares cookies, IndexedDB and Web Locks with the first). */
async function anotherTab(seat: CallSeat, name: string): Promise<CallSeat> {
  const page = await seat.context.newPage();
  const log: string[] = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  return { name, context: seat.context, page, log };
}

/**
 * Issue 20, items 5, 6, 7, 9 and 17 (the call part), as people meet them: Aldoria's chair starts a call days before
 * it was planned and is in it at once; a side-only analyst is told why she cannot join; the Calls page lists the
 * running call; chat keeps its input in view; a second tab asks before it takes the call over.
 */
describe('call pages: starting, refusals, the Calls page, chat and a second tab', () => {
  let server: CallServer;
  let browser: Browser;
  let world: World;
  let meetingId: string;
  let chair: CallSeat;
  let analyst: CallSeat;
  let bel: CallSeat;
  let tab2: CallSeat | undefined;

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    chair = await callSeat(browser, server.url, world.users.aldChair!.email, 'pages-ald-chair');
    analyst = await callSeat(browser, server.url, world.users.aldAnalyst!.email, 'pages-ald-analyst');
    bel = await callSeat(browser, server.url, world.users.belChair!.email, 'pages-bel-chair');
    // Planned three days ahead: its call starts today, outside its planned window.
    meetingId = await createVideoMeeting(chair.page, world.groupId, TITLE, new Date(Date.now() + 3 * 24 * 3600_000));
  }, 300_000);
  beforeEach(({ onTestFailed }) => onTestFailed(() => reportSeats([chair, analyst, bel, tab2])));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('item 17: "Start the call" puts the chair who pressed it into the call', async () => {
    await openPreJoin(chair, meetingId);
    await chair.page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
    await chair.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(chair);
  });

  it('item 7: a side-only delegate is told why she cannot join, not to wait', async () => {
    await analyst.page.goto(`/meetings/${meetingId}/call`);
    await analyst.page.getByRole('heading', { name: 'You cannot join this call' }).waitFor();
    await analyst.page.getByText('A side-only delegate cannot join a call the other side attends.').waitFor();
    expect(await analyst.page.getByText('The call has not started yet').count()).toBe(0);
    await screenshot(analyst.page, 'call-refused-side-only');
  });

  it('item 6: the Calls page lists a call running outside its planned window', async () => {
    const calls = await anotherTab(chair, 'pages-ald-chair-calls');
    await calls.page.goto('/calls', { waitUntil: 'commit' });
    const running = calls.page.locator('section[aria-labelledby="calls-now"]');
    await running.getByRole('link', { name: TITLE }).waitFor();
    await expect.poll(() => running.locator('.count').textContent()).toBe('1');
    await screenshot(calls.page, 'calls-running-early');
    await calls.page.close();
  });

  it('item 9: chat keeps its input above the control bar, and a long word does not widen the page', async () => {
    const page = chair.page;
    await page.getByRole('button', { name: 'Chat' }).click();
    const input = page.getByLabel('Message to everyone in the call');
    const bar = page.getByRole('toolbar', { name: 'Call controls' });
    const long = 'Confidence-building'.repeat(20).replaceAll('-', '');
    for (let i = 1; i <= 12; i++) {
      await input.fill(i === 6 ? long : `Point ${i} of the agenda is agreed.`);
      await input.press('Enter');
      await page.getByText(i === 6 ? long : `Point ${i} of the agenda is agreed.`).waitFor();
      await expect.poll(() => input.inputValue()).toBe('');
      const field = (await input.boundingBox())!;
      const controls = (await bar.boundingBox())!;
      expect(field.y + field.height, `after message ${i}`).toBeLessThanOrEqual(controls.y);
      const widths = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        window: window.innerWidth,
        roomScrolled: document.querySelector('.call-room')?.scrollTop ?? 0,
      }));
      expect(widths.page, `after message ${i}`).toBeLessThanOrEqual(widths.window);
      expect(widths.roomScrolled, `after message ${i}`).toBe(0);
    }
    await screenshot(page, 'call-chat-after-messages');
    await page.getByRole('button', { name: 'Chat' }).click();
  });

  // Both tabs of one browser context share a renderer's main thread with a running call: on a loaded machine a page
  // of the second tab can take long to answer, hence the longer waits in these two steps.
  const SLOW = { timeout: 90_000 };

  it('item 5: a second tab asks; keeping the call leaves the first tab in it', async () => {
    await openPreJoin(bel, meetingId);
    await joinFromPreJoin(bel);
    await waitInRoom(bel);
    tab2 = await anotherTab(chair, 'pages-ald-chair-tab2');
    await tab2.page.goto(`/meetings/${meetingId}/call`, { waitUntil: 'commit' });
    await tab2.page.getByRole('heading', { name: 'This call is open in another tab' }).waitFor(SLOW);
    await screenshot(tab2.page, 'call-other-tab-ask');
    await tab2.page.getByRole('button', { name: 'Keep it in the other tab' }).click(SLOW);
    await tab2.page.getByRole('heading', { name: 'The call stays in your other tab' }).waitFor(SLOW);
    // The first tab is untouched: still in the call, still seen by Belmora's chair.
    await waitInRoom(chair);
    await waitDecoding(bel.page, await idOf(bel.page, world.users.aldChair!.displayName), 'main', 20_000);
  }, 400_000);

  it('item 5: moving the call to the second tab says so plainly in the first, and the others see it there', async () => {
    const t = tab2!;
    await t.page.getByRole('button', { name: 'Move the call to this tab after all' }).click(SLOW);
    await chair.page.getByRole('heading', { name: 'The call moved to another tab' }).waitFor(SLOW);
    await waitInRoom(t);
    await screenshot(chair.page, 'call-moved-away');
    // Media flows both ways from the new tab.
    await waitDecoding(bel.page, await idOf(bel.page, world.users.aldChair!.displayName), 'main', 30_000);
    await waitDecoding(t.page, await idOf(t.page, world.users.belChair!.displayName), 'main', 30_000);
    expect(await chair.page.getByText('You left the call').count()).toBe(0);
  }, 400_000);

  it('a call room whose script cannot load says so and offers a reload that brings it', async () => {
    // The call room's script loads when the room is first opened; here that request fails as on a dropped line.
    const tab = await anotherTab(analyst, 'pages-ald-analyst-offline');
    const callRoomScript = /\/assets\/CallPage-[^/]*\.js$/;
    await tab.page.route(callRoomScript, (route) => route.abort('internetdisconnected'));
    await tab.page.goto(`/meetings/${meetingId}/call`);
    const alert = tab.page.getByRole('alert');
    await alert.getByRole('heading', { name: 'This page could not be loaded' }).waitFor();
    await screenshot(tab.page, 'call-room-script-unavailable');
    await tab.page.unroute(callRoomScript);
    await alert.getByRole('button', { name: 'Reload' }).click();
    // The room loaded, and tells the side-only analyst why she cannot join, as it did before.
    await tab.page.getByRole('heading', { name: 'You cannot join this call' }).waitFor();
    expect(await tab.page.getByText('This page could not be loaded').count()).toBe(0);
    await tab.page.close();
  }, 120_000);
});
