import type { Browser as PlaywrightBrowser } from 'playwright-core';
import type { Browser as FirefoxBrowser } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { launchChromium, SHOTS_DIR } from './browser.js';
import {
  type CallPage,
  type CallSeat,
  callDiagnostics,
  inbound,
  reportSeats,
  snapshotField,
  tileLuminance,
  waitDecoding,
  waitHearing,
} from './call-room.js';
import { type CallServer, startCallServer } from './call-server.js';
import { type FirefoxSeat, firefoxScreenshot, launchFirefox } from './firefox.js';
import { seedWorld, type World } from './world.js';

/** A delegate in either engine. */
export type MixedSeat = CallSeat | FirefoxSeat;

export const pageOf = (seat: MixedSeat): CallPage => ('call' in seat ? seat.call : seat.page);

export interface E2eeView {
  safetyCode: string | null;
  epoch: number | null;
  /** No frame counts: the snapshot takes a new view only when something on screen changes (`onScreen`). */
  participants: { participantId: string; status: string; mediaEpoch: number | null }[];
}

export const views = (present: MixedSeat[]) =>
  Promise.all(present.map((s) => snapshotField<E2eeView>(pageOf(s), 'e2ee')));

export interface MixedCall {
  readonly server: CallServer;
  readonly world: World;
  readonly chromium: PlaywrightBrowser;
  readonly firefox: FirefoxBrowser;
  /** participantId of each seat by seat name, as the tests learn them (a rejoin brings a new one). */
  readonly ids: Record<string, string>;
}

export interface MixedCallOptions {
  /** Seats to report on a failed test (screenshot, console, inbound media and key state), whichever engine. */
  seats: () => (MixedSeat | undefined)[];
  /** More to print on a failed test. */
  onFailure?: () => Promise<string>;
}

/**
 * Registers, in the calling describe block, what the mixed-engine call specs share: the real server (with Janus) and
 * the seeded world, one Chromium and one Firefox ESR, a report of every seat on a failed test, teardown after all.
 */
export function useMixedCall(opts: MixedCallOptions): MixedCall {
  let server: CallServer | undefined;
  let world: World | undefined;
  let chromium: PlaywrightBrowser | undefined;
  let firefox: FirefoxBrowser | undefined;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    chromium = await launchChromium();
    firefox = await launchFirefox();
  }, 120_000);
  beforeEach(({ onTestFailed }) =>
    onTestFailed(async () => {
      const seats = opts.seats().filter((s): s is MixedSeat => s !== undefined);
      const chromiumSeats = seats.filter((s): s is CallSeat => !('call' in s));
      await reportSeats(chromiumSeats);
      // The state at the failure, not as a later failure of the same seat leaves it in the file.
      for (const s of chromiumSeats) console.error(`--- ${s.name} ---\n${await callDiagnostics(s.page)}`);
      for (const s of seats) {
        if (!('call' in s)) continue;
        await firefoxScreenshot(s, `failed-call-${s.name}`, SHOTS_DIR).catch(() => undefined);
        console.error(
          `--- browser console (${s.name}) ---\n${s.log.slice(-80).join('\n')}\n${await callDiagnostics(s.page)}`,
        );
      }
      if (opts.onFailure) console.error(await opts.onFailure().catch(String));
    }),
  );
  afterAll(async () => {
    await firefox?.close();
    await chromium?.close();
    await server?.stop();
  });

  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is not set up`);
    return v;
  };
  return {
    get server() {
      return need(server, 'server');
    },
    get world() {
      return need(world, 'world');
    },
    get chromium() {
      return need(chromium, 'chromium');
    },
    get firefox() {
      return need(firefox, 'firefox');
    },
    ids,
  };
}

/** Every seat decodes rising video and audio of every other seat, and what it renders is not black. */
export async function everyoneDecodesEveryone(ids: Record<string, string>, present: MixedSeat[]): Promise<void> {
  for (const viewer of present)
    for (const other of present) {
      if (other === viewer) continue;
      const id = ids[other.name]!;
      const page = pageOf(viewer);
      await waitDecoding(page, id);
      await expect.poll(() => tileLuminance(page, id), { timeout: 15_000 }).toBeGreaterThan(20);
      await waitHearing(page, id);
    }
}

/**
 * One epoch past `after` on every screen with one safety code, and every seat's media from each other seat last
 * decrypted under that epoch: the rekey reached every member in both engines and each sender switched to it. While
 * waiting, the poll reads what is missing, so a failure says which seat lags on what.
 */
export async function settledPast(ids: Record<string, string>, present: MixedSeat[], after: number) {
  const missing = async (): Promise<string> => {
    const vs = await views(present);
    const epoch = vs[0]!.epoch;
    const lag: string[] = [];
    vs.forEach((v, i) => {
      const seat = present[i]!.name;
      if (epoch === null || epoch <= after) lag.push(`${seat} at epoch ${v.epoch} (needs > ${after})`);
      else if (v.epoch !== epoch) lag.push(`${seat} at epoch ${v.epoch}, ${present[0]!.name} at ${epoch}`);
      else if (v.safetyCode !== vs[0]!.safetyCode) lag.push(`${seat} shows another safety code`);
      for (const other of present) {
        if (other === present[i]) continue;
        const p = v.participants.find((x) => x.participantId === ids[other.name]);
        if (p?.mediaEpoch !== epoch)
          lag.push(`${seat} has ${other.name}'s media at epoch ${p?.mediaEpoch} (${p?.status})`);
      }
    });
    return lag.join('; ') || 'settled';
  };
  await expect.poll(missing, { timeout: 60_000, interval: 500 }).toBe('settled');
  return (await views(present))[0]!;
}

/** Per direction: video frames received, decoded and dropped by the receiving engine (for the figures, not asserted). */
export async function printMedia(ids: Record<string, string>, present: MixedSeat[]): Promise<void> {
  const lines: string[] = [];
  for (const viewer of present)
    for (const s of await inbound(pageOf(viewer))) {
      if (s.kind !== 'video') continue;
      const from = present.find((p) => ids[p.name] === s.participantId)?.name ?? s.participantId;
      const x = s as typeof s & { framesReceived?: number; framesDropped?: number };
      lines.push(
        `${from} -> ${viewer.name}: received ${x.framesReceived}, decoded ${s.framesDecoded}, dropped ${x.framesDropped}`,
      );
    }
  console.info(lines.join('\n'));
}
