import { beforeAll, describe, expect, it } from 'vitest';
import { SHOTS_DIR, screenshot } from './support/browser.js';
import {
  type CallPage,
  type CallSeat,
  callSeat,
  createVideoMeeting,
  idOf,
  joinFromPreJoin,
  openPreJoin,
  tileLuminance,
  waitDecoding,
  waitInRoom,
} from './support/call-room.js';
import { type FirefoxSeat, firefoxJoins, firefoxScreenshot, firefoxSeat } from './support/firefox.js';
import { listenOnJanus } from './support/janus-listener.js';
import {
  everyoneDecodesEveryone as decodeAll,
  type MixedSeat,
  printMedia as print,
  useMixedCall,
  views,
} from './support/mixed-call.js';

/**
 * One E2EE call across two browser engines: Aldoria's chair and expert in Chromium, Belmora's chair in Firefox ESR
 * (driven over WebDriver BiDi). Every frame is SFrame-encrypted in each engine's own RTCRtpScriptTransform worker;
 * each decodes the others' camera and microphone and a Chromium screen share, all three show one safety code, a
 * listener without the keys (in either engine) decodes nothing of the other engine's frames, and the rekey when the
 * expert leaves keeps the two engines decoding each other under the new keys (more rekeys: call-mixed-rekeys.spec.ts).
 */
