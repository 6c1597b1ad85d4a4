import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * Every page of every browser the e2e suite launches runs under the app's Content-Security-Policy, and any
 * violation fails the test that was running (see e2e/support/csp-setup.ts): a policy that blocks something the
 * app needs, or app code that needs more than the policy allows, shows up here and not in a ministry's browser.
 */
const violations: string[] = [];

/** Violations seen since the last call, emptied. */
export function takeCspViolations(): string[] {
  return violations.splice(0);
}

// Chromium reports a blocked load or inline script on the console; the DOM event also names the directive.
const REPORT = /Content Security Policy|Refused to (load|execute|apply|connect|create|frame)/i;

function watchPage(page: Page): void {
  page.on('console', (m) => {
    if (REPORT.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
  });
}

async function watchContext(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  context.on('page', watchPage);
  for (const page of context.pages()) watchPage(page);
}

/** Wraps newContext so that every context (and so every page) the browser opens is watched. */
export function guardCsp(browser: Browser): Browser {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args: Parameters<Browser['newContext']>) => {
    const context = await newContext(...args);
    await watchContext(context);
    return context;
  };
  return browser;
}
