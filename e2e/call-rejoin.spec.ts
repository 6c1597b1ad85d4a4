import type { Browser, Page } from 'playwright-core';
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
  waitDecoding,
  waitInRoom,
} from './support/call-room.js';
import { type CallServer, startCallServer } from './support/call-server.js';
import { seedWorld, type World } from './support/world.js';

interface KeyWatch {
  /** Every key status a tile showed for anyone, and every "does not decrypt" line the page showed. */
  statuses: string[];
  lines: string[];
  timer: number;
}

/** Watches, inside the page, every 100 ms, what the call shows about others' keys (so no short flash is missed). */
async function watchKeys(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as {
      __keyWatch?: KeyWatch;
      __parleyCall?: { snapshot(): { e2ee: { keys: Record<string, string> } } };
    };
    const watch: KeyWatch = { statuses: [], lines: [], timer: 0 };
    watch.timer = window.setInterval(() => {
      for (const status of Object.values(w.__parleyCall?.snapshot().e2ee.keys ?? {}))
        if (!watch.statuses.includes(status)) watch.statuses.push(status);
      const text = document.body.textContent ?? '';
      const at = text.indexOf('does not decrypt');
      const line = at < 0 ? null : text.slice(Math.max(0, at - 40), at + 40);
      if (line && !watch.lines.includes(line)) watch.lines.push(line);
    }, 100);
    w.__keyWatch = watch;
  });
}

async function stopWatch(page: Page): Promise<{ statuses: string[]; lines: string[] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __keyWatch?: KeyWatch };
    const watch = w.__keyWatch;
    if (!watch) return { statuses: [], lines: [] };
    clearInterval(watch.timer);
    return { statuses: watch.statuses, lines: watch.lines };
  });
}

/**
 * Issue 20, item 8: a delegate reloads the call page and joins again. The page restores its MLS state, which holds the
 * sender key of the epoch it had been sending under but not that key's SFrame counter; sending under it again would
 * repeat nonces, and the others refused those frames as replays ("does not decrypt (wrong keys)") until the new
 * counter caught up with the old one. The others must never show a key failure, and decode the rejoiner again.
 */
describe('a reload and rejoin is not a key failure', () => {
  let server: CallServer;
  let browser: Browser;
  let world: World;
  let meetingId: string;
  let a: CallSeat;
  let b: CallSeat;

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    a = await callSeat(browser, server.url, world.users.aldChair!.email, 'rejoin-ald-chair');
    b = await callSeat(browser, server.url, world.users.belChair!.email, 'rejoin-bel-chair');
    meetingId = await createVideoMeeting(a.page, world.groupId, 'Crisis communication — rejoin check');
  });
  beforeEach(({ onTestFailed }) => onTestFailed(() => reportSeats([a, b])));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const aName = () => world.users.aldChair!.displayName;
  const bName = () => world.users.belChair!.displayName;

  it('both chairs are in the call and decode each other', async () => {
    const started = await a.page.evaluate(
      async (id) =>
        (
          await fetch(`/api/meetings/${id}/call/start`, {
            method: 'POST',
            body: '{}',
            headers: { 'content-type': 'application/json' },
          })
        ).status,
      meetingId,
    );
    expect(started).toBe(201);
    await openPreJoin(a, meetingId);
    await joinFromPreJoin(a);
    await waitInRoom(a);
    await openPreJoin(b, meetingId);
    await joinFromPreJoin(b);
    await waitInRoom(b);
    await waitDecoding(a.page, await idOf(a.page, bName()));
    await waitDecoding(b.page, await idOf(b.page, aName()));
    // Long enough a stay that B's frame counter (audio and video frames alike) is well ahead of what a failure
    // needs to show (FAILING_AFTER_FRAMES refused frames in a row).
    const bId = await idOf(a.page, bName());
    await expect.poll(() => framesFrom(a.page, bId), { timeout: 60_000, interval: 250 }).toBeGreaterThan(60);
  });

  it('B reloads and joins again: A never shows a key failure and decodes B again', async () => {
    await watchKeys(a.page);
    await b.page.reload();
    await b.page.getByRole('heading', { name: 'Join the secure call' }).waitFor();
    await joinFromPreJoin(b);
    await waitInRoom(b);

    // A decodes B's new stream, and B decodes A, within bounds a first join meets.
    await waitDecoding(a.page, await idOf(a.page, bName()), 'main', 30_000);
    await waitDecoding(b.page, await idOf(b.page, aName()), 'main', 30_000);
    // A while longer under watch: a failure shows only after many refused frames.
    await a.page.waitForTimeout(3000);
    const seen = await stopWatch(a.page);
    expect(seen.lines).toEqual([]);
    expect(seen.statuses).not.toContain('failing');
    // For people to look at; a loaded machine may be too slow to take it, which is no failure of the call.
    await screenshot(a.page, 'call-after-rejoin').catch(() => undefined);
  });
});
