import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.js';
import {
  type CallSeat,
  callSeat,
  createVideoMeeting,
  idOf,
  joinFromPreJoin,
  openPreJoin,
  reportSeats,
  roster,
  snapshotField,
  tileLuminance,
  waitDecoding,
  waitInRoom,
} from './support/call-room.js';
import { type CallServer, startCallServer } from './support/call-server.js';
import { type Sample, type Stall, stallsAfterRekeys, startSampler, stopSampler } from './support/rekey-sampler.js';
import { seedWorld, type World } from './support/world.js';

const CYCLES = 5;

/**
 * Issue 7: through the real call UI (real server, real Janus, E2EE on), Aldoria's secretariat (C) leaves and rejoins
 * five times while the two chairs (A, B) stay. Every leave and join is a new MLS epoch, so new SFrame keys under
 * running video. A and B sample getStats framesDecoded of every remote camera every ~100 ms in the page; after every
 * rekey each continuing stream (A↔B) must keep rising, and everyone must reach the new epoch. How long each stream
 * stalled is measured and printed (the target is under 1 s), not asserted: the CI machine is shared and noisy.
 */
describe('E2EE rekeys under running video: five leaves and rejoins', () => {
  let server: CallServer;
  let browser: Browser;
  let world: World;
  let meetingId: string;
  let a: CallSeat;
  let b: CallSeat;
  let c: CallSeat;
  const ids: Record<string, string> = {};
  /** C's readings, one series per stay in the call (its page reloads on each rejoin). */
  const cSeries: { samples: Sample[]; a: string; b: string }[] = [];

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    a = await callSeat(browser, server.url, world.users.aldChair!.email, 'rekey-ald-chair');
    b = await callSeat(browser, server.url, world.users.belChair!.email, 'rekey-bel-chair');
    c = await callSeat(browser, server.url, world.users.aldSecretariat!.email, 'rekey-ald-secretariat');
    meetingId = await createVideoMeeting(a.page, world.groupId, 'Confidence-building measures — rekey session');
  });
  beforeEach(({ onTestFailed }) => onTestFailed(() => reportSeats([a, b, c])));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const epoch = async (seat: CallSeat) => (await snapshotField<{ epoch: number | null }>(seat.page, 'e2ee')).epoch;
  const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 45_000, interval: 200 });
  /** All of `seats` report the same epoch, later than `after`; returns it. */
  const sameEpochAfter = async (seats: CallSeat[], after: number) => {
    let seen: (number | null)[] = [];
    await poll(async () => {
      seen = await Promise.all(seats.map(epoch));
      return new Set(seen).size === 1 && (seen[0] ?? -1) > after;
    })
      .toBe(true)
      .catch((error: unknown) => {
        throw new Error(`no common epoch after ${after}: ${seats.map((s, i) => `${s.name}=${seen[i]}`).join(', ')}`, {
          cause: error,
        });
      });
    return (await epoch(seats[0]!))!;
  };
  const cName = () => world.users.aldSecretariat!.displayName;
  /** C is decoded by A and B and decodes both of them; starts C's sampler for this stay. */
  const cFullyIn = async () => {
    ids.c = await idOf(a.page, cName());
    for (const viewer of [a, b]) await waitDecoding(viewer.page, await idOf(viewer.page, cName()));
    for (const other of [a, b]) await waitDecoding(c.page, await idOf(c.page, other === a ? aName() : bName()));
    await startSampler(c.page);
  };
  const aName = () => world.users.aldChair!.displayName;
  const bName = () => world.users.belChair!.displayName;

  it('three delegates are in the secure call and decode each other', async () => {
    await openPreJoin(a, meetingId);
    // Starting the call puts the chair in it.
    await a.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(a);
    for (const s of [b, c]) {
      await openPreJoin(s, meetingId);
      await joinFromPreJoin(s);
      await waitInRoom(s);
    }
    ids.a = await idOf(b.page, aName());
    ids.b = await idOf(a.page, bName());
    await waitDecoding(a.page, ids.b);
    await waitDecoding(b.page, ids.a);
    await cFullyIn();
    await sameEpochAfter([a, b, c], 0);
  });

  it('C leaves and rejoins five times: every rekey reaches everyone and A↔B video always recovers', async () => {
    for (const s of [a, b]) await startSampler(s.page);
    const observedFrom = Date.now();
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const before = (await epoch(a))!;
      const cSamples = await stopSampler(c.page);
      cSeries.push({ samples: cSamples, a: await idOf(c.page, aName()), b: await idOf(c.page, bName()) });

      // Where a cycle's time goes, printed (never asserted): seconds from the Leave click to each step.
      const t0 = Date.now();
      const steps: string[] = [];
      const step = (name: string) => steps.push(`${name} ${((Date.now() - t0) / 1000).toFixed(1)}`);
      await c.page.getByRole('toolbar', { name: 'Call controls' }).getByRole('button', { name: 'Leave' }).click();
      await c.page.getByRole('heading', { name: 'You left the call' }).waitFor();
      step('left');
      // The remaining members commit C's Remove: a new epoch at both, and C is gone from both rosters.
      const afterLeave = await sameEpochAfter([a, b], before);
      step('removed');
      for (const s of [a, b])
        await poll(async () => (await roster(s.page)).some((p) => p.displayName === cName())).toBe(false);
      step('off rosters');

      await c.page.getByRole('button', { name: 'Rejoin' }).click();
      await c.page.getByRole('heading', { name: 'Join the secure call' }).waitFor();
      step('pre-join');
      await joinFromPreJoin(c);
      await waitInRoom(c);
      step('in room');
      const afterJoin = await sameEpochAfter([a, b, c], afterLeave);
      step('added');
      await cFullyIn();
      step('decoding');
      console.info(
        `cycle ${cycle}: epoch ${before} → ${afterLeave} (C left) → ${afterJoin} (C back); s: ${steps.join(', ')}`,
      );
    }
    // A last quiet stretch, so a stall after the final rekey has room to end (or to show it does not).
    await a.page.waitForTimeout(3000);
    const seriesA = await stopSampler(a.page);
    const seriesB = await stopSampler(b.page);
    cSeries.push({
      samples: await stopSampler(c.page),
      a: await idOf(c.page, aName()),
      b: await idOf(c.page, bName()),
    });

    const rows: { view: string; stalls: Stall[] }[] = [
      { view: 'A←B', stalls: stallsAfterRekeys(seriesA, ids.b!) },
      { view: 'B←A', stalls: stallsAfterRekeys(seriesB, ids.a!) },
      ...cSeries.flatMap((s) => [
        { view: 'C←A', stalls: stallsAfterRekeys(s.samples, s.a) },
        { view: 'C←B', stalls: stallsAfterRekeys(s.samples, s.b) },
      ]),
    ];
    printStalls(rows, observedFrom);

    // 5 Removes and, per join, the Add (plus the joiner's own update): at least ten rekeys under A↔B video.
    for (const r of rows.slice(0, 2)) {
      expect(r.stalls.length).toBeGreaterThanOrEqual(2 * CYCLES);
      expect(r.stalls.filter((s) => !s.recovered)).toEqual([]);
    }
    for (const r of rows.slice(2)) expect(r.stalls.filter((s) => !s.recovered)).toEqual([]);

    // Still decoding now, and what A renders of B is a picture, not black.
    await waitDecoding(a.page, ids.b!);
    await waitDecoding(b.page, ids.a!);
    await expect.poll(() => tileLuminance(a.page, ids.b!), { timeout: 15_000 }).toBeGreaterThan(20);
  }, 420_000); // five leave/rejoin cycles of three browsers on two shared cores: about 40 s each
});