describe('secure call across Chromium and Firefox', () => {
  let meetingId: string;
  let chair: CallSeat;
  let bel: FirefoxSeat;
  let expert: CallSeat;
  const env = useMixedCall({ seats: () => [chair, expert, bel] });
  const { ids } = env;
  let server: typeof env.server;
  let world: typeof env.world;
  let firefox: typeof env.firefox;
  let chromium: typeof env.chromium;

  beforeAll(async () => {
    ({ server, world, chromium, firefox } = env);
    chair = await callSeat(chromium, server.url, world.users.aldChair!.email, 'mixed-ald-chair');
    bel = await firefoxSeat(firefox, server.url, world.users.belChair!.email, 'mixed-bel-chair-firefox');
    expert = await callSeat(chromium, server.url, world.users.aldExpert!.email, 'mixed-ald-expert');
    // Two engines and the SFU on a small machine: pages take longer to come up than with Chromium alone.
    for (const seat of [chair, expert]) seat.context.setDefaultTimeout(45_000);
    meetingId = await createVideoMeeting(chair.page, world.groupId, 'Strategic Consultative Group — mixed browsers');
  }, 300_000);

  const pageOf = (seat: MixedSeat): CallPage => ('call' in seat ? seat.call : seat.page);
  const everyoneDecodesEveryone = (present: MixedSeat[]) => decodeAll(ids, present);
  const printMedia = (present: MixedSeat[]) => print(ids, present);

  it('Chromium and Firefox delegates decode each other and show one safety code', async () => {
    await openPreJoin(chair, meetingId);
    await chair.page.getByText('The call has not started yet.').waitFor();
    await chair.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(chair);

    await openPreJoin(expert, meetingId);
    await firefoxJoins(bel, server.url, meetingId);
    await joinFromPreJoin(expert);
    const lobby = chair.page.getByRole('region', { name: 'Lobby (1)' });
    await lobby.getByRole('button', { name: `Admit ${world.users.aldExpert!.displayName}` }).click();
    await waitInRoom(expert);

    ids[chair.name] = await idOf(bel.call, world.users.aldChair!.displayName);
    ids[bel.name] = await idOf(chair.page, world.users.belChair!.displayName);
    ids[expert.name] = await idOf(chair.page, world.users.aldExpert!.displayName);
    const all = [chair, bel, expert];
    await everyoneDecodesEveryone(all);

    await expect
      .poll(async () => new Set((await views(all)).map((v) => v.safetyCode)).size, { timeout: 20_000 })
      .toBe(1);
    expect((await views(all))[0]!.safetyCode).toMatch(/\d/);
    await printMedia(all);
    await firefoxScreenshot(bel, 'call-mixed-firefox', SHOTS_DIR);
    await screenshot(chair.page, 'call-mixed-chromium');
  });

  it('a Chromium delegate shares the screen and Firefox decodes it, not black', async () => {
    // Chromium picks the whole screen by itself (--auto-select-desktop-capture-source). Headless Firefox has no screen
    // to capture: its share runs on a display of its own (call-firefox-screen-share.spec.ts).
    const sharer = ids[chair.name]!;
    await chair.page.getByRole('button', { name: 'Share screen' }).click();
    await chair.page.getByRole('button', { name: 'Stop sharing' }).waitFor();
    for (const viewer of [bel, expert]) {
      const page = pageOf(viewer);
      await waitDecoding(page, sharer, 'screen');
      await expect.poll(() => tileLuminance(page, sharer, 'screen'), { timeout: 15_000 }).toBeGreaterThan(20);
    }
    await firefoxScreenshot(bel, 'call-mixed-firefox-screen-share', SHOTS_DIR);
    await chair.page.getByRole('button', { name: 'Stop sharing' }).click();
    await bel.page.waitForSelector('[data-stream="screen"]', { hidden: true, timeout: 30_000 });
  });

  /** What a keyless listener on `page` gets of `from`, while `witness` (a member) keeps decoding the same sender. */
  const keylessDecodesNothing = async (page: CallPage, from: string, witness: CallPage, label: string) => {
    const keyless = await listenOnJanus(server, meetingId, page, from);
    try {
      await expect
        // Enough of the sender's video to judge by; a loaded machine sends its lower layers slowly.
        .poll(async () => (await keyless.received()).video?.bytes ?? 0, { timeout: 60_000 })
        .toBeGreaterThan(300_000);
      const got = await keyless.received();
      console.info(`${label}: ${JSON.stringify(got)}`);
      // The sender's video came through the SFU, and not one frame of it decoded to a picture...
      expect(got.video!.packets).toBeGreaterThan(200);
      expect(got.video!.framesDecoded).toBe(0);
      expect(got.picture!.width).toBe(0);
      // ...while a member with the keys keeps decoding the same sender.
      await waitDecoding(witness, from);
    } finally {
      await keyless.close();
    }
  };

  it('a subscriber without the keys receives Firefox’s frames from Janus and decodes not one of them', async () => {
    const context = await chromium.newContext();
    try {
      const page = await context.newPage();
      await keylessDecodesNothing(page, ids[bel.name]!, chair.page, 'keyless Chromium listener on Firefox');
    } finally {
      await context.close().catch(() => undefined);
    }
  });

  it('a Firefox subscriber without the keys receives Chromium’s frames and decodes not one of them', async () => {
    const context = await firefox.createBrowserContext();
    try {
      const page = await context.newPage();
      const call = {
        evaluate: (fn: unknown, arg: unknown) => page.evaluate(fn as (a: unknown) => unknown, arg),
      } as unknown as CallPage;
      await keylessDecodesNothing(call, ids[chair.name]!, bel.call, 'keyless Firefox listener on Chromium');
    } finally {
      await context.close().catch(() => undefined);
    }
  });

  it('when the expert leaves, the new keys are used in both engines and both keep decoding', async () => {
    const before = (await views([chair, bel]))[0]!;
    await expert.page.getByRole('toolbar', { name: 'Call controls' }).getByRole('button', { name: 'Leave' }).click();
    await expert.page.getByRole('heading', { name: 'You left the call' }).waitFor();
    // One new epoch for the two who stay, the same code on both screens, and it is not the three-party one.
    await expect
      .poll(
        async () => {
          const [a, b] = await views([chair, bel]);
          return (
            a!.epoch !== null && a!.epoch === b!.epoch && a!.epoch > before.epoch! && a!.safetyCode === b!.safetyCode
          );
        },
        { timeout: 60_000 },
      )
      .toBe(true);
    const [after] = await views([chair, bel]);
    expect(after!.safetyCode).not.toBe(before.safetyCode);
    // Each side decrypts the other's media under the keys both now hold (the latest epoch, should another commit
    // follow the Remove), and the pictures keep moving.
    await expect
      .poll(
        async () => {
          const [a, b] = await views([chair, bel]);
          const fromBel = a!.participants.find((p) => p.participantId === ids[bel.name]);
          const fromChair = b!.participants.find((p) => p.participantId === ids[chair.name]);
          return a!.epoch === b!.epoch && fromBel?.mediaEpoch === a!.epoch && fromChair?.mediaEpoch === b!.epoch;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    await everyoneDecodesEveryone([chair, bel]);
    await printMedia([chair, bel]);
  });
});
