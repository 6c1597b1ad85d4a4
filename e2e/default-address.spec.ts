import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configProblems, loadConfig } from '../packages/server/src/config.js';
import { createUser } from '../packages/server/src/modules/auth/users.js';
import { type RunningServer, startServer } from '../packages/server/src/server.js';
import { launchChromium, newContext, recordOnFailure, screenshot, signInWithPassword } from './support/browser.js';
import { ensureWebBuild, freePort, webDist } from './support/server.js';

/**
 * The server as `npm start` runs it: only PORT and HOST (the loopback default) set, no PUBLIC_URL. The address it
 * prints is the one people open, and a passkey must work there.
 */
describe('the address Parley prints when nothing is configured', () => {
  let server: RunningServer;
  let browser: Browser;
  let dataDir: string;
  let problems: string[];

  beforeAll(async () => {
    ensureWebBuild();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-default-'));
    const config = loadConfig(
      { PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      { webRoot: webDist },
    );
    problems = configProblems(config);
    server = await startServer(config, { janus: false });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers a passkey at the printed address', async () => {
    expect(problems).toEqual([]);
    await createUser(server.ctx, null, {
      email: 'operator@parley.example',
      displayName: 'Olga Operator',
      password: 'a long enough password',
      isAdmin: false,
    });
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    recordOnFailure(page, 'default-address');
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    await signInWithPassword(page, 'operator@parley.example', 'a long enough password');
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByLabel('Passkey name').fill('Desk computer');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('Passkey “Desk computer” added.').waitFor();
    await screenshot(page, 'default-address-passkey');
    await context.close();
  });
});
