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

interface CaucusWindow {
  __parleyCaucus?: {
    caucusId?: string;
    inboundStats(): Promise<{ participantId: string; kind: string; framesDecoded: number }[]>;
    snapshot(): {
      phase: string;
      participantId: string | null;
      participants: { participantId: string; displayName: string; sideId: string }[];
      e2ee: { deviceId: string | null };
      chat: { text: string; mine: boolean }[];
    };
    sendChat(text: string): Promise<void>;
  };
  __parleyCall?: {
    snapshot(): {
      participants: { displayName: string; presence: string }[];
      e2ee: { deviceId: string | null };
    };
  };
  __socketLog?: string[];
}

/** Every WebSocket message the page receives, recorded from its first script on (what the server told it). */
const RECORD_SOCKET = () => {
  const w = window as unknown as CaucusWindow & { WebSocket: typeof WebSocket };
  const log: string[] = [];
  w.__socketLog = log;
  const Native = w.WebSocket;
  w.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (e) => log.push(String(e.data)));
    }
  };
};

/** Frames `page`'s caucus session decoded from `displayName`'s video (0 when none). */
async function caucusFrames(page: Page, displayName: string): Promise<number> {
  return page.evaluate(async (name) => {
    const c = (window as unknown as CaucusWindow).__parleyCaucus;
    if (!c) return 0;
    const who = c.snapshot().participants.find((p) => p.displayName === name)?.participantId;
    const v = (await c.inboundStats()).find((s) => s.participantId === who && s.kind === 'video');
    return v?.framesDecoded ?? 0;
  }, displayName);
}

const presence = (page: Page, displayName: string) =>
  page.evaluate(
    (name) =>
      (window as unknown as CaucusWindow).__parleyCall?.snapshot().participants.find((p) => p.displayName === name)
        ?.presence,
    displayName,
  );

const api = (page: Page, path: string) =>
  page.evaluate(async (p) => {
    const r = await fetch(p);
    return { status: r.status, body: r.status === 200 ? await r.json() : null };
  }, path);

/**
 * Issue 14, item 3: during the plenary, Aldoria's chair opens a caucus; she and Aldoria's secretariat step out to it
 * and decode each other there, under the caucus's own MLS group in its own Janus room. Belmora's chair gets nothing
 * of it: no Welcome, no media, no id; her plenary shows only that Aldoria is in caucus and its delegates away.
 * Recalled, both come back with one click each, and everyone decodes everyone in the plenary again.
 */
