import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build, defaultClientConditions } from 'vite';
import type { CallHarness } from '../harness/call-e2ee-harness.js';
import { newContext } from './browser.js';
import { repoRoot } from './server.js';

const ENTRY = path.join(repoRoot, 'e2e/harness/call-e2ee-harness.ts');
/** Path prefix the bundle is served under, on the Parley origin (so fetch, cookies and workers are same-origin). */
const BASE = '/__e2ee-call/';
let bundle: Promise<string> | undefined;

/**
 * Bundles the call E2EE harness like the SPA bundles the layer: an ES module plus the worker as its own file
 * (`new Worker(new URL('./e2ee-worker.ts', import.meta.url))`), once per process.
 */
export function callHarnessBundle(): Promise<string> {
  bundle ??= (async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-call-e2ee-'));
    await build({
      configFile: false,
      root: repoRoot,
      base: BASE,
      mode: 'production',
      logLevel: 'error',
      publicDir: false,
      resolve: { conditions: ['source', ...defaultClientConditions] },
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      worker: { format: 'es' },
      build: {
        outDir,
        emptyOutDir: true,
        minify: false,
        target: 'es2022',
        modulePreload: false,
        rollupOptions: { input: ENTRY, output: { format: 'es', entryFileNames: 'harness.js' } },
      },
    });
    return outDir;
  })();
  return bundle;
}

export async function removeCallHarnessBundle(): Promise<void> {
  if (!bundle) return;
  fs.rmSync(await bundle, { recursive: true, force: true });
  bundle = undefined;
}

type Fn = (...args: never[]) => unknown;
type Method = { [K in keyof CallHarness]: CallHarness[K] extends Fn ? K : never }[keyof CallHarness];

export interface CallTab {
  context: BrowserContext;
  page: Page;
  name: string;
  log: string[];
  userId: string;
  call<K extends Method>(name: K, ...args: Parameters<CallHarness[K]>): Promise<Awaited<ReturnType<CallHarness[K]>>>;
}

/** A signed-in person's own browser context with the harness loaded from the Parley origin. */
export async function openCallTab(
  browser: Browser,
  baseURL: string,
  who: { name: string; email: string; password: string },
): Promise<CallTab> {
  const dir = await callHarnessBundle();
  const context = await newContext(browser, baseURL);
  await context.route(
    (url) => url.pathname.startsWith(BASE),
    (route) => {
      const file = path.join(dir, new URL(route.request().url()).pathname.slice(BASE.length));
      if (!file.startsWith(dir) || !fs.existsSync(file)) return route.fulfill({ status: 404 });
      return route.fulfill({ path: file, contentType: 'text/javascript' });
    },
  );
  const page = await context.newPage();
  const log: string[] = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  await page.goto('/sign-in');
  await page.addScriptTag({ url: `${BASE}harness.js`, type: 'module' });
  await page.waitForFunction(() => 'parleyCall' in globalThis);
  const call: CallTab['call'] = (name, ...args) =>
    page.evaluate(
      ([n, a]) => {
        const h = (globalThis as unknown as { parleyCall: Record<string, (...x: unknown[]) => unknown> }).parleyCall;
        return h[n]!(...a);
      },
      [name, args] as [string, unknown[]],
    ) as never;
  const userId = await call('signIn', who.email, who.password);
  return { context, page, name: who.name, log, userId, call };
}
