import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser.js';
import { type E2eServer, startE2eServer } from './server.js';
import { seedWorld, type World } from './world.js';

export interface BrowserWorld {
  readonly server: E2eServer;
  readonly world: World;
  readonly browser: Browser;
}

/** A value set by a beforeAll hook, or a clear error when read before it ran. */
export function ready<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not ready yet: read it inside a test or a later hook`);
  return value;
}

/**
 * Registers, in the calling describe block, a real server with the seeded world and one Chromium for all its tests,
 * torn down after them. Getters, because the values exist only once beforeAll has run. `alongside` is slow
 * preparation (a bundle build, say) run in parallel with the server start.
 */
export function useBrowserWorld(opts: { alongside?: () => Promise<unknown> } = {}): BrowserWorld {
  let server: E2eServer | undefined;
  let world: World | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    [server] = await Promise.all([startE2eServer(), opts.alongside?.()]);
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
  });
  // Registered first, so vitest's stacked after-hooks run this one last, after the caller's own teardown.
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  return {
    get server() {
      return ready(server, 'server');
    },
    get world() {
      return ready(world, 'world');
    },
    get browser() {
      return ready(browser, 'browser');
    },
  };
}
