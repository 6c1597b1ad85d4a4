import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeViolations, formatViolations } from './support/axe.js';
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

/**
 * The speakers' list in the call room (issue 14): Belmora's chair raises her hand, Aldoria's chair gives her the
 * floor; both screens show who speaks and for how long, Belmora's time runs against the allowance a chair set and
 * the warning appears once it is spent (she keeps the floor). The queue survives a reload, and when the call ends the
 * meeting's record shows the time per side.
 */
describe("speakers' list: two sides, one floor", () => {
  let server: CallServer;
  let browser: Browser;
  let world: World;
  let meetingId: string;
  let ald: CallSeat;
  let bel: CallSeat;
  const seats = () => [ald, bel];

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    ald = await callSeat(browser, server.url, world.users.aldChair!.email, 'ald-chair');
    bel = await callSeat(browser, server.url, world.users.belChair!.email, 'bel-chair');
    meetingId = await createVideoMeeting(ald.page, world.groupId, 'Consultations — speakers’ list');
  });
  beforeEach(({ onTestFailed }) => onTestFailed(() => reportSeats(seats())));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const belName = () => world.users.belChair!.displayName;
  const aldName = () => world.users.aldChair!.displayName;
  const openSpeakers = async (seat: CallSeat) => {
    const toggle = seat.page.getByRole('button', { name: /^Speakers/ });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await seat.page.getByRole('complementary', { name: 'Speakers’ list' }).waitFor();
  };
  const sideTime = (seat: CallSeat, shortCode: 'ALD' | 'BEL') =>
    seat.page
      .locator(`.floor__side[data-side-id="${world.sides[shortCode]!.id}"] [data-testid="floor-side-time"]`)
      .textContent()
      .then((t) => t ?? '');

  it('a delegate raises her hand and the chair gives her the floor; both screens show the speaker', async () => {
    await openPreJoin(ald, meetingId);
    await ald.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(ald);
    await openPreJoin(bel, meetingId);
    await joinFromPreJoin(bel);
    await waitInRoom(bel);

    // With the keyboard: the raise-hand button is a toggle.
    const raise = bel.page.getByRole('button', { name: 'Raise hand' });
    await raise.focus();
    await bel.page.keyboard.press('Enter');
    await bel.page.getByRole('button', { name: 'Lower hand', pressed: true }).waitFor();

    await openSpeakers(ald);
    const queue = ald.page.getByTestId('floor-queue');
    await expect.poll(() => queue.textContent()).toContain(belName());
    // A short allowance for Belmora (a quarter of a minute), so that the warning comes within the test.
    await ald.page.getByLabel('Allowance for BEL (minutes)').fill('0.25');
    await ald.page
      .locator(`.floor__side[data-side-id="${world.sides.BEL!.id}"]`)
      .getByRole('button', { name: 'Set' })
      .click();
    await expect.poll(() => sideTime(ald, 'BEL')).toContain('of 0:15');
    await ald.page
      .getByRole('button', { name: `Give the floor to ${belName()}` })
      .first()
      .click();

    // Her own screen says it to her; the chair's names her.
    await ald.page.getByRole('button', { name: `${belName()} has the floor` }).waitFor();
    await bel.page.getByRole('button', { name: 'You have the floor' }).waitFor();
    for (const seat of seats()) {
      await expect.poll(() => seat.page.getByTestId('floor-badge').count()).toBe(1);
      const tile = seat.page.locator('.call-tile', { has: seat.page.getByTestId('floor-badge') });
      await expect.poll(() => tile.getAttribute('aria-label')).toContain(belName());
    }
    await bel.page.getByRole('button', { name: 'Raise hand', pressed: false }).waitFor();
  });

  it('Belmora’s time runs on both screens and the allowance warning appears, without cutting her off', async () => {
    await openSpeakers(bel);
    const first = await sideTime(bel, 'BEL');
    await expect.poll(() => sideTime(bel, 'BEL')).not.toBe(first);
    for (const seat of seats()) {
      await seat.page.getByTestId('floor-warning').waitFor({ timeout: 40_000 });
      expect(await seat.page.getByTestId('floor-warning').textContent()).toContain('BEL');
      await seat.page.getByTestId('floor-allowance-spent').waitFor();
    }
    // Spent is only a warning: she still has the floor.
    await bel.page.getByRole('button', { name: 'You have the floor' }).waitFor();
    expect(await sideTime(bel, 'ALD')).toMatch(/^0:00/);
  });

  it('the chair puts a name down; the room with the queue open passes axe and is shown at laptop size', async () => {
    await ald.page.getByLabel('Put a name down').selectOption({ label: aldName() });
    await ald.page.getByRole('button', { name: 'Add', exact: true }).click();
    for (const seat of seats())
      await expect.poll(() => seat.page.getByTestId('floor-queue').textContent()).toContain(aldName());
    await screenshot(ald.page, 'call-floor-chair');
    await screenshot(bel.page, 'call-floor-speaker');
    const failures: string[] = [];
    for (const seat of seats()) {
      const found = await axeViolations(seat.page);
      if (found.length) failures.push(formatViolations(`call room, speakers' list (${seat.name})`, found));
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('after a reload the queue and the speaker are still there', async () => {
    await bel.page.reload();
    await bel.page.getByRole('heading', { name: 'Join the secure call' }).waitFor();
    await joinFromPreJoin(bel);
    await waitInRoom(bel);
    await openSpeakers(bel);
    await expect.poll(() => bel.page.getByTestId('floor-queue').textContent()).toContain(aldName());
    await expect.poll(() => bel.page.getByTestId('floor-speaker').textContent()).toContain(belName());
  });

  it('the call ends and the meeting’s record shows the time per side', async () => {
    await ald.page.getByRole('button', { name: 'End for everyone' }).click();
    await ald.page.getByRole('button', { name: 'End call for everyone' }).click();
    await ald.page.goto(`/meetings/${meetingId}`);
    const record = ald.page.getByTestId('speaking-time');
    await record.waitFor();
    const bel = record.locator(`tr[data-side-id="${world.sides.BEL!.id}"]`);
    expect(await bel.textContent()).toMatch(/Commonwealth of Belmora\s*\d+ (min|s)/);
    expect(await bel.textContent()).toContain('(exceeded)');
    expect(await record.textContent()).toContain(belName());
    await screenshot(ald.page, 'meeting-record-speaking-time');
  });
});
