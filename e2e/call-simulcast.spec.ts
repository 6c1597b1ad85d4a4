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
  tileLuminance,
  waitDecoding,
  waitInRoom,
} from './support/call-room.js';
import { type CallServer, startCallServer } from './support/call-server.js';
import { PHONE } from './support/devices.js';
import { seedWorld, type World } from './support/world.js';

async function epochOf(page: Page): Promise<number | null> {
  return page.evaluate(
    () =>
      (
        window as unknown as { __parleyCall: { snapshot(): { e2ee: { epoch: number | null } } } }
      ).__parleyCall.snapshot().e2ee.epoch,
  );
}

async function featuredId(page: Page): Promise<string | null> {
  return page.locator('.call-stage__featured [data-participant-id]').getAttribute('data-participant-id');
}

/**
 * Simulcast under E2EE: two chairs publish their 720p cameras in three encrypted layers; Aldoria's expert watches on a
 * phone, one of them large and the other in the strip. The large tile gets a higher layer than the small one, both
 * decrypt, and swapping them (the SFU switching layers on key frames) keeps both decoding under the same keys.
 */
describe('simulcast: each tile gets the layer that fits it, every layer end-to-end encrypted', () => {
  let server: CallServer;
  let browser: Browser;
  let world: World;
  let ald: CallSeat;
  let bel: CallSeat;
  let viewer: CallSeat;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    ald = await callSeat(browser, server.url, world.users.aldChair!.email, 'sim-ald');
    bel = await callSeat(browser, server.url, world.users.belChair!.email, 'sim-bel');
    viewer = await callSeat(browser, server.url, world.users.aldExpert!.email, 'sim-viewer', undefined, PHONE);
    // Three browsers encoding three layers each: on a shared machine pages answer slowly.
    for (const seat of [ald, bel, viewer]) seat.context.setDefaultTimeout(60_000);
  }, 300_000);
  beforeEach(({ onTestFailed }) => onTestFailed(() => reportSeats([ald, bel, viewer])));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The viewer decodes rising frames of both cameras, and neither tile is black. */
  const viewerDecodesBoth = async () => {
    for (const seat of [ald, bel]) {
      await waitDecoding(viewer.page, ids[seat.name]!);
      await expect.poll(() => tileLuminance(viewer.page, ids[seat.name]!), { timeout: 15_000 }).toBeGreaterThan(20);
    }
  };

  it('a camera goes out in three layers, every one through the encrypting transform', async () => {
    const meetingId = await createVideoMeeting(ald.page, world.groupId, 'Simulcast under end-to-end encryption');
    await openPreJoin(ald, meetingId);
    await ald.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(ald);
    // The expert waits in the lobby for her chair; admitted before the second camera arrives (a loaded machine
    // answers clicks slowly while it decodes several streams).
    await openPreJoin(viewer, meetingId);
    await joinFromPreJoin(viewer);
    const lobby = ald.page.getByRole('region', { name: 'Lobby (1)' });
    await lobby.getByRole('button', { name: `Admit ${world.users.aldExpert!.displayName}` }).click({ timeout: 60_000 });
    await waitInRoom(viewer);
    await openPreJoin(bel, meetingId);
    await joinFromPreJoin(bel);
    await waitInRoom(bel);
    ids[ald.name] = await idOf(viewer.page, world.users.aldChair!.displayName);
    ids[bel.name] = await idOf(viewer.page, world.users.belChair!.displayName);
    await viewerDecodesBoth();
    // Keys settle before the layer tests hold them fixed: two Adds, each followed by the joiner's own path update
    // (docs/call-keys.md §5.3), put all three at one epoch, the fourth.
    await expect
      .poll(async () => new Set(await Promise.all([ald, viewer, bel].map((s) => epochOf(s.page)))), { timeout: 30_000 })
      .toEqual(new Set([4]));

    // Three encodings of the camera, through the one transform on the sender (a frame it could not encrypt would be
    // dropped, never sent, and the layer would stall). A camera encodes the layers someone receives and always the
    // lowest (docs/architecture.md §4.2): the lowest is shown encoding here, the others as the tiles below decode
    // them, the top one in the last test.
    expect((await outbound(ald.page)).map((o) => o.rid).sort()).toEqual(['h', 'l', 'm']);
    await expect
      .poll(async () => (await outbound(ald.page)).filter((o) => o.framesEncoded > 0).map((o) => o.rid), {
        timeout: 20_000,
      })
      .toContain('l');
  });

  it('the large tile receives a higher layer than the small one, and both decrypt', async () => {
    const large = (await featuredId(viewer.page))!;
    const small = large === ids[ald.name] ? ids[bel.name]! : ids[ald.name]!;
    expect([ids[ald.name], ids[bel.name]]).toContain(large);
    await expect
      .poll(async () => (await decodedHeight(viewer.page, large)) > (await decodedHeight(viewer.page, small)), {
        timeout: 30_000,
      })
      .toBe(true);
    const heights = [await decodedHeight(viewer.page, large), await decodedHeight(viewer.page, small)];
    console.info(`decoded heights: large ${heights[0]}, small ${heights[1]}`);
    expect(heights[1]).toBeGreaterThan(0);
    await viewerDecodesBoth();
  });

  it('showing the other person large switches both layers under the same keys, with no black frame', async () => {
    const before = (await featuredId(viewer.page))!;
    const other = before === ids[ald.name] ? ids[bel.name]! : ids[ald.name]!;
    const epoch = await epochOf(viewer.page);
    expect(epoch).not.toBeNull();
    const heightsBefore = [await decodedHeight(viewer.page, before), await decodedHeight(viewer.page, other)];
    const name = other === ids[ald.name] ? world.users.aldChair!.displayName : world.users.belChair!.displayName;
    await viewer.page.getByRole('button', { name: `Show ${name} large` }).tap();
    await expect.poll(() => featuredId(viewer.page)).toBe(other);

    // While the SFU switches (at the next key frame of each layer), sample what both tiles show.
    const darkest = { [before]: 255, [other]: 255 };
    await expect
      .poll(
        async () => {
          for (const id of [before, other]) {
            const luminance = await tileLuminance(viewer.page, id);
            if (luminance >= 0) darkest[id] = Math.min(darkest[id]!, luminance);
          }
          return (await decodedHeight(viewer.page, other)) > (await decodedHeight(viewer.page, before));
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBe(true);
    const heightsAfter = [await decodedHeight(viewer.page, before), await decodedHeight(viewer.page, other)];
    console.info(`decoded heights before [large, small] ${heightsBefore}, after ${heightsAfter}`);
    expect(darkest[before]).toBeGreaterThan(20);
    expect(darkest[other]).toBeGreaterThan(20);
    await viewerDecodesBoth();
    expect(await epochOf(viewer.page)).toBe(epoch);
  });

  it('a larger window moves both cameras to the top layer, still under the same keys', async () => {
    const epoch = await epochOf(viewer.page);
    const was = Math.max(
      await decodedHeight(viewer.page, ids[ald.name]!),
      await decodedHeight(viewer.page, ids[bel.name]!),
    );
    await viewer.page.setViewportSize({ width: 1440, height: 900 });
    for (const seat of [ald, bel])
      await expect
        .poll(() => decodedHeight(viewer.page, ids[seat.name]!), { timeout: 30_000, interval: 200 })
        .toBeGreaterThan(was);
    console.info(
      `decoded heights at laptop size: ${await decodedHeight(viewer.page, ids[ald.name]!)}, ${await decodedHeight(viewer.page, ids[bel.name]!)}`,
    );
    // The top layer, started for this tile, goes through the encrypting transform like the others.
    for (const seat of [ald, bel])
      await expect
        .poll(async () => (await outbound(seat.page)).some((o) => o.rid === 'h' && o.active && o.framesEncoded > 0))
        .toBe(true);
    await viewerDecodesBoth();
    expect(await epochOf(viewer.page)).toBe(epoch);
  });
});
