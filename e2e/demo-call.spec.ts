import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../packages/server/src/demo/people.js';
import { launchChromium, screenshot } from './support/browser.js';
import {
  type CallSeat,
  callSeat,
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

/**
 * What `npm start` promises: the demo group, loaded through the API on an empty database, lets Aldoria's and
 * Belmora's chairs hold an end-to-end-encrypted call in the demo's next round, seeing each other with the same
 * safety code on both screens.
 */
describe('the demo: a secure call between the two sides', () => {
  let server: CallServer;
  let browser: Browser;
  let helena: CallSeat;
  let amara: CallSeat;

  beforeAll(async () => {
    server = await startCallServer({ demo: true });
    browser = await launchChromium();
    helena = await callSeat(browser, server.url, 'helena.varga@aldoria.example', 'demo-ald-chair', DEMO_PASSWORD);
    amara = await callSeat(browser, server.url, 'amara.okafor@belmora.example', 'demo-bel-chair', DEMO_PASSWORD);
  });
  beforeEach(({ onTestFailed }) => onTestFailed(() => reportSeats([helena, amara])));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('both chairs see and hear each other through the demo’s next round, with matching safety codes', async () => {
    // Helena finds the next round from the meetings list, as a person would.
    await helena.page.getByRole('link', { name: 'Meetings' }).first().click();
    await helena.page.getByRole('link', { name: 'Fifth round of consultations' }).first().click();
    const meetingId = /\/meetings\/([0-9a-f-]{36})/.exec(helena.page.url())?.[1];
    expect(meetingId).toBeTruthy();
    await openPreJoin(helena, meetingId!);
    // Starting the call puts the chair in it.
    await helena.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(helena);

    await openPreJoin(amara, meetingId!);
    await joinFromPreJoin(amara);
    await waitInRoom(amara);

    const amaraId = await idOf(helena.page, 'Amara Okafor');
    const helenaId = await idOf(amara.page, 'Helena Varga');
    await waitDecoding(helena.page, amaraId);
    await waitDecoding(amara.page, helenaId);
    await expect.poll(() => tileLuminance(helena.page, amaraId), { timeout: 15_000 }).toBeGreaterThan(20);
    await expect.poll(() => tileLuminance(amara.page, helenaId), { timeout: 15_000 }).toBeGreaterThan(20);

    const codeOf = (s: CallSeat) => snapshotField<{ safetyCode: string | null } | null>(s.page, 'e2ee');
    await expect
      .poll(async () => {
        const [a, b] = [await codeOf(helena), await codeOf(amara)];
        return a?.safetyCode && a.safetyCode === b?.safetyCode ? a.safetyCode : null;
      })
      .toMatch(/^\d{5}( \d{5}){5}$/);
    // Media health follows both connections: once each side decodes the other, neither screen still says it is
    // connecting (the receiving connection turns connected after its tracks arrive, and must be heard then too).
    for (const seat of [helena, amara])
      await expect.poll(() => seat.page.getByText(/(Connecting|Reconnecting) media/).count()).toBe(0);
    await screenshot(helena.page, 'demo-call-helena');
    await screenshot(amara.page, 'demo-call-amara');
  });
});