describe('a side’s caucus during the plenary', () => {
  let server: CallServer;
  let browser: Browser;
  let world: World;
  let meetingId: string;
  let chair: CallSeat;
  let sec: CallSeat;
  let bel: CallSeat;
  const seats = () => [chair, sec, bel];
  const name = (key: string) => world.users[key]!.displayName;
  let caucusId = '';
  let caucusGroupId = '';

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    chair = await callSeat(browser, server.url, world.users.aldChair!.email, 'caucus-ald-chair');
    sec = await callSeat(browser, server.url, world.users.aldSecretariat!.email, 'caucus-ald-secretariat');
    bel = await callSeat(browser, server.url, world.users.belChair!.email, 'caucus-bel-chair');
    await bel.context.addInitScript(RECORD_SOCKET);
    meetingId = await createVideoMeeting(chair.page, world.groupId, 'Maritime boundary talks — caucus check');
  });
  beforeEach(({ onTestFailed }) => onTestFailed(() => reportSeats(seats())));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const nameOf = (seat: CallSeat) => name(seat === chair ? 'aldChair' : seat === sec ? 'aldSecretariat' : 'belChair');
  const everyoneDecodesEveryone = async () => {
    for (const viewer of seats())
      for (const other of seats())
        if (other !== viewer) await waitDecoding(viewer.page, await idOf(viewer.page, nameOf(other)));
  };
  const aldSide = () => Object.values(world.sides).find((s) => s.name === 'Republic of Aldoria')!.id;

  it('all three are in the plenary and decode each other', async () => {
    await openPreJoin(chair, meetingId);
    await chair.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(chair);
    for (const s of [sec, bel]) {
      await openPreJoin(s, meetingId);
      await joinFromPreJoin(s);
      await waitInRoom(s);
    }
    await everyoneDecodesEveryone();
  });

  it('Aldoria’s chair opens the caucus and steps out; the secretariat follows with one click; they decode each other', async () => {
    await chair.page.getByRole('button', { name: 'Open a caucus for Republic of Aldoria' }).click();
    await chair.page.getByRole('region', { name: 'Caucus' }).getByText('Caucus of Republic of Aldoria').waitFor();
    await waitInRoom(chair);
    await sec.page.getByRole('button', { name: 'Step out to the caucus' }).click();
    await sec.page.getByText('Caucus of Republic of Aldoria').waitFor();
    await waitInRoom(sec);

    await expect
      .poll(() => caucusFrames(chair.page, name('aldSecretariat')), { timeout: 45_000, interval: 500 })
      .toBeGreaterThan(30);
    await expect
      .poll(() => caucusFrames(sec.page, name('aldChair')), { timeout: 45_000, interval: 500 })
      .toBeGreaterThan(30);
    // The caucus has its own encrypted chat.
    const line = 'We can accept the median line if the fisheries annex stays';
    await chair.page.evaluate((t) => (window as unknown as CaucusWindow).__parleyCaucus!.sendChat(t), line);
    await expect
      .poll(
        () =>
          sec.page.evaluate(() =>
            (window as unknown as CaucusWindow).__parleyCaucus!.snapshot().chat.map((m) => m.text),
          ),
        { timeout: 20_000 },
      )
      .toContain(line);
    // Their own side's plenary view says where they are.
    await expect.poll(() => presence(chair.page, name('aldSecretariat')), { timeout: 20_000 }).toBe('in-caucus');

    const context = `caucus-call:${meetingId}:${aldSide()}`;
    const group = await api(chair.page, `/api/mls/groups?context=${context}`);
    expect(group.status).toBe(200);
    caucusGroupId = (group.body as { id: string; members: unknown[] }).id;
    expect((group.body as { members: unknown[] }).members).toHaveLength(2);
    caucusId = await chair.page.evaluate(() => {
      const c = (window as unknown as { __parleyCaucus?: { caucusId?: string } }).__parleyCaucus;
      return c?.caucusId ?? '';
    });
    expect(caucusId).not.toBe('');
    await screenshot(chair.page, 'caucus-banner');
  });

  it('Belmora receives nothing of it: no Welcome, no media, no id; her plenary shows Aldoria in caucus and its delegates away', async () => {
    await bel.page.getByText('Republic of Aldoria is in caucus').waitFor();
    await expect.poll(() => presence(bel.page, name('aldChair')), { timeout: 20_000 }).toBe('away');
    await expect.poll(() => presence(bel.page, name('aldSecretariat')), { timeout: 20_000 }).toBe('away');
    await bel.page.getByText('Away').first().waitFor();
    expect(await bel.page.getByText('In caucus', { exact: true }).count()).toBe(0);

    const context = `caucus-call:${meetingId}:${aldSide()}`;
    expect((await api(bel.page, `/api/mls/groups?context=${context}`)).status).toBe(404);
    expect((await api(bel.page, `/api/mls/groups/${caucusGroupId}`)).status).toBe(404);
    const belDevice = await bel.page.evaluate(
      () => (window as unknown as CaucusWindow).__parleyCall!.snapshot().e2ee.deviceId,
    );
    const welcomes = await api(bel.page, `/api/mls/welcomes?deviceId=${belDevice}`);
    expect(welcomes.status).toBe(200);
    expect(JSON.stringify(welcomes.body)).not.toContain(caucusGroupId);
    // Nothing the server sent Belmora's page names the caucus, its group or its context.
    const told = (await bel.page.evaluate(() => (window as unknown as CaucusWindow).__socketLog ?? [])).join('\n');
    expect(told.length).toBeGreaterThan(0);
    for (const secret of [caucusId, caucusGroupId, context, 'in-caucus', 'caucus-recall'])
      expect(told).not.toContain(secret);
    // No media from the Aldorians reaches her: nothing they send now is in her plenary.
    const ids = [await idOf(bel.page, name('aldChair')), await idOf(bel.page, name('aldSecretariat'))];
    const before = await Promise.all(ids.map((id) => framesFrom(bel.page, id)));
    await bel.page.waitForTimeout(3000);
    expect(await Promise.all(ids.map((id) => framesFrom(bel.page, id)))).toEqual(before);
    await screenshot(bel.page, 'caucus-plenary-tiles-other-side');
  });

  it('the chair calls everyone back; each returns with one click and everyone decodes everyone again', async () => {
    await chair.page.getByRole('button', { name: 'Call everyone back' }).click();
    await sec.page.getByRole('alert').getByText('is calling everyone back to the plenary').waitFor();
    await screenshot(sec.page, 'caucus-recall');
    // Leaving the caucus closes its connections and worker, which a loaded machine may take a while to do.
    await sec.page.getByRole('button', { name: 'Return to the plenary' }).click({ noWaitAfter: true });
    await chair.page.getByRole('button', { name: 'Back to the plenary' }).click({ noWaitAfter: true });
    for (const s of [chair, sec])
      await s.page.getByRole('button', { name: 'Step out to the caucus' }).waitFor({ timeout: 60_000 });
    await chair.page.getByRole('button', { name: 'Close the caucus' }).click();
    await bel.page.getByText('Republic of Aldoria is in caucus').waitFor({ state: 'detached' });
    await expect.poll(() => presence(bel.page, name('aldChair')), { timeout: 20_000 }).toBe('here');
    await everyoneDecodesEveryone();
    await screenshot(bel.page, 'caucus-plenary-after-return');
    // The closed caucus's group is retired: nobody of it keys the next one.
    expect((await api(chair.page, `/api/mls/groups?context=caucus-call:${meetingId}:${aldSide()}`)).status).toBe(404);
  });
});
