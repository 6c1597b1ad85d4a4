import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../packages/server/src/modules/auth/schema.js';
import { launchChromium, screenshot } from './support/browser.js';
import { type CallSeat, callSeat, createVideoMeeting, idOf, reportSeats } from './support/call-room.js';
import { type CallServer, startCallServer } from './support/call-server.js';
import { seedWorld, type World } from './support/world.js';

const LAPTOP = { viewport: { width: 1440, height: 900 } };
const locales = join(import.meta.dirname, '../packages/web/src/i18n/locales');
const catalogue = (language: string, area: string): Record<string, string> =>
  JSON.parse(readFileSync(join(locales, language, `${area}.json`), 'utf8'));

/**
 * The negotiating table at laptop size, in English and in Hebrew (right to left): the speakers' list, the language
 * picker with a channel chosen, the interpreter's booth and the caucus banner. Each page is in the language of its
 * person's profile; the texts are looked up in the catalogues, so a missing or misplaced translation fails here.
 */
describe.each(['en', 'he'])('the negotiating table in %s', (language) => {
  let server: CallServer;
  let browser: Browser;
  let world: World;
  let chair: CallSeat;
  let bel: CallSeat;
  let meetingId: string;
  const call = catalogue(language, 'call');
  const negotiation = catalogue(language, 'negotiation');
  const post = (page: Page, url: string, body?: unknown) =>
    page.evaluate(
      async ({ url, body }) => {
        const r = await fetch(url, {
          method: 'POST',
          headers: body ? { 'content-type': 'application/json' } : {},
          body: body ? JSON.stringify(body) : undefined,
        });
        return `${r.status} ${await r.text()}`;
      },
      { url, body },
    );
  const enter = async (seat: CallSeat, first: boolean) => {
    await seat.page.goto(`/meetings/${meetingId}/call`);
    await seat.page.getByRole('heading', { name: call.joinTitle }).waitFor();
    const button = seat.page.getByRole('button', { name: first ? call.start : call.join });
    await expect.poll(() => button.isEnabled(), { timeout: 120_000 }).toBe(true);
    await button.click();
    await seat.page.getByRole('toolbar', { name: call.controls }).waitFor({ timeout: 60_000 });
  };
  // The button is named by the channel heard: "Language: Floor", "שפה: מקור".
  const languageButton = new RegExp(`^${negotiation.languageButton!.split('{channel}')[0]}`);
  const openLanguage = async (page: Page) => {
    await page.getByRole('button', { name: languageButton }).click();
    await page.locator('.interp').waitFor();
  };

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    chair = await callSeat(
      browser,
      server.url,
      world.users.aldChair!.email,
      `shots-${language}-chair`,
      undefined,
      LAPTOP,
    );
    bel = await callSeat(browser, server.url, world.users.belChair!.email, `shots-${language}-bel`, undefined, LAPTOP);
    meetingId = await createVideoMeeting(chair.page, world.groupId, 'Consultations — fifth round');
    for (const u of [world.users.aldChair!, world.users.belChair!])
      await server.ctx.db
        .update(users)
        .set({ language: language as 'en' | 'he' })
        .where(eq(users.id, u.id));
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the speakers’ list, the language picker, the booth and the caucus banner', async () => {
    try {
      await enter(chair, true);
      await enter(bel, false);
      expect(await chair.page.evaluate(() => document.documentElement.dir)).toBe(language === 'he' ? 'rtl' : 'ltr');
      const belId = await idOf(chair.page, world.users.belChair!.displayName);

      // Belmora's chair has the floor, Aldoria's waits: the queue with its times per side.
      expect(await post(bel.page, `/api/meetings/${meetingId}/floor/hand`)).toMatch(/^20/);
      expect(await post(chair.page, `/api/meetings/${meetingId}/floor/give`, {})).toMatch(/^200/);
      expect(await post(chair.page, `/api/meetings/${meetingId}/floor/hand`)).toMatch(/^20/);
      await chair.page.getByRole('button', { name: new RegExp(`^${call.speakers}`) }).click();
      await chair.page.getByRole('heading', { name: negotiation.hasFloor }).waitFor();
      await chair.page.getByTestId('floor-queue').waitFor();
      await screenshot(chair.page, `negotiation-${language}-speakers-queue`);

      // Belmora's chair interprets English into French and goes on air from her booth.
      const assigned = await post(chair.page, `/api/meetings/${meetingId}/interpretation`, {
        userId: world.users.belChair!.id,
        from: 'en',
        to: 'fr',
      });
      expect(assigned).toMatch(/^201/);
      await openLanguage(bel.page);
      await bel.page.locator('.interp__booth button').click();
      await bel.page.locator('.interp__booth button[aria-pressed="true"]').waitFor({ timeout: 60_000 });
      await screenshot(bel.page, `negotiation-${language}-booth`);

      // Aldoria's chair listens to French over the lowered floor.
      await chair.page.getByRole('button', { name: languageButton }).click();
      const french = chair.page.locator('[data-language="fr"] input');
      await expect.poll(() => french.isEnabled(), { timeout: 60_000 }).toBe(true);
      await french.check();
      const listening = () =>
        chair.page.evaluate(
          () =>
            (
              window as unknown as { __parleyCall?: { snapshot(): { listening: string | null } } }
            ).__parleyCall?.snapshot().listening,
        );
      await expect.poll(listening).toBe(belId);
      await screenshot(chair.page, `negotiation-${language}-language-picker`);

      // Aldoria's chair opens the side's caucus and steps out to it in one click.
      await chair.page.locator('.caucus-strip .btn--secondary').click();
      await chair.page.locator('.caucus-banner').waitFor({ timeout: 60_000 });
      await chair.page.getByRole('toolbar', { name: call.controls }).waitFor({ timeout: 60_000 });
      await screenshot(chair.page, `negotiation-${language}-caucus-banner`);
      await screenshot(bel.page, `negotiation-${language}-caucus-other-side`);
    } catch (err) {
      await reportSeats([chair, bel]);
      throw err;
    }
  }, 420_000);
});
