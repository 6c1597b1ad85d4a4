import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIdentityLinks } from '../packages/server/src/modules/identity/deprovisioning.js';
import {
  type ProviderProcess,
  startProviderProcess,
} from '../packages/server/src/modules/identity/test-support/provider-process.js';
import type { TestAccount } from '../packages/server/src/modules/identity/test-support/test-provider.js';
import { newContext, recordOnFailure, screenshot, signInWithPassword } from './support/browser.js';
import { ready, useBrowserWorld } from './support/browser-world.js';
import { PASSWORD } from './support/world.js';

/**
 * Each side signs in through its own government's identity provider: two real OpenID Connect providers
 * (oidc-provider), each its own process on loopback, one per side.
 */
const person = (login: string, extra: Partial<TestAccount> = {}): TestAccount => ({
  login,
  password: `pw-${login}`,
  email: `${login}@home.example`,
  emailVerified: true,
  name: login,
  ...extra,
});

describe('sign in through a side’s identity provider', () => {
  const e2e = useBrowserWorld();
  let ald: ProviderProcess | undefined;
  let bel: ProviderProcess | undefined;

  beforeAll(async () => {
    const redirectUri = `${e2e.server.url}/api/auth/oidc/callback`;
    [ald, bel] = await Promise.all([
      startProviderProcess({
        clientId: 'parley',
        clientSecret: 'aldoria client secret',
        redirectUri,
        accounts: [
          person('nadia', {
            name: 'Nadia Veld',
            agency: 'Ministry of Foreign Affairs',
            groups: ['staff', 'parley-delegates'],
          }),
          person('leaver', { name: 'Luka Leaver', agency: 'Ministry of Foreign Affairs' }),
        ],
      }),
      startProviderProcess({
        clientId: 'parley',
        clientSecret: 'belmora client secret',
        redirectUri,
        accounts: [
          person('oskar', { name: 'Oskar Brandt', agency: 'Ministry of Defence', groups: ['observers'] }),
          person('unverified', { name: 'Una Verified', emailVerified: false }),
        ],
      }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([ald?.stop(), bel?.stop()]);
  });

  const A = () => ready(ald, 'Aldoria’s provider');
  const B = () => ready(bel, 'Belmora’s provider');

  async function adminPage(browser: Browser): Promise<Page> {
    const context = await newContext(browser, e2e.server.url);
    const page = await context.newPage();
    recordOnFailure(page, 'admin');
    await signInWithPassword(page, e2e.world.admin.email, PASSWORD);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await page.goto('/admin');
    await page.getByRole('heading', { name: 'Identity providers' }).waitFor();
    return page;
  }

  async function register(page: Page, name: string, issuer: string, secret: string, roleClaim?: string) {
    await page.getByLabel('Name on the sign-in button').fill(name);
    await page.getByLabel('Issuer URL').fill(issuer);
    await page.getByLabel('Client ID').fill('parley');
    await page.getByLabel('Client secret').fill(secret);
    await page.getByLabel('Agency claim').fill('agency');
    if (roleClaim) {
      await page.getByLabel('Role claim').fill(roleClaim);
      await page.getByLabel('Observer when the claim holds').fill('observers');
    }
    await page.getByRole('button', { name: 'Register provider' }).click();
    await page.getByRole('list', { name: 'Identity providers' }).getByText(name, { exact: true }).waitFor();
  }

  /** Signs in at the provider's own page and returns where the browser ends up in Parley. */
  async function throughProvider(page: Page, button: string, login: string, password = `pw-${login}`) {
    await page.goto('/sign-in');
    await page.getByRole('link', { name: `Sign in with ${button}` }).click();
    await page.getByRole('heading', { name: 'Ministry sign-in' }).waitFor();
    await page.getByLabel('Username').fill(login);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('the administrator registers a provider for each side and binds each side to its own', async () => {
    const page = await adminPage(e2e.browser);
    await register(page, 'Aldorian Foreign Ministry', A().issuer, 'aldoria client secret');
    await register(page, 'Belmoran Government Login', B().issuer, 'belmora client secret', 'groups');
    const { sides } = e2e.world;
    await page.getByLabel(`${sides.ALD!.name} signs in through`).selectOption({ label: 'Aldorian Foreign Ministry' });
    await page.getByText('Signs people into: Strategic Consultative Group — Republic of Aldoria').waitFor();
    await page.getByLabel(`${sides.BEL!.name} signs in through`).selectOption({ label: 'Belmoran Government Login' });
    await page.getByText('Signs people into: Strategic Consultative Group — Commonwealth of Belmora').waitFor();
    expect(await page.getByTestId('redirect-uri').textContent()).toBe(`${e2e.server.url}/api/auth/oidc/callback`);
    await screenshot(page, 'oidc-01-admin-providers');
    await page.context().close();
  });

  it('a delegate of each side signs in through their provider and lands in their own side', async () => {
    const context = await newContext(e2e.browser, e2e.server.url);
    const page = await context.newPage();
    recordOnFailure(page, 'delegates');
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Sign in with Aldorian Foreign Ministry' }).waitFor();
    await screenshot(page, 'oidc-02-sign-in-with-providers');

    await throughProvider(page, 'Aldorian Foreign Ministry', 'nadia');
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await page.getByRole('link', { name: e2e.world.groupName }).click();
    const ald = page.getByRole('region', { name: e2e.world.sides.ALD!.name });
    await ald.locator('[data-agency="Ministry of Foreign Affairs"]').getByText('Nadia Veld').waitFor();
    await screenshot(page, 'oidc-03-aldoria-delegate-roster');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    await throughProvider(page, 'Belmoran Government Login', 'oskar');
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await page.getByRole('link', { name: e2e.world.groupName }).click();
    const bel = page.getByRole('region', { name: e2e.world.sides.BEL!.name });
    await bel.locator('[data-agency="Ministry of Defence"]').getByText('Oskar Brandt').waitFor();
    expect(await page.getByRole('region', { name: e2e.world.sides.ALD!.name }).getByText('Oskar Brandt').count()).toBe(
      0,
    );
    await context.close();
  });

  it('refuses, with a message on the sign-in page, an unverified email, a wrong issuer, a forged state and an unbound provider', async () => {
    const context = await newContext(e2e.browser, e2e.server.url);
    const page = await context.newPage();
    recordOnFailure(page, 'refusals');
    const alert = page.getByRole('alert');

    await throughProvider(page, 'Belmoran Government Login', 'unverified');
    await alert.getByText('has not verified your email address').waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await screenshot(page, 'oidc-04-refused-unverified');

    // Started here, then a callback whose state is not this browser's.
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Sign in with Aldorian Foreign Ministry' }).click();
    await page.getByRole('heading', { name: 'Ministry sign-in' }).waitFor();
    await page.goto('/api/auth/oidc/callback?state=forged&code=forged');
    await alert.getByText('did not match the one this browser started').waitFor();

    // The same provider registered under another spelling of its issuer than it names itself.
    const admin = await adminPage(e2e.browser);
    await register(admin, 'Misspelt Ministry', A().issuer.replace('127.0.0.1', 'localhost'), 'aldoria client secret');
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Sign in with Misspelt Ministry' }).click();
    await alert.getByText('wrong issuer').waitFor();

    // A provider bound to no side signs nobody in.
    await admin.getByLabel(`${e2e.world.sides.BEL!.name} signs in through`).selectOption({ value: '' });
    await admin.getByText('Not bound to any side').first().waitFor();
    await throughProvider(page, 'Belmoran Government Login', 'oskar');
    await alert.getByText('does not sign anyone into a side').waitFor();
    await screenshot(page, 'oidc-05-refused-not-bound');
    await admin.context().close();
    await context.close();
  });

  it('a person removed at their provider loses their session at the next check and cannot sign in again', async () => {
    const context = await newContext(e2e.browser, e2e.server.url);
    const page = await context.newPage();
    recordOnFailure(page, 'leaver');
    await throughProvider(page, 'Aldorian Foreign Ministry', 'leaver');
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();

    await A().remove('leaver');
    const report = await checkIdentityLinks(e2e.server.ctx);
    expect(report.revoked.length).toBe(1);
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await context.close();

    // Signing in anew (a fresh browser, as the provider has no session for them either): the provider refuses them.
    const again = await newContext(e2e.browser, e2e.server.url);
    const retry = await again.newPage();
    recordOnFailure(retry, 'leaver-again');
    await throughProvider(retry, 'Aldorian Foreign Ministry', 'leaver');
    await retry.getByText('Unknown account or wrong password').waitFor();
    expect(new URL(retry.url()).origin).toBe(new URL(A().issuer).origin);
    await again.close();
  });
});
