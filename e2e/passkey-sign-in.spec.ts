import { describe, expect, it } from 'vitest';
import { newContext, recordOnFailure, screenshot, signInWithPassword, signOut } from './support/browser.js';
import { useBrowserWorld } from './support/browser-world.js';
import { PASSWORD } from './support/world.js';

describe('passkeys', () => {
  const e2e = useBrowserWorld();

  it('registers a passkey on the account page, then signs in passwordless with it', async () => {
    const { server, world, browser } = e2e;
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    recordOnFailure(page, 'page');
    // A platform authenticator that holds discoverable credentials and verifies the user, driven over CDP.
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    const me = world.users.belChair!;

    await signInWithPassword(page, me.email, PASSWORD);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByLabel('Passkey name').fill('Office laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('Passkey “Office laptop” added.').waitFor();
    const list = page.getByRole('list', { name: 'Your passkeys' });
    expect(await list.getByText('Office laptop').count()).toBe(1);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
    await screenshot(page, '06-security-passkey');

    await signOut(page);
    // Passwordless: no email, no password; the authenticator picks the account's discoverable credential.
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    expect(await page.getByText(me.displayName).first().isVisible()).toBe(true);

    await page.getByRole('link', { name: world.groupName }).click();
    const bel = page.getByRole('region', { name: world.sides.BEL!.name });
    await bel.waitFor();
    expect(await bel.locator('[data-agency="Cabinet Office"]').getByText(me.displayName).count()).toBe(1);
    const ald = page.getByRole('region', { name: world.sides.ALD!.name });
    // The other side's side-only agency and its delegate never reach this browser.
    expect(await ald.getByText('National Intelligence Service').count()).toBe(0);
    expect(await ald.getByText('Piet Kovar').count()).toBe(0);
    expect(await ald.getByText('Iris Halden').count()).toBe(1);
    await screenshot(page, '07-group-roster-other-side');
    await context.close();
  });
});
