import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ProviderProcess,
  startProviderProcess,
} from '../packages/server/src/modules/identity/test-support/provider-process.js';
import { newContext, recordOnFailure, screenshot, signInWithPassword } from './support/browser.js';
import { ready, useBrowserWorld } from './support/browser-world.js';
import { PASSWORD } from './support/world.js';

/** A real code of the authenticator app at a given moment (the server accepts one period either side of now). */
const codeAt = (secret: string, timestamp: number) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp });

/** A same-origin API call from inside the page, with its cookies and Origin, as the app itself would make it. */
const call = (page: Page, method: string, url: string, body?: unknown) =>
  page.evaluate(
    async ({ method, url, body }) => {
      const res = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json().catch(() => null)) as Record<string, unknown> | null };
    },
    { method, url, body },
  );

describe('a chair signed in through an identity provider steps up before approving', () => {
  const e2e = useBrowserWorld();
  let provider: ProviderProcess | undefined;

  beforeAll(async () => {
    provider = await startProviderProcess({
      clientId: 'parley',
      clientSecret: 'aldoria client secret',
      redirectUri: `${e2e.server.url}/api/auth/oidc/callback`,
      accounts: [
        {
          login: 'cara',
          password: 'pw-cara',
          email: 'cara@home.example',
          emailVerified: true,
          name: 'Cara Lind',
          groups: ['parley-chairs'],
        },
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await provider?.stop();
  });

  it('the administrator binds Aldoria to its provider and turns the step-up on for the group', async () => {
    const context = await newContext(e2e.browser, e2e.server.url);
    const page = await context.newPage();
    recordOnFailure(page, 'step-up-admin');
    await signInWithPassword(page, e2e.world.admin.email, PASSWORD);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    const reg = await call(page, 'POST', '/api/admin/identity-providers', {
      name: 'Aldorian Foreign Ministry',
      issuer: ready(provider, 'provider').issuer,
      clientId: 'parley',
      clientSecret: 'aldoria client secret',
      roleClaim: 'groups',
      roleMap: { chair: 'parley-chairs' },
    });
    expect(reg.status).toBe(201);
    const bind = await call(
      page,
      'PUT',
      `/api/groups/${e2e.world.groupId}/sides/${e2e.world.sides.ALD!.id}/identity-provider`,
      {
        providerId: reg.json!.id,
      },
    );
    expect(bind.status).toBe(200);

    await page.goto('/admin');
    const toggle = page.getByLabel(`Chairs of ${e2e.world.groupName} who sign in through an identity provider`, {
      exact: false,
    });
    await toggle.check();
    await expect
      .poll(async () => (await call(page, 'GET', `/api/groups/${e2e.world.groupId}`)).json?.chairStepUp)
      .toBe(true);
    await screenshot(page, 'step-up-01-group-setting');
    await context.close();
  });

  it('the chair is told to add a second factor, then asked for a code before approving, then approves', async () => {
    const context = await newContext(e2e.browser, e2e.server.url);
    const page = await context.newPage();
    recordOnFailure(page, 'step-up-chair');
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Sign in with Aldorian Foreign Ministry' }).click();
    await page.getByRole('heading', { name: 'Ministry sign-in' }).waitFor();
    await page.getByLabel('Username').fill('cara');
    await page.getByLabel('Password').fill('pw-cara');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();

    await page.goto(`/groups/${e2e.world.groupId}`);
    await page.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name: 'Statements' }).click();
    await page.getByLabel('Statement text').fill('Both sides agree to resume expert talks in March.');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.getByRole('heading', { name: 'Joint statement', level: 1 }).waitFor();
    await page.getByText('✓ matches the text shown').waitFor();

    // No second factor yet: told plainly where to add one, and nothing is approved.
    await page.getByRole('button', { name: 'Approve this exact text' }).click();
    await page.getByRole('heading', { name: 'Add a second factor to act as chair' }).waitFor();
    await page.getByRole('link', { name: 'Account security' }).waitFor();
    await screenshot(page, 'step-up-02-no-factor');
    await page.getByRole('button', { name: 'Close' }).click();

    const enrol = await call(page, 'POST', '/api/account/totp/enrol', {});
    expect(enrol.status).toBe(200);
    const secret = String(enrol.json!.secret);
    const confirmedAt = Date.now();
    expect((await call(page, 'POST', '/api/account/totp/confirm', { code: codeAt(secret, confirmedAt) })).status).toBe(
      200,
    );

    // The back channel is a chair's power too: it asks first and opens no thread until the step-up is done.
    const statementUrl = page.url();
    await page.goto(`/groups/${e2e.world.groupId}/backchannel`);
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    expect(await page.getByRole('note').filter({ hasText: 'End-to-end encrypted' }).count()).toBe(0);
    await screenshot(page, 'step-up-03-back-channel-asks');
    await page.goto(statementUrl);

    await page.getByRole('button', { name: 'Approve this exact text' }).click();
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await screenshot(page, 'step-up-03-asked-for-code');
    // The code that confirmed the app cannot be used again, even when its period has not ended yet.
    await page.getByLabel('Authenticator code').fill(codeAt(secret, confirmedAt));
    await page.getByRole('button', { name: 'Confirm code' }).click();
    await page.getByText('This code is wrong or has already been used.').first().waitFor();
    // A later period's code: the next one after the spent one, or the current one if the clock has moved past it.
    await page.getByLabel('Authenticator code').fill(codeAt(secret, Math.max(confirmedAt + 30_000, Date.now())));
    await page.getByRole('button', { name: 'Confirm code' }).click();
    await page.getByText('Approved by Cara Lind').waitFor();
    expect(await page.getByRole('heading', { name: 'Confirm it is you' }).count()).toBe(0);
    await screenshot(page, 'step-up-04-approved');

    // Stepped up once for the session: the back channel opens without asking again.
    await page.goto(`/groups/${e2e.world.groupId}/backchannel`);
    await page.getByRole('note').filter({ hasText: 'End-to-end encrypted' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Confirm it is you' }).count()).toBe(0);
    await context.close();
  });
});
