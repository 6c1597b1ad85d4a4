import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from './support/browser.js';
import {
  type CallSeat,
  callSeat,
  createVideoMeeting,
  framesFrom,
  idOf,
  joinFromPreJoin,
  openPreJoin,
  reportSeats,
  snapshotField,
  tileLuminance,
  waitDecoding,
  waitInRoom,
} from './support/call-room.js';
import { type CallServer, startCallServer } from './support/call-server.js';
import { seedWorld, type World } from './support/world.js';

/**
 * The secure call end to end: the real server driving the real Janus, three Chromium delegates with fake cameras.
 * Aldoria's chair starts the call, Belmora's chair joins, Aldoria's arms-control expert waits in the lobby until her
 * own chair admits her; everyone decodes everyone; screen share; Janus killed mid-call; a removal.
 */
describe('secure call: three delegates of two sides', () => {
  let server: CallServer;
  let browser: Browser;
  let world: World;
  let meetingId: string;
  let chair: CallSeat;
  let bel: CallSeat;
  let expert: CallSeat;
  const ids: Record<string, string> = {};
  const seats = () => [chair, bel, expert];

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    chair = await callSeat(browser, server.url, world.users.aldChair!.email, 'ald-chair');
    bel = await callSeat(browser, server.url, world.users.belChair!.email, 'bel-chair');
    expert = await callSeat(browser, server.url, world.users.aldExpert!.email, 'ald-expert');
    meetingId = await createVideoMeeting(
      chair.page,
      world.groupId,
      'Strategic Consultative Group — secure video session',
    );
  });
  beforeEach(({ onTestFailed }) => onTestFailed(() => reportSeats(seats())));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Every seat decodes rising video of every other seat, and what it renders is not black. */
  const everyoneDecodesEveryone = async (present: CallSeat[]) => {
    for (const viewer of present)
      for (const other of present) {
        if (other === viewer) continue;
        const id = ids[other.name]!;
        await waitDecoding(viewer.page, id);
        await expect.poll(() => tileLuminance(viewer.page, id), { timeout: 15_000 }).toBeGreaterThan(20);
      }
  };

  it('the chair starts the call; the other chair joins; a member waits until her own chair admits her', async () => {
    await openPreJoin(chair, meetingId);
    await chair.page.getByText('The call has not started yet.').waitFor();
    await chair.page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
    await screenshot(chair.page, 'call-prejoin');
    // Starting the call puts the chair in it.
    await chair.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(chair);

    await openPreJoin(bel, meetingId);
    await joinFromPreJoin(bel);
    await waitInRoom(bel);

    await openPreJoin(expert, meetingId);
    await joinFromPreJoin(expert);
    await expert.page.getByText('Waiting for the chair of Republic of Aldoria to admit you').waitFor();
    // Belmora's chair does not see Aldoria's lobby; Aldoria's chair does, live.
    const lobby = chair.page.getByRole('region', { name: 'Lobby (1)' });
    await lobby.getByText(world.users.aldExpert!.displayName).waitFor();
    expect(await snapshotField<unknown[]>(bel.page, 'lobby')).toEqual([]);
    await screenshot(chair.page, 'call-lobby-chair');
    await lobby.getByRole('button', { name: `Admit ${world.users.aldExpert!.displayName}` }).click();
    await waitInRoom(expert);

    ids[chair.name] = await idOf(bel.page, world.users.aldChair!.displayName);
    ids[bel.name] = await idOf(chair.page, world.users.belChair!.displayName);
    ids[expert.name] = await idOf(chair.page, world.users.aldExpert!.displayName);
    await everyoneDecodesEveryone(seats());
    const firstFrame = await Promise.all(seats().map((s) => snapshotField<number | null>(s.page, 'firstFrameMs')));
    console.info(
      `time to first remote frame after Join (ms): ${seats()
        .map((s, i) => `${s.name}=${firstFrame[i]}`)
        .join(', ')}`,
    );

    // One MLS epoch for all three: the same safety code everywhere (read aloud to verify).
    const codes = async () =>
      Promise.all(seats().map((s) => snapshotField<{ safetyCode: string | null }>(s.page, 'e2ee')));
    await expect.poll(async () => new Set((await codes()).map((e) => e.safetyCode)).size, { timeout: 20_000 }).toBe(1);
    const code = (await codes())[0]!.safetyCode;
    expect(code).toMatch(/\d/);
    await chair.page.getByRole('button', { name: 'Close' }).click();
    await chair.page
      .getByRole('button', { name: /End-to-end encrypted/ })
      .getByText(code!)
      .waitFor();

    await chair.page.getByRole('button', { name: 'Chat' }).click();
    await chair.page.getByLabel('Message to everyone in the call').fill('We begin with the shared objective.');
    await chair.page.getByRole('button', { name: 'Send' }).click();
    await bel.page.getByRole('button', { name: 'Chat' }).click();
    await bel.page.getByRole('list', { name: 'Messages' }).getByText('We begin with the shared objective.').waitFor();
    await bel.page.getByText('Messages sent before you joined cannot be read').waitFor();
    await bel.page.getByRole('button', { name: 'Close' }).click();
    await chair.page.getByRole('button', { name: 'Close' }).click();
    await screenshot(chair.page, 'call-room');
    await chair.page.getByRole('button', { name: 'Verify' }).click();
    await screenshot(chair.page, 'call-verify');
    await chair.page.getByRole('button', { name: 'Close' }).click();
    const overflow = await chair.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('a shared screen reaches the others, large', async () => {
    await expert.page.getByRole('button', { name: 'Share screen' }).click();
    await expert.page.getByRole('button', { name: 'Stop sharing' }).waitFor();
    for (const viewer of [chair, bel]) {
      await waitDecoding(viewer.page, ids[expert.name]!, 'screen');
      await viewer.page.locator(`[data-participant-id="${ids[expert.name]}"][data-stream="screen"]`).waitFor();
    }
    await screenshot(bel.page, 'call-screen-share');
    await expert.page.getByRole('button', { name: 'Stop sharing' }).click();
    await bel.page.locator('[data-stream="screen"]').waitFor({ state: 'detached' });
  });

  it('survives the media server being killed mid-call', async () => {
    const pid = server.janusPid();
    expect(pid).toBeGreaterThan(0);
    const killedAt = Date.now();
    process.kill(pid!, 'SIGKILL');
    await expect.poll(() => server.janusPid(), { timeout: 30_000 }).not.toBe(pid);
    // New feed ids after the republish: wait for the roster to carry them, then for rising frames again.
    await everyoneDecodesEveryone(seats());
    console.info(`media back for all three after the Janus kill: ${Date.now() - killedAt} ms`);
  });

  it('a removed participant stops reaching the others and cannot rejoin without being admitted', async () => {
    const target = ids[bel.name]!;
    await chair.page
      .getByRole('button', { name: `Actions for ${world.users.belChair!.displayName}` })
      .first()
      .click();
    await chair.page.getByRole('button', { name: 'Remove from call' }).click();
    await chair.page.getByRole('button', { name: `Confirm: remove ${world.users.belChair!.displayName}` }).click();
    await bel.page.getByRole('heading', { name: 'You were removed from the call' }).waitFor();
    for (const viewer of [chair, expert]) {
      await viewer.page.locator(`[data-participant-id="${target}"]`).first().waitFor({ state: 'detached' });
      // Nothing of theirs is decoded any more: the count (if the receiver is still listed) stands still.
      const before = await framesFrom(viewer.page, target);
      await viewer.page.waitForTimeout(2000);
      expect(await framesFrom(viewer.page, target)).toBe(before);
    }
    await openPreJoin(bel, meetingId);
    await joinFromPreJoin(bel);
    await bel.page.getByRole('heading', { name: 'Waiting to be admitted' }).waitFor();
    await chair.page.waitForTimeout(1500);
    expect((await snapshotField<{ participantId: string }[]>(chair.page, 'participants')).length).toBe(2);
  });
});
