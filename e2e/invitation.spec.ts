import { describe, expect, it } from 'vitest';
import { newContext, screenshot, signInWithPassword } from './support/browser.js';
import { useBrowserWorld } from './support/browser-world.js';
import { PASSWORD } from './support/world.js';

describe('invitations', () => {
  const e2e = useBrowserWorld();

  it('a secretariat creates a link; the invitee accepts it and lands in the group, live on the roster', async () => {
    const { server, world, browser } = e2e;
    const secretariat = await newContext(browser, server.url);
    const page = await secretariat.newPage();
    await signInWithPassword(page, world.users.aldSecretariat!.email, PASSWORD);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await page.getByRole('link', { name: world.groupName }).click();
    await page.getByRole('link', { name: 'Manage delegation' }).click();
    await page.getByRole('heading', { name: `Delegation of ${world.sides.ALD!.name}` }).waitFor();

    const invite = page.getByRole('region', { name: 'Invite someone new' });
    await invite.getByLabel('Agency').selectOption({ label: 'Ministry of Foreign Affairs' });
    await invite.getByLabel('Title').fill('Legal Adviser');
    await invite.getByRole('button', { name: 'Create invitation link' }).click();
    const link = await invite.getByLabel('Invitation link').inputValue();
    expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{20,}$/);
    await screenshot(page, '08-delegation');
    const roster = page.getByRole('link', { name: 'Roster' });

    const invitee = await newContext(browser, server.url);
    const guest = await invitee.newPage();
    await guest.goto(new URL(link).pathname);
    await guest.getByRole('heading', { name: 'You are invited' }).waitFor();
    expect(await guest.getByText(world.groupName).count()).toBe(1);
    expect(await guest.getByText('Ministry of Foreign Affairs').count()).toBe(1);
    await guest.getByLabel('Email').fill('nadia.brenner@parley.test');
    await guest.getByLabel('Full name').fill('Nadia Brenner');
    await guest.getByLabel('Password', { exact: true }).fill('short');
    await guest.getByLabel('Confirm password').fill('short');
    await guest.getByRole('button', { name: 'Create account and join' }).click();
    // The server's field error appears next to the password field.
    await guest.getByText('Enter at least 12 characters.').waitFor();
    await screenshot(guest, '09-invite-accept-error');
    await guest.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await guest.getByLabel('Confirm password').fill(PASSWORD);
    await guest.getByRole('button', { name: 'Create account and join' }).click();

    await guest.getByRole('heading', { name: world.groupName, level: 1 }).waitFor();
    const ald = guest.getByRole('region', { name: world.sides.ALD!.name });
    await ald.locator('[data-agency="Ministry of Foreign Affairs"]').getByText('Nadia Brenner').waitFor();
    expect(await guest.getByText('Your seat').count()).toBe(1);
    await screenshot(guest, '10-invitee-landed');

    // The secretariat's open roster picks up the new delegate through the WebSocket, without a reload.
    await roster.click();
    await page
      .getByRole('region', { name: world.sides.ALD!.name })
      .locator('[data-agency="Ministry of Foreign Affairs"]')
      .getByText('Nadia Brenner')
      .waitFor();

    // The link is single-use.
    const again = await invitee.newPage();
    await again.goto(new URL(link).pathname);
    await again.getByRole('heading', { name: 'Invitation unavailable' }).waitFor();
    await secretariat.close();
    await invitee.close();
  });
});
