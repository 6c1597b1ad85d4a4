import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { CallPage } from './call-room.js';
import { repoRoot } from './server.js';
import { PASSWORD } from './world.js';

/** Debian's Firefox ESR, driven over WebDriver BiDi: nothing here downloads a browser. */
export const FIREFOX = '/usr/bin/firefox-esr';

const XVFB = '/usr/bin/Xvfb';

function ensureSystem(binary: string, pkg: string): void {
  if (fs.existsSync(binary)) return;
  execFileSync('node', [path.join(repoRoot, 'scripts/ensure-system.mjs'), pkg], { stdio: 'inherit' });
}

/** An X server of its own on a free display (Xvfb picks the number and writes it to fd 3). */
async function privateDisplay(): Promise<{ display: string; xvfb: ChildProcess }> {
  ensureSystem(XVFB, 'xvfb');
  const xvfb = spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1280x720x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before naming its display`)));
    setTimeout(() => reject(new Error('Xvfb named no display within 10 s')), 10_000).unref();
  });
  return { display, xvfb };
}

export interface FirefoxOptions {
  /**
   * A screen to share: headless Firefox has none (getDisplayMedia fails with NotFoundError, fake media or not), so
   * Firefox runs with a window on a private Xvfb display, whose whole screen getDisplayMedia then returns without a
   * picker (the permission prompt is off).
   */
  screen?: boolean;
}

/**
 * Firefox ESR for calls (headless unless it must share a screen): fake camera and microphone without a permission
 * prompt, and ICE candidates on loopback (where the test's Janus listens) in the clear rather than as mDNS names.
 */
export async function launchFirefox(options: FirefoxOptions = {}): Promise<Browser> {
  ensureSystem(FIREFOX, 'firefox-esr');
  const screen = options.screen ? await privateDisplay() : null;
  try {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: !screen,
      ...(screen ? { env: { ...process.env, DISPLAY: screen.display } } : {}),
      extraPrefsFirefox: {
        'media.navigator.streams.fake': true,
        'media.navigator.permission.disabled': true,
        'media.peerconnection.ice.loopback': true,
        'media.peerconnection.ice.obfuscate_host_addresses': false,
        'media.getdisplaymedia.enabled': true,
        // No sharing indicator window over the captured screen.
        'privacy.webrtc.legacyGlobalIndicator': false,
        // Background tabs must keep decoding and painting: each seat is its own page.
        'dom.min_background_timeout_value': 4,
      },
    });
    if (screen) browser.once('disconnected', () => screen.xvfb.kill());
    return browser;
  } catch (error) {
    screen?.xvfb.kill();
    throw error;
  }
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

/**
 * Opens the meeting's call page in Firefox and joins from the pre-join check; `admit` lets a chair take the delegate
 * in from the lobby (a delegate who is not a chair waits there).
 */
export async function firefoxJoins(
  seat: FirefoxSeat,
  baseURL: string,
  meetingId: string,
  admit?: () => Promise<void>,
): Promise<void> {
  await seat.page.goto(new URL(`/meetings/${meetingId}/call`, baseURL).href);
  await joinFromFirefoxPreJoin(seat, admit);
}

async function joinFromFirefoxPreJoin(seat: FirefoxSeat, admit?: () => Promise<void>): Promise<void> {
  await waitForHeading(seat.page, 'Join the secure call');
  await clickButton(seat.page, 'Join secure call');
  if (admit) {
    await waitForHeading(seat.page, 'Waiting to be admitted');
    await admit();
  }
  await seat.page.waitForSelector('[role="toolbar"][aria-label="Call controls"]', { timeout: 30_000 });
}

/** After leaving: Rejoin (a reload of the call page) and join again from the pre-join check. */
export async function firefoxRejoins(seat: FirefoxSeat, admit?: () => Promise<void>): Promise<void> {
  await clickButton(seat.page, 'Rejoin');
  await joinFromFirefoxPreJoin(seat, admit);
}

/** Keeps the Firefox seat's picture under the shared screenshot folder, as the Chromium helpers do. */
export async function firefoxScreenshot(seat: FirefoxSeat, name: string, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await seat.page.screenshot({ path: path.join(dir, `${name}.png`) as `${string}.png` });
}
