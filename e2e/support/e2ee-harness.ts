import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build, defaultClientConditions } from 'vite';
import type { MlsHarness } from '../harness/mls-harness.js';
import { newContext, screenshot } from './browser.js';
import { repoRoot } from './server.js';

const ENTRY = path.join(repoRoot, 'e2e/harness/mls-harness.ts');
let bundle: Promise<string> | undefined;
let bundleDir: string | undefined;

/**
 * Bundles the harness with the real @parley/e2ee sources (the "source" condition, as vitest resolves them) into
 * one classic script under the temporary directory, once per process: one file, so it can be injected as is.
 */
export function mlsHarnessBundle(): Promise<string> {
  bundle ??= (async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-mls-harness-'));
    bundleDir = outDir;
    await build({
      configFile: false,
      root: repoRoot,
      mode: 'production',
      // 'error': @hpke's Node-only crypto fallbacks are (rightly) externalised, which vite reports as warnings.
      logLevel: 'error',
      publicDir: false,
      resolve: { conditions: ['source', ...defaultClientConditions] },
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      build: {
        outDir,
        emptyOutDir: true,
        minify: false,
        target: 'es2022',
        lib: { entry: ENTRY, formats: ['iife'], name: 'parleyMlsHarness', fileName: () => 'mls-harness.js' },
      },
    });
    return path.join(outDir, 'mls-harness.js');
  })();
  return bundle;
}

/** For afterAll: vitest ends its workers without running process exit handlers. */
export function removeMlsHarnessBundle(): void {
  if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
  bundle = undefined;
  bundleDir = undefined;
}

type Fn = (...args: never[]) => unknown;
type Method = { [K in keyof MlsHarness]: MlsHarness[K] extends Fn ? K : never }[keyof MlsHarness];

/** One browser context (its own cookie jar, like a separate person's laptop) with the harness signed in. */
export interface HarnessTab {
  context: BrowserContext;
  page: Page;
  name: string;
  /** The page's console and uncaught errors, printed when a test fails. */
  log: string[];
  userId: string;
  deviceId: string;
  call<K extends Method>(name: K, ...args: Parameters<MlsHarness[K]>): Promise<Awaited<ReturnType<MlsHarness[K]>>>;
}

const HARNESS_URL = '/__e2e__/mls-harness.js';

/**
 * Opens a page of the real SPA origin (so fetch carries the session cookie and a same-origin Origin header),
 * injects the harness, signs in through POST /api/auth/login and registers a device with `keyPackages` uploaded.
 */
export async function openHarnessTab(
  browser: Browser,
  baseURL: string,
  who: { name: string; email: string; password: string; keyPackages?: number },
): Promise<HarnessTab> {
  const context = await newContext(browser, baseURL);
  // Served from the Parley origin, not injected inline: the app's CSP (script-src 'self') refuses inline script.
  const bundle = await mlsHarnessBundle();
  await context.route(
    (url) => url.pathname === HARNESS_URL,
    (route) => route.fulfill({ path: bundle, contentType: 'text/javascript' }),
  );
  const page = await context.newPage();
  const log: string[] = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  await page.goto('/sign-in');
  await page.addScriptTag({ url: HARNESS_URL });
  const call: HarnessTab['call'] = (name, ...args) =>
    page.evaluate(
      ([n, a]) => {
        const h = (globalThis as unknown as { parleyMls: Record<string, (...x: unknown[]) => unknown> }).parleyMls;
        return h[n]!(...a);
      },
      [name, args] as [string, unknown[]],
    ) as never;
  const userId = await call('signIn', who.email, who.password);
  const device = await call('registerDevice', `${who.name}'s browser`);
  if (device.status !== 201) throw new Error(`register device of ${who.name}: ${device.status}`);
  const upload = await call('uploadKeyPackages', who.keyPackages ?? 2);
  if (upload.status !== 201) throw new Error(`upload key packages of ${who.name}: ${JSON.stringify(upload)}`);
  return { context, page, name: who.name, log, userId, deviceId: device.deviceId, call };
}

/** For a beforeEach's `onTestFailed`: tabs opened in beforeAll outlive a single test, so register per test. */
export async function reportTabs(tabs: readonly (HarnessTab | undefined)[]): Promise<void> {
  for (const tab of tabs) {
    if (!tab) continue;
    await screenshot(tab.page, `failed-mls-${tab.name}`).catch(() => undefined);
    console.error(`--- browser console (${tab.name}) ---\n${tab.log.join('\n')}`);
  }
}
