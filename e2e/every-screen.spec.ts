import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations, countNodes, formatViolations } from './support/axe.js';
import { recordOnFailure, screenshot, signInWithPassword } from './support/browser.js';
import { useBrowserWorld } from './support/browser-world.js';
import { createVideoMeeting } from './support/call-room.js';
import { PHONE, SCREENS_DIR, TABLET } from './support/devices.js';
import { PASSWORD } from './support/world.js';

const LAPTOP: BrowserContextOptions = { viewport: { width: 1440, height: 900 } };
// Tablet pictures only when someone asked for the set of screenshots: the audit itself runs at laptop and phone size.
const SIZES: Record<string, BrowserContextOptions> = SCREENS_DIR
  ? { laptop: LAPTOP, tablet: TABLET, phone: PHONE }
  : { laptop: LAPTOP, phone: PHONE };
const THEMES = ['light', 'dark'] as const;

/** Waits until the page has its heading and nothing is still loading. */
async function settled(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor();
  await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 15_000 });
}

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/**
 * Issue 17: every main page passes an axe-core audit (WCAG 2.0/2.1, A and AA) at laptop and at phone size, in the
 * light and the dark theme, and none scrolls sideways on a phone. One browser for all of it.
 */
describe('every screen and every person', () => {
  const e2e = useBrowserWorld();

  it('the main pages have no WCAG 2.1 A/AA violation, in both themes, at laptop and phone size', async () => {
    const { server, world, browser } = e2e;
    const chair = world.users.aldChair!;
    const g = `/groups/${world.groupId}`;
    let meetingId = '';
    let statementId = '';
    const failures: string[] = [];
    const counts: string[] = [];

    for (const [size, options] of Object.entries(SIZES))
      for (const theme of THEMES) {
        const context = await browser.newContext({ ...options, baseURL: server.url, colorScheme: theme });
        context.setDefaultTimeout(20_000);
        const page = await context.newPage();
        recordOnFailure(page, `screens-${size}-${theme}`);
        const check = async (name: string) => {
          await settled(page);
          const where = `${name} @ ${size}/${theme}`;
          const found = await axeViolations(page);
          counts.push(`${where}: ${countNodes(found)}`);
          if (found.length > 0) failures.push(formatViolations(where, found));
          const overflow = await horizontalOverflow(page);
          if (overflow > 0) failures.push(`${where}: the page scrolls sideways by ${overflow}px`);
          if (SCREENS_DIR) await screenshot(page, `${name}-${size}-${theme}`, SCREENS_DIR);
        };

        await page.goto('/sign-in');
        await check('sign-in');
        await signInWithPassword(page, chair.email, PASSWORD);
        await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
        if (!meetingId) {
          meetingId = await createVideoMeeting(page, world.groupId, 'Regional security — consultations');
          statementId = await createStatement(page, world.groupId);
        }
        const pages: [string, string][] = [
          ['groups', '/groups'],
          ['group', g],
          ['group-meetings', `${g}/meetings`],
          ['meetings', '/meetings'],
          ['meeting', `/meetings/${meetingId}`],
          ['statements', `${g}/statements`],
          ['statement', `${g}/statements/${statementId}`],
          ['joint-statements', '/joint-statements'],
          ['outcomes', `${g}/outcomes`],
          ['backchannel', `${g}/backchannel`],
          ['calls', '/calls'],
          ['account', '/account'],
        ];
        for (const [name, url] of pages) {
          await page.goto(url);
          await check(name);
        }
        await page.evaluate(() =>
          fetch('/api/auth/logout', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }),
        );
        await signInWithPassword(page, world.admin.email, PASSWORD);
        await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
        await page.goto('/admin');
        await check('admin');
        await context.close();
      }

    console.info(`axe: elements in violation per page\n  ${counts.join('\n  ')}`);
    expect(failures, failures.join('\n')).toEqual([]);
  }, 600_000);

  it('on a phone the navigation folds behind a Menu button that keyboards and screen readers can use', async () => {
    const { server, world, browser } = e2e;
    const context = await browser.newContext({ ...PHONE, baseURL: server.url });
    const page = await context.newPage();
    recordOnFailure(page, 'phone-menu');
    await signInWithPassword(page, world.users.aldChair!.email, PASSWORD);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    const menu = page.getByRole('button', { name: 'Menu' });
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await nav.isVisible()).toBe(false);
    // The heading is on the first screen, not below a screenful of navigation.
    expect((await page.getByRole('heading', { name: 'Groups', level: 1 }).boundingBox())!.y).toBeLessThan(200);

    await menu.focus();
    await page.keyboard.press('Enter');
    await nav.waitFor();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Groups');
    await page.keyboard.press('Escape');
    await nav.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Menu');

    await menu.tap();
    await nav.getByRole('link', { name: 'Meetings' }).tap();
    await page.getByRole('heading', { name: 'Meetings', level: 1 }).waitFor();
    await nav.waitFor({ state: 'hidden' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await context.close();
  });

  it('the theme follows the system until the person chooses one; the choice is kept in the profile', async () => {
    const { server, world, browser } = e2e;
    const me = world.users.belChair!;
    const background = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const context = await browser.newContext({ ...LAPTOP, baseURL: server.url, colorScheme: 'dark' });
    const page = await context.newPage();
    recordOnFailure(page, 'theme');
    await signInWithPassword(page, me.email, PASSWORD);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    const systemDark = await background(page);
    await page.goto('/account');
    const appearance = page.getByRole('region', { name: 'Appearance' });
    await appearance.getByRole('button', { name: 'Light' }).click();
    await expect
      .poll(() => appearance.getByRole('button', { name: 'Light' }).getAttribute('aria-pressed'))
      .toBe('true');
    expect(await background(page)).not.toBe(systemDark);
    await context.close();

    // Another device, also set to dark: the profile's choice applies there too, and before the first paint on a
    // reload (the device remembers it for /theme.js).
    const other = await browser.newContext({ ...LAPTOP, baseURL: server.url, colorScheme: 'dark' });
    const page2 = await other.newPage();
    await signInWithPassword(page2, me.email, PASSWORD);
    await page2.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await expect.poll(() => page2.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page2.reload({ waitUntil: 'commit' });
    await page2.waitForFunction(() => document.readyState !== 'loading');
    expect(await page2.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page2.goto('/account');
    await page2.getByRole('region', { name: 'Appearance' }).getByRole('button', { name: 'System' }).click();
    await expect.poll(() => page2.evaluate(() => document.documentElement.dataset.theme ?? 'system')).toBe('system');
    expect(await background(page2)).toBe(systemDark);
    await other.close();
  });
});

async function createStatement(page: Page, groupId: string): Promise<string> {
  const res = await page.evaluate(async (groupId) => {
    const r = await fetch(`/api/groups/${groupId}/statements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        text: 'Both delegations reaffirm the value of regular consultations on crisis communication.',
      }),
    });
    return { status: r.status, body: await r.json() };
  }, groupId);
  if (res.status !== 201) throw new Error(`statement not created: ${JSON.stringify(res)}`);
  return (res.body as { id: string }).id;
}
