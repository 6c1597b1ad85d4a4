import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { guardCsp } from './csp-guard.js';
import { repoRoot } from './server.js';

const CHROMIUM = '/usr/bin/chromium';
export const SHOTS_DIR = '/tmp/parley-shots';

function ensureChromium(): void {
  if (fs.existsSync(CHROMIUM)) return;
  const script = path.join(repoRoot, 'scripts/ensure-system.mjs');
  if (fs.existsSync(script)) execFileSync('node', [script, 'chromium'], { stdio: 'inherit' });
  else execFileSync('sh', ['-c', 'apt-get update && apt-get install -y chromium'], { stdio: 'inherit' });
}

export async function launchChromium(): Promise<Browser> {
  ensureChromium();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      // Calls: fake camera/microphone without a permission prompt, and WebRTC over loopback to the local Janus.
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--allow-loopback-in-peer-connection',
      '--disable-features=WebRtcHideLocalIpsWithMdns',
      '--auto-select-desktop-capture-source=Entire screen',
    ],
  });
  return guardCsp(browser);
}

/** A laptop-sized window, as the people who use Parley would have. */
export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(15_000);
  return context;
}

/**
 * The whole page as it lays out in a window tall enough to hold it: a plain full-page capture scrolls, which
 * leaves the sticky navigation stranded part-way down the picture.
 */
export async function screenshot(page: Page, name: string, dir = SHOTS_DIR): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const viewport = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (viewport && height > viewport.height) await page.setViewportSize({ width: viewport.width, height });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
  if (viewport && height > viewport.height) await page.setViewportSize(viewport);
}

/** Signs in through the form and returns once the app shell (left navigation) is shown. */
export async function signInWithPassword(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

/** On failure, keeps a screenshot and the page's console output, which say more than a locator timeout. */
export function recordOnFailure(page: Page, name: string): void {
  const log: string[] = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  onTestFailed(async () => {
    await screenshot(page, `failed-${name}`).catch(() => undefined);
    console.error(`--- browser console (${name}) ---\n${log.join('\n')}\n--- url: ${page.url()}`);
  });
}
