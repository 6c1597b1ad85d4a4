import { randomUUID } from 'node:crypto';
import { mlsContext } from '@parley/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exportInstance } from '../packages/server/src/ops/export.js';
import {
  buildWithKeyHook,
  expectAbsent,
  type HookServer,
  rawFiles,
  rawTableDump,
  removeKeyHookBuild,
  startHookServer,
} from './backchannel-support.js';
import { launchChromium } from './support/browser.js';
import { recordSeats, type Seat, seat } from './support/lifecycle.js';
import { seedWorld, type World } from './support/world.js';

/**
 * The chairs' back channel and the side caucus, end to end: real server, real Chromium, separate browser profiles
 * (each its own device). Ends with the proof: nothing typed, and no key the pages hold, is anywhere in the database.
 */
describe('back channel and caucus: E2EE threads that last', () => {
  let server: HookServer;
  let browser: Browser;
  let world: World;
  let ald: Seat;
  let bel: Seat;
  let ald2: Seat;
  const typed: string[] = [];
  const keys: { name: string; bytes: Uint8Array }[] = [];
  const tag = randomUUID().slice(0, 8);
  const say = (n: number) => {
    const text = `Quiet message ${n} (${tag}): the northern corridor proposal stays between us`;
    typed.push(text);
    return text;
  };

  beforeAll(async () => {
    buildWithKeyHook();
    server = await startHookServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    ald = await seat(browser, server.url, world.users.aldChair!.email, 'ald-chair');
    bel = await seat(browser, server.url, world.users.belChair!.email, 'bel-chair');
  }, 240_000);
  afterEach(async (t) => recordSeats(t.task.result?.state === 'fail', [ald, bel, ald2]));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    removeKeyHookBuild();
  });

  const thread = (p: Page) => p.locator('.thread');
  const openBackChannel = async (p: Page) => {
    await p.goto(`/groups/${world.groupId}`);
    await p.getByRole('link', { name: 'Back channel' }).click();
    await thread(p).waitFor();
  };
  const ready = (p: Page) => p.locator('.thread[data-phase="ready"]').waitFor({ timeout: 30_000 });
  const send = async (p: Page, text: string) => {
    await p.getByLabel('Message', { exact: true }).fill(text);
    await p.getByRole('button', { name: 'Send', exact: true }).click();
    await p.locator('.thread__msg--mine', { hasText: text }).getByText('Sent').waitFor();
  };
  const sees = (p: Page, text: string) => p.locator('.thread__msg', { hasText: text }).waitFor({ timeout: 30_000 });
  const safety = (p: Page) => p.getByTestId('thread-safety-code').textContent();
  const keyOf = async (p: Page, context: string, name: string) => {
    const b64 = await p.evaluate(
      (c) =>
        (window as { __parleyThreadKeys?: Record<string, () => Promise<string | null>> }).__parleyThreadKeys?.[c]?.(),
      context,
    );
    expect(b64, `key hook for ${name}`).toBeTruthy();
    keys.push({ name, bytes: Buffer.from(b64!, 'base64') });
  };
  const bcContext = () =>
    mlsContext({ kind: 'backchannel', groupId: world.groupId, sideIds: [world.sides.ALD!.id, world.sides.BEL!.id] });

  it('the two chairs exchange quiet messages, end to end encrypted', async () => {
    await openBackChannel(ald.page);
    await ready(ald.page);
    await expect(ald.page.getByText('End-to-end encrypted — the server stores only ciphertext.')).toBeTruthy();
    await openBackChannel(bel.page);
    // Belmora's device has key packages: Aldoria's device (the only member) adds it.
    await ready(bel.page);
    await send(ald.page, say(1));
    await sees(bel.page, typed[0]!);
    await send(bel.page, say(2));
    await sees(ald.page, typed[1]!);
    await expect.poll(() => safety(ald.page)).toBe(await safety(bel.page));
    await expect.poll(() => bel.page.locator('.thread__devices li').count()).toBe(2);
    const who = bel.page.locator('.thread__msg', { hasText: typed[0]! }).locator('.thread__meta');
    expect(await who.textContent()).toContain('Elena Marsh · ALD');
    await keyOf(ald.page, bcContext(), 'back channel key (epoch with 2 devices)');
  });

  it('a reload keeps the thread: MLS state and read messages come back from IndexedDB', async () => {
    const before = await safety(ald.page);
    await ald.page.reload();
    await ready(ald.page);
    // Same epoch: the device continued from its stored state instead of being added again.
    expect(await safety(ald.page)).toBe(before);
    await sees(ald.page, typed[0]!);
    await sees(ald.page, typed[1]!);
    await send(ald.page, say(3));
    await sees(bel.page, typed[2]!);
  });

  it('a chair’s new device is added by the other chair and reads new messages, not the past', async () => {
    ald2 = await seat(browser, server.url, world.users.aldChair!.email, 'ald-chair-2');
    await openBackChannel(ald2.page);
    await ready(ald2.page);
    await expect
      .poll(() => ald2.page.getByTestId('thread-history-note').textContent())
      .toContain('messages sent before it was added cannot be read here');
    await send(bel.page, say(4));
    await sees(ald2.page, typed[3]!);
    await sees(ald.page, typed[3]!);
    for (const old of typed.slice(0, 3)) expect(await ald2.page.getByText(old).count()).toBe(0);
    // The newcomer shows in everyone's device list, flagged as a key this browser had not seen.
    await expect.poll(() => bel.page.locator('.thread__devices li').count()).toBe(3);
    await expect.poll(() => bel.page.locator('.thread__devices li[data-warning="new"]').count()).toBeGreaterThan(0);
    await expect.poll(() => safety(ald.page)).toBe(await safety(ald2.page));
    await keyOf(ald2.page, bcContext(), 'back channel key (epoch with 3 devices)');
  });

  it('the caucus is side-only: the other side’s chair cannot get into it', async () => {
    await ald.page.goto(`/groups/${world.groupId}`);
    await ald.page.getByRole('link', { name: 'Caucus' }).click();
    await ready(ald.page);
    const caucusText = `Caucus note (${tag}): our red line is the verification clause`;
    typed.push(caucusText);
    await send(ald.page, caucusText);
    const caucus = mlsContext({ kind: 'caucus', groupId: world.groupId, sideId: world.sides.ALD!.id });
    await keyOf(ald.page, caucus, 'caucus key');
    const groupId = await ald.page.evaluate(
      async (c) => (await (await fetch(`/api/mls/groups?context=${encodeURIComponent(c)}`)).json()).id as string,
      caucus,
    );
    const tries = await bel.page.evaluate(
      async ({ c, id, belUser }) => {
        const post = (url: string, body: unknown) =>
          fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const { devices } = await (await fetch('/api/devices')).json();
        const deviceId = devices[0].deviceId as string;
        return [
          (await fetch(`/api/mls/groups?context=${encodeURIComponent(c)}`)).status,
          (
            await post('/api/mls/groups', {
              context: c,
              deviceId,
              cipherSuite: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
            })
          ).status,
          (await fetch(`/api/mls/groups/${id}`)).status,
          (await fetch(`/api/mls/groups/${id}/messages?deviceId=${deviceId}&afterSeq=0&limit=10`)).status,
          (await post(`/api/mls/groups/${id}/key-packages/claim`, { deviceId, userId: belUser })).status,
        ];
      },
      { c: caucus, id: groupId, belUser: world.users.belChair!.id },
    );
    for (const status of tries) expect([403, 404]).toContain(status);
    // Aldoria's member device cannot claim Belmora's chair into its caucus either.
    const claim = await ald.page.evaluate(
      async ({ id, belUser }) => {
        const { devices } = await (await fetch('/api/devices')).json();
        const r = await fetch(`/api/mls/groups/${id}/key-packages/claim`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ deviceId: devices[0].deviceId, userId: belUser }),
        });
        return r.status;
      },
      { id: groupId, belUser: world.users.belChair!.id },
    );
    expect(claim).toBe(404);
    const members = await ald.page.evaluate(
      async (id) => (await (await fetch(`/api/mls/groups/${id}`)).json()).members as { userId: string }[],
      groupId,
    );
    expect(members.every((m) => m.userId === world.users.aldChair!.id)).toBe(true);
  });

  it('a re-request linked to a back-channel message shows the link to chairs only', async () => {
    await openBackChannel(ald.page);
    await ready(ald.page);
    const linkedId = await ald.page.locator('.thread__msg', { hasText: typed[1]! }).getAttribute('data-message-id');
    const meetingId = await ald.page.evaluate(
      async ({ groupId, sideId }) => {
        const post = async (url: string, body: unknown) =>
          (
            await fetch(url, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
            })
          ).json();
        const start = new Date(Date.now() + 7 * 86_400_000);
        const m = await post(`/api/groups/${groupId}/meetings`, {
          title: 'Round on the corridor proposal',
          format: 'in_person',
          location: 'Geneva',
          start: start.toISOString(),
          end: new Date(start.getTime() + 7_200_000).toISOString(),
          timeZone: 'Europe/Zurich',
          marking: 'shared',
        });
        await post(`/api/meetings/${m.id}/cancel`, { reason: 'Positions too far apart', bySideId: sideId });
        return m.id as string;
      },
      { groupId: world.groupId, sideId: world.sides.ALD!.id },
    );
    await ald.page.goto(`/meetings/${meetingId}`);
    await ald.page.getByRole('button', { name: 'Re-request' }).click();
    await ald.page.getByLabel('Link a back-channel message').selectOption(linkedId!);
    await ald.page.getByRole('button', { name: 'Re-request the meeting' }).click();
    for (const p of [ald.page, bel.page]) {
      if (p !== ald.page) await p.goto(`/meetings/${meetingId}`);
      const link = p.getByTestId('linked-backchannel');
      await link.getByText('Linked back-channel message').waitFor();
      await link.getByRole('button', { name: 'Open' }).click();
      expect(await p.getByTestId('linked-backchannel-text').textContent()).toContain(typed[1]!);
    }
    const expert = await seat(browser, server.url, world.users.belExpert!.email, 'bel-expert');
    try {
      await expert.page.goto(`/meetings/${meetingId}`);
      await expert.page.getByText('through the back channel').first().waitFor();
      expect(await expert.page.getByTestId('linked-backchannel').count()).toBe(0);
    } finally {
      await expert.context.close();
    }
  });

  it('the proof: no typed text and no key from the pages is anywhere in the database', async () => {
    expect(typed.length).toBeGreaterThanOrEqual(5);
    const secrets = [...typed.map((t, i) => ({ name: `typed text ${i + 1}`, bytes: Buffer.from(t) })), ...keys];
    const instance = await exportInstance(server.ctx.db);
    const stored = (instance.tables.mls_messages ?? []).filter((m) => m.kind === 'application');
    expect(stored.length).toBeGreaterThanOrEqual(typed.length);
    const exported = JSON.stringify(instance);
    expect(exported).toContain('backchannel:');
    expectAbsent('exportInstance', secrets, { text: exported, bytes: [] });
    await browser.close();
    await server.stop();
    const dump = await rawTableDump(server.dataDir);
    expect(dump.bytes.length).toBeGreaterThan(0);
    expectAbsent('select * from every table', secrets, {
      text: dump.text,
      bytes: dump.bytes.map((b) => Buffer.from(b)),
    });
    expectAbsent('raw data directory', secrets, { text: '', bytes: rawFiles(server.dataDir) });
  });
});
