import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations, formatViolations } from './support/axe.js';
import { recordOnFailure, screenshot, signInWithPassword } from './support/browser.js';
import { useBrowserWorld } from './support/browser-world.js';
import { createVideoMeeting } from './support/call-room.js';
import { PHONE, SCREENS_DIR } from './support/devices.js';
import { PASSWORD } from './support/world.js';

const LAPTOP: BrowserContextOptions = { viewport: { width: 1440, height: 900 } };

async function settled(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor();
  await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 15_000 });
}

async function documentLanguage(page: Page): Promise<{ lang: string; dir: string }> {
  return page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));
}

/**
 * Issue 15, languages: the language is the person's (kept in the profile, defaulting from the browser), the document's
 * `lang` and `dir` follow it, headings and server refusals are translated, and the Hebrew pages pass axe.
 */
describe('the app in the person’s language', () => {
  const e2e = useBrowserWorld();

  it('switches to Hebrew in the profile (right to left, translated, axe-clean), then to French', async () => {
    const { server, world, browser } = e2e;
    const chair = world.users.aldChair!;
    const context = await browser.newContext({ ...LAPTOP, baseURL: server.url, locale: 'en-GB' });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    recordOnFailure(page, 'languages');
    await signInWithPassword(page, chair.email, PASSWORD);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    expect(await documentLanguage(page)).toEqual({ lang: 'en', dir: 'ltr' });
    const meetingId = await createVideoMeeting(page, world.groupId, 'Regional security — consultations');

    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'Language' }).waitFor();
    await page.getByRole('button', { name: 'עברית' }).click();
    await page.locator('html[lang="he"][dir="rtl"]').waitFor({ state: 'attached' });
    await page.getByRole('heading', { name: 'אבטחת החשבון', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'עברית', pressed: true }).waitFor();

    // Every main page in Hebrew: translated heading, right to left, no axe violation, no sideways scrolling.
    const failures: string[] = [];
    const check = async (name: string, heading: string | RegExp) => {
      await settled(page);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      expect(await documentLanguage(page), name).toEqual({ lang: 'he', dir: 'rtl' });
      const found = await axeViolations(page);
      if (found.length > 0) failures.push(formatViolations(`${name} (he)`, found));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) failures.push(`${name} (he): the page scrolls sideways by ${overflow}px`);
      if (SCREENS_DIR) await screenshot(page, `he-${name}`, SCREENS_DIR);
    };
    await check('account', 'אבטחת החשבון');
    await page.getByRole('link', { name: 'קבוצות' }).click();
    await check('groups', 'קבוצות');
    // The navigation sits on the right of the page, as a right-to-left reader expects.
    const nav = await page.locator('#main-nav').boundingBox();
    const main = await page.locator('#main').boundingBox();
    expect(nav!.x).toBeGreaterThan(main!.x);
    await page.goto(`/groups/${world.groupId}`);
    await check('group', world.groupName);
    await page.getByRole('navigation', { name: 'מדורי הקבוצה' }).getByRole('link', { name: /סקירה/ }).waitFor();
    await page.goto(`/meetings/${meetingId}`);
    await check('meeting', 'Regional security — consultations');
    await page.getByRole('heading', { name: 'היסטוריה' }).waitFor();
    await page.goto(`/meetings/${meetingId}/call`);
    await check('call-prejoin', 'הצטרפות לשיחה המאובטחת');
    expect(failures.join('\n\n')).toBe('');

    // French: left to right again, and the French headings.
    await page.goto('/account');
    await page.getByRole('button', { name: 'Français' }).click();
    await page.locator('html[lang="fr"][dir="ltr"]').waitFor({ state: 'attached' });
    await page.getByRole('heading', { name: 'Sécurité du compte', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Groupes' }).click();
    await page.getByRole('heading', { name: 'Groupes', level: 1 }).waitFor();

    // The choice is in the profile: another browser (English by default) shows French once this person signs in.
    const elsewhere = await browser.newContext({ ...LAPTOP, baseURL: server.url, locale: 'en-GB' });
    const other = await elsewhere.newPage();
    recordOnFailure(other, 'languages-elsewhere');
    await signInWithPassword(other, chair.email, PASSWORD);
    await other.getByRole('heading', { name: 'Groupes', level: 1 }).waitFor();
    expect(await documentLanguage(other)).toEqual({ lang: 'fr', dir: 'ltr' });
    await elsewhere.close();

    // Signed out, this device keeps showing French; a server refusal arrives as a code and reads in French.
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { name: 'Connexion', level: 1 }).waitFor();
    await page.getByLabel('Adresse électronique').fill(chair.email);
    await page.getByLabel('Mot de passe', { exact: true }).fill('not the password at all');
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await page.getByRole('alert').getByText('Adresse électronique ou mot de passe incorrect.').waitFor();
    await context.close();
  });

  it('switches language on the sign-in page before anyone signs in, and keeps the choice in a profile that had none', async () => {
    const { server, world, browser } = e2e;
    const bel = world.users.belChair!;
    const context = await browser.newContext({ ...LAPTOP, baseURL: server.url, locale: 'en-GB' });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    recordOnFailure(page, 'languages-sign-in-switch');
    await page.goto('/sign-in');
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    expect(await documentLanguage(page)).toEqual({ lang: 'en', dir: 'ltr' });

    // Right to left at once, before any sign-in, and the switch names each language in itself.
    await page.getByRole('combobox', { name: 'Language' }).selectOption('he');
    await page.locator('html[lang="he"][dir="rtl"]').waitFor({ state: 'attached' });
    await page.getByRole('heading', { name: 'התחברות', level: 1 }).waitFor();
    expect(await page.getByRole('combobox', { name: 'שפה' }).locator('option').allTextContents()).toEqual([
      'English',
      'Français',
      'עברית',
      'العربية',
    ]);
    expect(formatViolations('sign-in with the switch (he)', await axeViolations(page))).toBe('');
    if (SCREENS_DIR) await screenshot(page, 'he-sign-in-switch', SCREENS_DIR);

    // A refused field reads in Hebrew, said from the server's code rather than its English.
    await page.getByLabel('דוא״ל').fill('not-an-address');
    await page.getByLabel('סיסמה', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'התחברות', exact: true }).click();
    await page.getByText('יש להזין כתובת דוא״ל, למשל name@example.org.').waitFor();

    // A reload keeps the device's choice; signing in keeps it and saves it in the profile, which had none.
    await page.reload();
    await page.getByRole('heading', { name: 'התחברות', level: 1 }).waitFor();
    await page.getByLabel('דוא״ל').fill(bel.email);
    await page.getByLabel('סיסמה', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'התחברות', exact: true }).click();
    await page.getByRole('heading', { name: 'קבוצות', level: 1 }).waitFor();
    expect(await documentLanguage(page)).toEqual({ lang: 'he', dir: 'rtl' });
    await expect
      .poll(() => page.evaluate(async () => (await (await fetch('/api/auth/me')).json()).user.language))
      .toBe('he');
    if (SCREENS_DIR) {
      await page.goto('/account');
      await settled(page);
      await screenshot(page, 'he-account-security', SCREENS_DIR);
      await page.goto(`/groups/${world.groupId}/delegation/${world.sides.BEL!.id}`);
      await page.getByRole('heading', { name: /המשלחת של/ }).waitFor();
      await screenshot(page, 'he-delegation', SCREENS_DIR);
    }
    await context.close();

    // A profile that names a language keeps it: Arabic picked on the sign-in page, French (saved earlier) wins.
    const second = await browser.newContext({ ...LAPTOP, baseURL: server.url, locale: 'en-GB' });
    second.setDefaultTimeout(20_000);
    const again = await second.newPage();
    recordOnFailure(again, 'languages-saved-wins');
    await again.goto('/sign-in');
    await again.getByRole('combobox', { name: 'Language' }).selectOption('ar');
    await again.locator('html[lang="ar"][dir="rtl"]').waitFor({ state: 'attached' });
    await again.getByLabel('البريد الإلكتروني').fill(world.users.aldChair!.email);
    await again.getByLabel('كلمة المرور', { exact: true }).fill(PASSWORD);
    await again.getByRole('button', { name: 'تسجيل الدخول', exact: true }).click();
    await again.getByRole('heading', { name: 'Groupes', level: 1 }).waitFor();
    expect(await documentLanguage(again)).toEqual({ lang: 'fr', dir: 'ltr' });
    await second.close();

    // The administration pages in Hebrew, for the eye.
    if (SCREENS_DIR) {
      const third = await browser.newContext({ ...LAPTOP, baseURL: server.url, locale: 'he-IL' });
      const admin = await third.newPage();
      await admin.goto('/sign-in');
      await admin.getByLabel('דוא״ל').fill(world.admin.email);
      await admin.getByLabel('סיסמה', { exact: true }).fill(PASSWORD);
      await admin.getByRole('button', { name: 'התחברות', exact: true }).click();
      await admin.getByRole('heading', { name: 'קבוצות', level: 1 }).waitFor();
      await admin.goto('/admin');
      await settled(admin);
      await admin.getByRole('heading', { name: 'ניהול', level: 1 }).waitFor();
      await screenshot(admin, 'he-admin', SCREENS_DIR);
      await third.close();
    }
  });

  it('starts in the browser’s language before anyone chooses: Hebrew on a Hebrew phone, right to left', async () => {
    const { server, browser } = e2e;
    const context = await browser.newContext({ ...PHONE, baseURL: server.url, locale: 'he-IL' });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    recordOnFailure(page, 'languages-phone');
    await page.goto('/sign-in');
    await page.getByRole('heading', { name: 'התחברות', level: 1 }).waitFor();
    expect(await documentLanguage(page)).toEqual({ lang: 'he', dir: 'rtl' });
    const found = await axeViolations(page);
    expect(formatViolations('sign-in (he, phone)', found)).toBe('');
    if (SCREENS_DIR) await screenshot(page, 'he-sign-in-phone', SCREENS_DIR);
    await context.close();
  });
});
