import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../packages/server/src/demo/people.js';
import { mlsGroupInfos } from '../packages/server/src/modules/keys/schema.js';
import { exportInstance } from '../packages/server/src/ops/export.js';
import {
  buildWithKeyHook,
  expectAbsent,
  type HookServer,
  rawFiles,
  rawTableDump,
  removeKeyHookBuild,
  startDemoHookServer,
} from './backchannel-support.js';
import { launchChromium, newContext, screenshot, signInWithPassword } from './support/browser.js';
import { recordSeats, type Seat } from './support/lifecycle.js';

/**
 * What `npm start` promises for the quiet messages: the demo's back channel, whose only devices (the demo loader's)
 * are gone, is joined by each chair's new device with nobody online (an external join, RFC 9420 §12.4.3.2, from
 * the GroupInfo the loader published), without anyone starting it anew; a chair whose every device was wiped comes
 * back the same way; a thread left with no GroupInfo is started anew by a chair; the side caucuses work. Every seat
 * is a separate browser profile, that is a separate device. Ends with the proof that the database holds no typed
 * text and no key.
 */
describe('the demo’s back channel and caucuses, from the first sign-in', () => {
  let server: HookServer;
  let browser: Browser;
  let helena: Seat;
  let amara: Seat;
  let helenaWiped: Seat;
  let amaraWiped: Seat;
  let groupId: string;
  let demoMlsGroupId: string;
  const extra: Seat[] = [];
  const typed: string[] = [];
  const keys: { name: string; bytes: Uint8Array }[] = [];
  const tag = randomUUID().slice(0, 8);
  const say = (who: string) => {
    const text = `${who} (${tag}): the corridor proposal stays between us, message ${typed.length + 1}`;
    typed.push(text);
    return text;
  };

  /** A person in a fresh browser profile (a new device), signed in with the demo password. */
  const demoSeat = async (email: string, name: string): Promise<Seat> => {
    const context: BrowserContext = await newContext(browser, server.url);
    const page = await context.newPage();
    const log: string[] = [];
    page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    await signInWithPassword(page, email, DEMO_PASSWORD);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    return { name, context, page, log };
  };
  /** The same device later: a new tab in the same profile (its IndexedDB holds the device and the thread). */
  const returnTo = async (s: Seat) => {
    s.page = await s.context.newPage();
    s.page.on('console', (m) => s.log.push(`[${m.type()}] ${m.text()}`));
  };

  beforeAll(async () => {
    buildWithKeyHook();
    server = await startDemoHookServer();
    const instance = await exportInstance(server.ctx.db);
    const group = (instance.tables.groups ?? []).find((g) => g.name === 'Strategic Consultative Group');
    groupId = String(group?.id);
    const demoThread = (instance.tables.mls_groups ?? []).find((g) => String(g.context).startsWith('backchannel:'));
    demoMlsGroupId = String(demoThread?.id);
    browser = await launchChromium();
  }, 300_000);
  afterEach(async (t) =>
    recordSeats(t.task.result?.state === 'fail', [helena, amara, helenaWiped, amaraWiped, ...extra]),
  );
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    removeKeyHookBuild();
  });

  const thread = (p: Page) => p.locator('.thread');
  const openThread = async (p: Page, link: 'Back channel' | 'Caucus') => {
    await p.goto(`/groups/${groupId}`);
    await p.getByRole('link', { name: link, exact: true }).click();
    await thread(p).waitFor();
  };
  const ready = (p: Page) => p.locator('.thread[data-phase="ready"]').waitFor({ timeout: 45_000 });
  const send = async (p: Page, text: string) => {
    await p.getByLabel('Message', { exact: true }).fill(text);
    await p.getByRole('button', { name: 'Send', exact: true }).click();
    await p.locator('.thread__msg--mine', { hasText: text }).getByText('Sent').waitFor();
  };
  const sees = (p: Page, text: string) => p.locator('.thread__msg', { hasText: text }).waitFor({ timeout: 30_000 });
  const keyOf = async (p: Page, name: string) => {
    const context = await p.evaluate(() =>
      Object.keys((window as { __parleyThreadKeys?: Record<string, unknown> }).__parleyThreadKeys ?? {}),
    );
    for (const c of context) {
      const b64 = await p.evaluate(
        (k) =>
          (window as { __parleyThreadKeys?: Record<string, () => Promise<string | null>> }).__parleyThreadKeys?.[k]?.(),
        c,
      );
      if (b64) keys.push({ name: `${name} (${c})`, bytes: Buffer.from(b64, 'base64') });
    }
  };

  it('the demo’s two chairs, in new profiles, open the back channel one after the other and talk both ways', async () => {
    // Helena first, nobody else online: her new device joins by itself from the GroupInfo the demo loader published.
    helena = await demoSeat('helena.varga@aldoria.example', 'helena');
    await openThread(helena.page, 'Back channel');
    await ready(helena.page);
    // Nobody had to start it anew: the button is not offered, the thread was not re-established.
    expect(await helena.page.getByRole('button', { name: 'Start the conversation anew' }).count()).toBe(0);
    expect(await helena.page.getByTestId('thread-reestablished').count()).toBe(0);
    await expect
      .poll(() => helena.page.getByTestId('thread-history-note').textContent())
      .toContain('messages sent before it was added cannot be read here');
    // The demo's re-request stays unread: the external joiner reads only from its own epoch on.
    expect(await helena.page.getByText('secure video instead of travelling').count()).toBe(0);
    // The loader's last device left with nobody to commit its Remove; its leaf would hold every later epoch's keys.
    // The server asks the first joiner to remove it, and Helena's device does: hers is the only device left.
    await expect.poll(() => helena.page.locator('.thread__devices li').count(), { timeout: 30_000 }).toBe(1);
    await screenshot(helena.page, 'backchannel-demo-first-join');
    await send(helena.page, say('Helena'));
    await keyOf(helena.page, 'back channel, Helena alone');
    await helena.page.close();

    // Amara next, Helena offline: her new device joins by itself from the GroupInfo Helena's device published.
    amara = await demoSeat('amara.okafor@belmora.example', 'amara');
    await openThread(amara.page, 'Back channel');
    await ready(amara.page);
    expect(await amara.page.getByRole('button', { name: 'Start the conversation anew' }).count()).toBe(0);
    // What was said before her device joined stays unread.
    await expect
      .poll(() => amara.page.getByTestId('thread-history-note').textContent())
      .toContain('messages sent before it was added cannot be read here');
    expect(await amara.page.getByText(typed[0]!).count()).toBe(0);
    await send(amara.page, say('Amara'));
    await keyOf(amara.page, 'back channel, after Amara joined');

    // Helena returns on the same device: Amara's device is announced, her message readable, and Helena answers.
    await returnTo(helena);
    await openThread(helena.page, 'Back channel');
    await ready(helena.page);
    await helena.page.locator('.thread__notice', { hasText: 'Amara Okafor’s new device joined' }).waitFor();
    await sees(helena.page, typed[1]!);
    await send(helena.page, say('Helena'));
    await sees(amara.page, typed[2]!);
    await screenshot(helena.page, 'backchannel-demo-helena');

    // The demo's linked message stays what the README says: stored as ciphertext only, before anyone's device joined.
    const instance = await exportInstance(server.ctx.db);
    const demoGroup = (instance.tables.mls_groups ?? []).find((g) => g.id === demoMlsGroupId);
    expect(String(demoGroup?.context)).toMatch(/^backchannel:/);
    expect(demoGroup?.reestablished_from ?? null).toBeNull();
    const demoMessages = (instance.tables.mls_messages ?? []).filter(
      (m) => m.mls_group_id === demoMlsGroupId && m.kind === 'application',
    );
    expect(demoMessages.length).toBe(2 + 3);
  });

  it('a delegate of each side uses their side’s caucus', async () => {
    // Delegates whose interface is in English: the demo sets Ines Kovač's to French and Leila Haddad's to Hebrew.
    for (const [email, name] of [
      ['mara.lindqvist@aldoria.example', 'Mara'],
      ['samuel.achebe@belmora.example', 'Samuel'],
    ] as const) {
      const s = await demoSeat(email, name);
      extra.push(s);
      await openThread(s.page, 'Caucus');
      await ready(s.page);
      await send(s.page, say(name));
      await keyOf(s.page, `${name}'s caucus`);
    }
    // A second Aldorian delegate, with Mara offline, joins Aldoria's caucus by itself and reads from then on.
    await extra[0]!.page.close();
    const piotr = await demoSeat('piotr.adamek@aldoria.example', 'Piotr');
    extra.push(piotr);
    await openThread(piotr.page, 'Caucus');
    await ready(piotr.page);
    expect(await piotr.page.getByText(typed.at(-2)!).count()).toBe(0);
    await send(piotr.page, say('Piotr'));
  });

  it('a chair whose every device was wiped comes back by an external join while the other chair is offline', async () => {
    await amara.page.close();
    await helena.page.close();
    helenaWiped = await demoSeat('helena.varga@aldoria.example', 'helena-wiped');
    await openThread(helenaWiped.page, 'Back channel');
    await ready(helenaWiped.page);
    await expect
      .poll(() => helenaWiped.page.getByTestId('thread-history-note').textContent())
      .toContain('messages sent before it was added cannot be read here');
    for (const earlier of typed.slice(0, 3)) expect(await helenaWiped.page.getByText(earlier).count()).toBe(0);
    await send(helenaWiped.page, say('Helena, new laptop'));
    await keyOf(helenaWiped.page, 'back channel, after Helena’s new device joined');
    await helenaWiped.page.close();

    // Amara returns later: the new device is announced, its fingerprint listed, its message readable.
    await returnTo(amara);
    await openThread(amara.page, 'Back channel');
    await ready(amara.page);
    await amara.page.locator('.thread__notice', { hasText: 'Helena Varga’s new device joined' }).waitFor();
    await sees(amara.page, typed.at(-1)!);
    await expect.poll(() => amara.page.locator('.thread__devices li').count()).toBeGreaterThanOrEqual(3);
    await expect.poll(() => amara.page.locator('.thread__devices li[data-warning="new"]').count()).toBeGreaterThan(0);
    await screenshot(amara.page, 'backchannel-demo-amara-new-device');
  });

  it('a chair starts the back channel anew when no GroupInfo is left to join from', async () => {
    await amara.page.close();
    // Every member device gone before one was published: no GroupInfo of the current epoch is stored.
    await server.ctx.db.delete(mlsGroupInfos).where(eq(mlsGroupInfos.mlsGroupId, demoMlsGroupId));
    amaraWiped = await demoSeat('amara.okafor@belmora.example', 'amara-wiped');
    await openThread(amaraWiped.page, 'Back channel');
    const restart = amaraWiped.page.getByRole('button', { name: 'Start the conversation anew' });
    await restart.waitFor({ timeout: 45_000 });
    await screenshot(amaraWiped.page, 'backchannel-demo-start-anew');
    await restart.click();
    await ready(amaraWiped.page);
    await expect
      .poll(() => amaraWiped.page.getByTestId('thread-reestablished').textContent())
      .toContain('Amara Okafor started this conversation anew');
    await send(amaraWiped.page, say('Amara, started anew'));
    await keyOf(amaraWiped.page, 'back channel, started anew by Amara');
    await amaraWiped.page.close();

    // Helena's device, back later, is told and joins the new group by itself; the earlier group is kept, retired.
    await returnTo(helenaWiped);
    await openThread(helenaWiped.page, 'Back channel');
    await ready(helenaWiped.page);
    await expect
      .poll(() => helenaWiped.page.getByTestId('thread-reestablished').textContent())
      .toContain('Amara Okafor started this conversation anew');
    const instance = await exportInstance(server.ctx.db);
    const retired = (instance.tables.mls_groups ?? []).find((g) => g.id === demoMlsGroupId);
    expect(String(retired?.context)).toBe(`retired:${demoMlsGroupId}`);
  });

  it('the proof: the database holds none of the typed text and no key', async () => {
    expect(typed.length).toBeGreaterThanOrEqual(7);
    expect(keys.length).toBeGreaterThanOrEqual(5);
    const secrets = [...typed.map((t, i) => ({ name: `typed text ${i + 1}`, bytes: Buffer.from(t) })), ...keys];
    const instance = await exportInstance(server.ctx.db);
    expect((instance.tables.mls_group_infos ?? []).length).toBeGreaterThan(0);
    expectAbsent('exportInstance', secrets, { text: JSON.stringify(instance), bytes: [] });
    await browser.close();
    await server.stop();
    const dump = await rawTableDump(server.dataDir);
    expectAbsent('select * from every table', secrets, {
      text: dump.text,
      bytes: dump.bytes.map((b) => Buffer.from(b)),
    });
    expectAbsent('raw data directory', secrets, { text: '', bytes: rawFiles(server.dataDir) });
  });
});
