import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMeeting, endMeeting, startMeeting } from '../packages/server/src/modules/meetings/service.js';
import { createReadout } from '../packages/server/src/modules/readouts/service.js';
import { loadActorFacts } from '../packages/server/src/policy/actor.js';
import { screenshot } from './support/browser.js';
import { dialog, historyTitles, recordSeats, type Seat, seat } from './support/lifecycle.js';
import { type E2eServer, startE2eServer } from './support/server.js';
import { seedWorld, type World } from './support/world.js';

const PREP = 'Aldoria prep: positions for the fifth round';
const EARLY = 'Consultations held early';

/** What a side-only meeting lets out (nothing, until its chair shares it), and when a held meeting took place. */
describe('side-only meetings and the record', () => {
  let server: E2eServer;
  let browser: Browser;
  let world: World;
  let ald: Seat;
  let bel: Seat;
  let prepId = '';
  let earlyId = '';
  let heldDay = 0;

  beforeAll(async () => {
    server = await startE2eServer();
    world = await seedWorld(server.ctx);
    const { launchChromium } = await import('./support/browser.js');
    browser = await launchChromium();
    const group = { id: world.groupId, kind: 'group' as const, parentGroupId: null };
    const aldChair = world.users.aldChair!;
    const who = { userId: aldChair.id, sideId: world.sides.ALD!.id };
    const day = 86_400_000;
    const start = new Date(Math.ceil((Date.now() + 2 * day) / 3_600_000) * 3_600_000);
    const prep = await createMeeting(server.ctx, who, group, {
      title: PREP,
      format: 'video',
      location: '',
      start,
      end: new Date(start.getTime() + 3_600_000),
      timeZone: 'UTC',
      marking: 'side-only',
      sideId: world.sides.ALD!.id,
    });
    prepId = prep.id;
    await createReadout(server.ctx, await loadActorFacts(server.ctx.db, aldChair.id, false), group, {
      meetingId: prep.id,
      title: 'Readout of our prep',
      text: 'We agreed our positions.',
    });
    // Planned for nine days ahead, held today.
    const planned = new Date(Math.ceil((Date.now() + 9 * day) / 3_600_000) * 3_600_000);
    const early = await createMeeting(server.ctx, who, group, {
      title: EARLY,
      format: 'video',
      location: '',
      start: planned,
      end: new Date(planned.getTime() + 2 * 3_600_000),
      timeZone: 'UTC',
      marking: 'shared',
      sideId: null,
    });
    earlyId = early.id;
    const heldAt = new Date(Date.now() - 2 * 3_600_000);
    heldDay = heldAt.getUTCDate();
    await startMeeting(server.ctx, who, group, early.id, { at: heldAt });
    await endMeeting(server.ctx, who, group, early.id, { at: new Date(heldAt.getTime() + 3_600_000) });
    ald = await seat(browser, server.url, aldChair.email, 'aldoria-chair');
    bel = await seat(browser, server.url, world.users.belChair!.email, 'belmora-chair');
  });
  afterEach(async ({ task }) => recordSeats(task.result?.state === 'fail', [ald, bel]));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('offers no publishing for the readout of a side-only meeting, only sharing the meeting with a warning', async () => {
    const { page } = ald;
    await page.goto(`/meetings/${prepId}`);
    await page.getByRole('heading', { name: PREP, level: 1 }).waitFor();
    await page.getByText('This meeting is side-only, so its readout stays with your side.').waitFor();
    expect(await page.getByRole('button', { name: /Publish version/ }).count()).toBe(0);

    await page.getByRole('button', { name: 'Share with the other side…' }).click();
    const d = dialog(page, 'Share this meeting with the other side');
    await d
      .getByText(/Commonwealth of Belmora/)
      .first()
      .waitFor();
    await d.getByText(/its whole history/).waitFor();
    const share = d.getByRole('button', { name: /^Share with / });
    expect(await share.isDisabled()).toBe(true);
    await d.getByLabel(/I understand that/).check();
    await screenshot(page, 'share-side-only-meeting');
    await share.click();
    await d.waitFor({ state: 'detached' });
    expect((await historyTitles(page, 2))[1]).toMatch(/^Shared with every side by/);
    await page.getByRole('button', { name: /Publish version 1/ }).waitFor();

    await bel.page.goto(`/meetings/${prepId}`);
    await bel.page.getByRole('heading', { name: PREP, level: 1 }).waitFor();
  });

  it('shows a meeting held earlier than planned on the day it was held, with the plan in its history', async () => {
    const { page } = bel;
    await page.goto(`/meetings/${earlyId}`);
    await page.getByRole('heading', { name: EARLY, level: 1 }).waitFor();
    await page.getByText('Had been planned for').waitFor();
    await screenshot(page, 'held-earlier-than-planned');
    // The meetings list files it under Past, on the day it was held (not nine days ahead as planned).
    await page.goto('/');
    await page.getByRole('link', { name: world.groupName }).click();
    await page.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name: 'Meetings' }).click();
    const row = page.getByRole('region', { name: /Past/ }).getByRole('listitem').filter({ hasText: EARLY });
    const dateBlock = (await row.locator('.meeting-row__date').textContent()) ?? '';
    // The block reads weekday, day and month (e.g. "Tue1Dec"): the day must be the one it was held.
    expect(dateBlock).toMatch(new RegExp(`(?<!\\d)${heldDay}(?!\\d)`));
    await screenshot(page, 'held-meeting-in-past-list');
  });
});