/** One line per rekey: the worst stall of each continuing stream after it (the 1 s figure of issue 7). */
function printStalls(rows: { view: string; stalls: Stall[] }[], from: number): void {
  const byRekey = new Map<string, { at: number; cells: string[] }>();
  for (const r of rows)
    for (const s of r.stalls) {
      const key = `${s.from}→${s.to}`;
      const entry = byRekey.get(key) ?? { at: s.at, cells: [] };
      entry.at = Math.min(entry.at, s.at);
      entry.cells.push(`${r.view} ${s.recovered ? `${s.worstMs} ms` : `NOT RECOVERED (${s.worstMs} ms)`}`);
      byRekey.set(key, entry);
    }
  const lines = [...byRekey.entries()]
    .sort((x, y) => x[1].at - y[1].at)
    .map(([epochs, e], i) => `rekey ${i + 1} (epoch ${epochs}, +${e.at - from} ms): worst stall ${e.cells.join(', ')}`);
  const worst = Math.max(0, ...rows.flatMap((r) => r.stalls.map((s) => s.worstMs)));
  console.info(
    `worst stall after each rekey (from getStats framesDecoded every ~100 ms; target < 1000 ms):\n${lines.join('\n')}\n` +
      `overall worst: ${worst} ms${worst > 1000 ? ' (over the 1 s target)' : ''}`,
  );
}
