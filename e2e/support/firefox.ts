import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { CallPage } from './call-room.js';
import { repoRoot } from './server.js';
import { PASSWORD } from './world.js';

/** Debian's Firefox ESR, driven over WebDriver BiDi: nothing here downloads a browser. */
export const FIREFOX = '/usr/bin/firefox-esr';

function ensureFirefox(): void {
  if (fs.existsSync(FIREFOX)) return;
  execFileSync('node', [path.join(repoRoot, 'scripts/ensure-system.mjs'), 'firefox-esr'], { stdio: 'inherit' });
}

/**
 * Headless Firefox ESR for calls: fake camera and microphone without a permission prompt, and ICE candidates on
 * loopback (where the test's Janus listens) in the clear rather than as mDNS names.
 */
export async function launchFirefox(): Promise<Browser> {
  ensureFirefox();
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'media.peerconnection.ice.loopback': true,
      'media.peerconnection.ice.obfuscate_host_addresses': false,
      // Background tabs must keep decoding and painting: each seat is its own page.
      'dom.min_background_timeout_value': 4,
    },
  });
}

/** A delegate in Firefox: one page of its own browser context, signed in through the form. */
export interface FirefoxSeat {
  name: string;
  page: Page;
  /** The same page, for the call helpers shared with the Chromium seats (they only evaluate and wait). */
  call: CallPage;
  log: string[];
}

export async function firefoxSeat(
  browser: Browser,
  baseURL: string,
  email: string,
  name: string,
  password = PASSWORD,
): Promise<FirefoxSeat> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.setViewport({ width: 1280, height: 720 });
  const log: string[] = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e instanceof Error ? e.message : String(e)}`));
  await page.goto(new URL('/sign-in', baseURL).href);
  await page.locator('input[type="email"]').fill(email);
  await page.locator('input[type="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
  await waitForHeading(page, 'Groups');
  const call = {
    evaluate: (fn: unknown, arg: unknown) => page.evaluate(fn as (a: unknown) => unknown, arg),
    waitForTimeout: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  } as unknown as CallPage;
  return { name, page, call, log };
}

export async function waitForHeading(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (t) => [...document.querySelectorAll('h1, h2')].some((h) => h.textContent?.trim() === t),
    { timeout: 30_000 },
    text,
  );
}

/** Clicks the button whose visible text is `text` once it is enabled. */
export async function clickButton(page: Page, text: string, timeout = 30_000): Promise<void> {
  const handle = await page.waitForFunction(
    (t) => [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === t && !b.disabled) ?? false,
    { timeout },
    text,
  );
  const button = handle.asElement();
  if (!button) throw new Error(`no button "${text}"`);
  await (button as import('puppeteer-core').ElementHandle<Element>).click();
}

/** Opens the meeting's call page in Firefox and joins from the pre-join check. */
export async function firefoxJoins(seat: FirefoxSeat, baseURL: string, meetingId: string): Promise<void> {
  await seat.page.goto(new URL(`/meetings/${meetingId}/call`, baseURL).href);
  await waitForHeading(seat.page, 'Join the secure call');
  await clickButton(seat.page, 'Join secure call');
  await seat.page.waitForSelector('[role="toolbar"][aria-label="Call controls"]', { timeout: 30_000 });
}

/** Keeps the Firefox seat's picture under the shared screenshot folder, as the Chromium helpers do. */
export async function firefoxScreenshot(seat: FirefoxSeat, name: string, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await seat.page.screenshot({ path: path.join(dir, `${name}.png`) as `${string}.png` });
}
