import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newContext, recordOnFailure, screenshot, signInWithPassword, signOut } from './support/browser.js';
import { useBrowserWorld } from './support/browser-world.js';
import { PASSWORD } from './support/world.js';

async function enrolTotp(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Security' }).click();
  await page.getByRole('button', { name: 'Set up authenticator app' }).click();
  const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
  await page.getByLabel('Code from the app').fill(new TOTP({ secret: Secret.fromBase32(secret) }).generate());
  await page.getByRole('button', { name: 'Confirm and turn on' }).click();
  await page.getByText('Authenticator app enabled').waitFor();
}

describe('a way back from a lost second factor', () => {
  const e2e = useBrowserWorld();

  it('signs in with a recovery code, and the administrator resets and disables on a chair’s request', async () => {
    const { server, world, browser } = e2e;
    const me = world.users.aldExpert!;
    const person = await newContext(browser, server.url);
    const page = await person.newPage();
    recordOnFailure(page, 'person');

    // The first second factor brings recovery codes, shown once.
    await signInWithPassword(page, me.email, PASSWORD);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await enrolTotp(page);
    const list = page.getByRole('list', { name: 'Your recovery codes' });
    await list.waitFor();
    const codes = (await list.getByRole('listitem').allTextContents()).map((c) => c.trim());
    expect(codes).toHaveLength(10);
    await screenshot(page, 'recovery-codes-shown');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('10 of your codes are unused').waitFor();

    // Phone lost: a recovery code stands in for it, once.
    await signOut(page);
    await signInWithPassword(page, me.email, PASSWORD);
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(codes[0]!);
    await screenshot(page, 'recovery-code-sign-in');
    await page.getByRole('button', { name: 'Use this code' }).click();
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await signOut(page);
    await signInWithPassword(page, me.email, PASSWORD);
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(codes[0]!);
    await page.getByRole('button', { name: 'Use this code' }).click();
    await page.getByText('This recovery code is wrong or has already been used.').waitFor();

    // The delegation's chair asks the administrator to reset the second factor.
    const chair = await newContext(browser, server.url);
    const chairPage = await chair.newPage();
    recordOnFailure(chairPage, 'chair');
    await signInWithPassword(chairPage, world.users.aldChair!.email, PASSWORD);
    await chairPage.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await chairPage.goto(`/groups/${world.groupId}/delegation/${world.sides.ALD!.id}`);
    await chairPage.getByLabel('Person').selectOption({ label: me.displayName });
    await chairPage.getByLabel('What is needed').selectOption({ label: 'Reset second factors' });
    await chairPage.getByLabel('Note for the administrator').fill('Confirmed by phone with her office');
    await chairPage.getByRole('button', { name: 'Send to the administrator' }).click();
    await chairPage.getByText(`Sent to the administrator: reset second factors for ${me.displayName}.`).waitFor();
    await screenshot(chairPage, 'account-help-request');

    const admin = await newContext(browser, server.url);
    const adminPage = await admin.newPage();
    recordOnFailure(adminPage, 'admin');
    adminPage.on('dialog', (d) => void d.accept());
    await signInWithPassword(adminPage, world.admin.email, PASSWORD);
    await adminPage.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await adminPage.getByRole('link', { name: 'Administration' }).click();
    const waiting = adminPage.getByRole('list', { name: 'Waiting requests' });
    await waiting.getByText('Confirmed by phone with her office').waitFor();
    await screenshot(adminPage, 'admin-account-requests');
    await waiting.getByRole('button', { name: `Reset second factors for ${me.displayName}` }).click();
    await adminPage.getByText(`Reset second factors: done for ${me.displayName}.`).waitFor();

    // The password alone signs in again (the page at sign-in after the failed code).
    await page.getByRole('button', { name: 'Start again' }).click();
    await signInWithPassword(page, me.email, PASSWORD);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();

    // Disabled: the open page goes to sign-in at its next request, and signing in is refused.
    await adminPage.getByRole('button', { name: `Disable ${me.displayName}` }).click();
    await adminPage.getByText(`${me.displayName} is disabled and signed out everywhere.`).waitFor();
    await screenshot(adminPage, 'admin-accounts-disabled');
    await page.getByRole('link', { name: 'Meetings', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(me.email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('This account is disabled. Ask your Parley administrator to re-enable it.').waitFor();

    await adminPage.getByRole('button', { name: `Re-enable ${me.displayName}` }).click();
    await adminPage.getByText(`${me.displayName} can sign in again.`).waitFor();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Meetings', level: 1 }).waitFor();
    for (const c of [person, chair, admin]) await c.close();
  });
});
