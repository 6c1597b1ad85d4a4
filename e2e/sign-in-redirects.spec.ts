import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sessions } from '../packages/server/src/modules/auth/schema.js';
import { newContext, recordOnFailure, screenshot, signInWithPassword } from './support/browser.js';
import { useBrowserWorld } from './support/browser-world.js';
import { PASSWORD } from './support/world.js';

/** Fills the form of the sign-in page already shown (keeping its ?next=), unlike signInWithPassword. */
async function signInHere(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

describe('where sign-in sends people', () => {
  const e2e = useBrowserWorld();

  it('takes a page whose session was revoked to sign-in, and back to where the person was', async () => {
    const { server, world, browser } = e2e;
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    recordOnFailure(page, 'session-ended');
    const me = world.users.aldChair!;
    await signInWithPassword(page, me.email, PASSWORD);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();

    // Signed out from elsewhere ("sign out other sessions", an administrator, the session's end).
    await server.ctx.db.delete(sessions).where(eq(sessions.userId, me.id));
    await page.getByRole('link', { name: 'Meetings', exact: true }).click();

    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByText('Your session has ended. Sign in again to go back to where you were.').waitFor();
    const url = new URL(page.url());
    expect(url.pathname).toBe('/sign-in');
    expect(url.searchParams.get('next')).toBe('/meetings');
    await screenshot(page, 'sign-in-session-ended');

    await signInHere(page, me.email);
    await page.getByRole('heading', { name: 'Meetings', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/meetings');
    await context.close();
  });

  it('refuses a destination off the site and lands on the home page', async () => {
    const { server, world, browser } = e2e;
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    recordOnFailure(page, 'next-off-site');
    await page.goto('/sign-in?next=%2F%5Cevil.example');
    await signInHere(page, world.users.belChair!.email);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    expect(new URL(page.url()).origin).toBe(server.url);
    expect(new URL(page.url()).pathname).toBe('/groups');
    await context.close();
  });
});
