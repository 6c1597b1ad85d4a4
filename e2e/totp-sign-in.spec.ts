import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newContext, recordOnFailure, screenshot, signInWithPassword, signOut } from './support/browser.js';
import { useBrowserWorld } from './support/browser-world.js';
import { PASSWORD, type World } from './support/world.js';

/** A code for the step after the current one: the server accepts one step of drift but never a reused step. */
function nextCode(secret: string): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate({ timestamp: Date.now() + 30_000 });
}

describe('sign in with password and TOTP', () => {
  const e2e = useBrowserWorld();

  it('enrols TOTP on the security page, then signs in with a code and sees the roster by side and agency', async () => {
    const { server, world, browser } = e2e;
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    recordOnFailure(page, 'page');
    const me = world.users.aldSecretariat!;

    await page.goto('/sign-in');
    await screenshot(page, '01-sign-in');
    await signInWithPassword(page, me.email, PASSWORD);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await screenshot(page, '02-groups');

    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    await screenshot(page, '03-security-totp-setup');
    const current = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate();
    await page.getByLabel('Code from the app').fill(current);
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await page.getByText('Authenticator app enabled').waitFor();

    // A wrong code is reported next to the code field and does not sign in.
    await signOut(page);
    await signInWithPassword(page, me.email, PASSWORD);
    await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    await page.getByLabel('Authentication code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').first().waitFor();
    await screenshot(page, '04-sign-in-totp-error');

    await page.getByLabel('Authentication code').fill(nextCode(secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();

    await page.getByRole('link', { name: world.groupName }).click();
    await expectRoster(page, world);
    await screenshot(page, '05-group-roster');
    await context.close();
  });
});

async function expectRoster(page: Page, world: World): Promise<void> {
  await page.getByRole('heading', { name: world.groupName, level: 1 }).waitFor();
  const ald = page.getByRole('region', { name: world.sides.ALD!.name });
  const bel = page.getByRole('region', { name: world.sides.BEL!.name });
  await ald.waitFor();
  await bel.waitFor();
  // Grouped side → agency → role: each delegate sits under their own side's agency heading.
  const aldMfa = ald.locator('[data-agency="Ministry of Foreign Affairs"]');
  expect(await aldMfa.getByText('Iris Halden').count()).toBe(1);
  expect(await aldMfa.getByText('Director, Arms Control').count()).toBe(1);
  const aldNsa = ald.locator('[data-agency="Office of the National Security Adviser"]');
  expect(await aldNsa.getByRole('heading', { name: 'Chairs' }).count()).toBe(1);
  expect(await aldNsa.getByText('Elena Marsh').count()).toBe(1);
  // Own side's side-only agency is visible to its own secretariat, badged as such.
  const nis = ald.locator('[data-agency="National Intelligence Service"]');
  expect(await nis.getByText('Side-only').count()).toBeGreaterThan(0);
  const belMod = bel.locator('[data-agency="Ministry of Defence"]');
  expect(await belMod.getByText('Jonas Feld').count()).toBe(1);
  expect(await bel.getByText('Iris Halden').count()).toBe(0);
}
