import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { newContext, screenshot, signInWithPassword } from './browser.js';
import { PASSWORD } from './world.js';

export interface Seat {
  name: string;
  context: BrowserContext;
  page: Page;
  /** The page's console, printed when a step fails (the seat outlives any single test). */
  log: string[];
}

/** A delegate in their own browser (own cookies, own WebSocket), signed in and looking at the groups list. */
export async function seat(browser: Browser, baseURL: string, email: string, name: string): Promise<Seat> {
  const context = await newContext(browser, baseURL);
  const page = await context.newPage();
  const log: string[] = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  await signInWithPassword(page, email, PASSWORD);
  await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
  return { name, context, page, log };
}

/** For afterEach: a failed step leaves a screenshot and the console of every seat still open. */
export async function recordSeats(failed: boolean, seats: (Seat | undefined)[]): Promise<void> {
  if (!failed) return;
  for (const s of seats) {
    if (!s || s.page.isClosed()) continue;
    await screenshot(s.page, `failed-lifecycle-${s.name}`).catch(() => undefined);
    console.error(`--- browser console (${s.name}) ---\n${s.log.join('\n')}\n--- url: ${s.page.url()}`);
  }
}

/** `YYYY-MM-DD` of today plus `days`, as a calendar date (no zone: the form interprets it in the chosen zone). */
export function dayPlus(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export const history = (page: Page): Locator => page.getByRole('list', { name: 'History' }).getByRole('listitem');

/** Waits (through live updates, no reload) until the history has `count` entries and returns their titles. */
export async function historyTitles(page: Page, count: number): Promise<string[]> {
  await history(page)
    .nth(count - 1)
    .waitFor();
  expect(await history(page).count()).toBe(count);
  return history(page).locator('.timeline__title').allInnerTexts();
}

export async function waitForPhase(page: Page, label: string): Promise<void> {
  await page.locator('.page-header__eyebrow [data-status]', { hasText: label }).waitFor();
}

export const dialog = (page: Page, name: string): Locator => page.getByRole('dialog', { name });

/** Screenshot at the laptop size too, and check nothing spills sideways there. */
export async function laptopShot(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 1280, height: 720 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name} overflows at 1280×720`).toBeLessThanOrEqual(0);
  await screenshot(page, `${name}-laptop`);
  if (before) await page.setViewportSize(before);
}

export async function approvalRow(page: Page, code: string): Promise<Locator> {
  const row = page.locator(`.approval[data-side="${code}"]`);
  await row.waitFor();
  return row;
}
