import { describe, expect, it } from 'vitest';
import { newContext, recordOnFailure, screenshot, signInWithPassword } from './support/browser.js';
import { useBrowserWorld } from './support/browser-world.js';
import { takeCspViolations } from './support/csp-guard.js';
import { PASSWORD } from './support/world.js';

describe('Content-Security-Policy in the browser', () => {
  const e2e = useBrowserWorld();

  it('the app, Swagger UI and the public pages load without a violation; injected inline script is blocked', async () => {
    const { server, world, browser } = e2e;
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    recordOnFailure(page, 'csp');
    await signInWithPassword(page, world.admin.email, PASSWORD);
    await page.getByRole('link', { name: 'Administration' }).waitFor();

    // Swagger UI's bundle is large: wait for its title rather than for every byte to load.
    await page.goto('/api/docs/', { waitUntil: 'domcontentloaded' });
    await page.getByText('Parley API').first().waitFor({ timeout: 60_000 });
    await screenshot(page, 'csp-swagger-ui');
    await page.goto('/statements');
    await page.getByRole('link', { name: 'Published statements' }).waitFor();
    expect(takeCspViolations()).toEqual([]);

    // The guard itself: what an injected script would try is refused, and the refusal is caught.
    await page.goto('/');
    await page.getByRole('link', { name: 'Administration' }).waitFor();
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { injected?: boolean };
      const s = document.createElement('script');
      s.textContent = 'window.injected = true';
      document.body.append(s);
      await new Promise((r) => setTimeout(r, 200));
      return w.injected === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => takeCspViolations().join('\n')).toMatch(/script-src/);
  });
});
