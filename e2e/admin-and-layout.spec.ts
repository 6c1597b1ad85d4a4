import { describe, expect, it } from 'vitest';
import { newContext, recordOnFailure, screenshot, signInWithPassword } from './support/browser.js';
import { useBrowserWorld } from './support/browser-world.js';
import { PASSWORD } from './support/world.js';

describe('administration and layout', () => {
  const e2e = useBrowserWorld();

  it('an administrator creates an account, a group and a side; field errors show beside their inputs', async () => {
    const { server, world, browser } = e2e;
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    recordOnFailure(page, 'admin');
    await signInWithPassword(page, world.admin.email, PASSWORD);
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();

    const accounts = page.getByRole('region', { name: 'Accounts' });
    await accounts.getByLabel('Email').fill(world.users.aldChair!.email);
    await accounts.getByLabel('Full name').fill('Somebody Else');
    await accounts.getByLabel('Initial password').fill(PASSWORD);
    await accounts.getByRole('button', { name: 'Create account' }).click();
    await accounts.getByText('An account with this email address already exists.').waitFor();
    await accounts.getByLabel('Email').fill('new.delegate@parley.test');
    await accounts.getByRole('button', { name: 'Create account' }).click();
    await accounts.getByRole('rowheader', { name: 'Somebody Else' }).waitFor();

    const groups = page.getByRole('region', { name: 'Groups and sides' });
    await groups.getByLabel('Name').fill('Expert Track on Crisis Communication');
    await groups.getByLabel('Kind').selectOption({ label: `Track of ${world.groupName}` });
    await groups.getByRole('button', { name: 'Create group' }).click();
    await groups.getByRole('link', { name: 'Expert Track on Crisis Communication' }).waitFor();
    await groups.getByLabel('Group', { exact: true }).selectOption({ label: 'Expert Track on Crisis Communication' });
    await groups.getByLabel('Government').fill('Republic of Aldoria');
    await groups.getByLabel('Short code').fill('A1');
    await groups.getByRole('button', { name: 'Add side' }).click();
    await groups.getByText('Use 2 to 6 capital letters.').waitFor();
    await groups.getByLabel('Short code').fill('ALD');
    await groups.getByRole('button', { name: 'Add side' }).click();
    await groups.locator('.plain-list__row', { hasText: 'Expert Track' }).getByText('ALD').waitFor();
    await screenshot(page, '11-admin');
    await context.close();
  });

  it('fits a 1280×720 laptop screen and is usable from the keyboard', async () => {
    const { server, world, browser } = e2e;
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    recordOnFailure(page, 'laptop');
    await signInWithPassword(page, world.users.aldChair!.email, PASSWORD);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await page.getByRole('link', { name: world.groupName }).click();
    await page.getByRole('region', { name: world.sides.BEL!.name }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, '12-group-laptop');

    await page.reload();
    await page.getByRole('region', { name: world.sides.BEL!.name }).waitFor();
    // The first Tab reaches the skip link, which moves focus into the page content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

    const bad = await context.newPage();
    await bad.goto('/invite/this-token-does-not-exist-anywhere');
    await bad.getByRole('heading', { name: 'Invitation unavailable' }).waitFor();
    await screenshot(bad, '13-invite-invalid');
    await context.close();
  });
});
