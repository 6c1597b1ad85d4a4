import { mlsContext } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog } from '../packages/server/src/db/schema.js';
import { mlsMessages } from '../packages/server/src/modules/keys/schema.js';
import { launchChromium } from './support/browser.js';
import {
  type HarnessTab,
  mlsHarnessBundle,
  openHarnessTab,
  removeMlsHarnessBundle,
  reportTabs,
} from './support/e2ee-harness.js';
import { type E2eServer, startE2eServer } from './support/server.js';
import { PASSWORD, seedWorld, type World } from './support/world.js';

/**
 * The @parley/e2ee wrapper running in Chromium: the chairs of Aldoria (tab A) and Belmora (tab B), each in its own
 * browser context, key their back channel through the real Delivery Service; Aldoria's arms-control expert (tab C)
 * is not a chair and stays out. Only ciphertext crosses the server; SFrame keys come from the MLS exporter.
 */
describe('MLS in the browser: two chairs form a group through the server', () => {
  let server: E2eServer;
  let browser: Browser;
  let world: World;
  let a: HarnessTab;
  let b: HarnessTab;
  let c: HarnessTab;
  let context: string;
  let mlsGroupId: string;
  const plaintexts: string[] = [];
  const b64bytes = (s: string) => Buffer.from(s, 'base64');

  beforeAll(async () => {
    [server] = await Promise.all([startE2eServer(), mlsHarnessBundle()]);
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    const who = (key: string, name: string) => ({ name, email: world.users[key]!.email, password: PASSWORD });
    a = await openHarnessTab(browser, server.url, who('aldChair', 'chair-ALD'));
    b = await openHarnessTab(browser, server.url, who('belChair', 'chair-BEL'));
    c = await openHarnessTab(browser, server.url, who('aldExpert', 'expert-ALD'));
    context = mlsContext({
      kind: 'backchannel',
      groupId: world.groupId,
      sideIds: [world.sides.ALD!.id, world.sides.BEL!.id],
    });
  });
  beforeEach(({ onTestFailed }) => onTestFailed(() => reportTabs([a, b, c])));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    removeMlsHarnessBundle();
  });

  const serverView = async () => {
    const res = await a.call('api', 'GET', `/api/mls/groups/${mlsGroupId}`);
    expect(res.status).toBe(200);
    return res.body as { epoch: number; members: { deviceId: string; leafIndex: number }[] };
  };
  /**
   * Syncs a tab and leaves out the echoes of what it sent itself: its commits (applied on 201, so they come back
   * stale) and its application messages.
   */
  const sync = async (tab: HarnessTab) => {
    const events = await tab.call('sync');
    const own = events.filter((x) => x.kind === 'stale' || x.kind === 'own-application');
    for (const e of own) expect(e.senderDeviceId).toBe(tab.deviceId);
    return events.filter((x) => !own.includes(x));
  };
  const expectSameEpoch = async () => {
    const [sa, sb] = [await a.call('state'), await b.call('state')];
    expect(sb.epoch).toBe(sa.epoch);
    expect(sa.safetyCode).toMatch(/^\d{5}( \d{5}){5}$/);
    expect(sb.safetyCode).toBe(sa.safetyCode);
    expect((await serverView()).epoch).toBe(sa.epoch);
    return sa;
  };

  it('A creates the group, claims B’s key package and commits the Add; B joins from the Welcome', async () => {
    const created = await a.call('createGroup', context);
    expect(created.status).toBe(201);
    mlsGroupId = (created.body as { id: string }).id;

    const added = await a.call('add', b.userId);
    expect(added.claim.status).toBe(200);
    expect(added.commit).toMatchObject({ status: 201, epoch: 1 });
    const joined = await b.call('join');
    expect(joined.mlsGroupId).toBe(mlsGroupId);
    // The joiner's full-path update is the next commit.
    expect(joined.pathUpdate).toMatchObject({ status: 201, epoch: 2 });
    const seen = await sync(a);
    expect(seen).toEqual([expect.objectContaining({ kind: 'commit', epoch: 2, senderDeviceId: b.deviceId })]);

    const state = await expectSameEpoch();
    expect(state.epoch).toBe(2);
    const leaves = (m: { deviceId: string; leafIndex: number }[]) =>
      m.map((x) => `${x.leafIndex}:${x.deviceId}`).sort();
    expect(leaves(state.members)).toEqual([`0:${a.deviceId}`, `1:${b.deviceId}`]);
    expect(leaves((await serverView()).members)).toEqual(leaves(state.members));
    // Each side checked the other's leaf key against the hash-chained device-key log.
    expect(state.verifiedDevices).toContain(b.deviceId);
    expect((await b.call('state')).verifiedDevices).toContain(a.deviceId);
  });

  it('exchanges application messages both ways; the server stores and relays only ciphertext', async () => {
    const fromA = 'Aldoria can accept the draft text of paragraph 4 if the annex stays closed';
    const fromB = 'Belmora agrees; our minister signs off tonight';
    plaintexts.push(fromA, fromB);

    const sentA = await a.call('send', fromA);
    expect(sentA.status).toBe(201);
    expect(await sync(b)).toEqual([
      expect.objectContaining({ kind: 'application', text: fromA, senderDeviceId: a.deviceId, seq: sentA.seq }),
    ]);
    const sentB = await b.call('send', fromB);
    expect(sentB.status).toBe(201);
    const atA = await sync(a);
    expect(atA.filter((e) => e.kind === 'application')).toEqual([
      expect.objectContaining({ text: fromB, senderDeviceId: b.deviceId, seq: sentB.seq }),
    ]);

    // What the server hands out (API) and what it keeps (database) is the very ciphertext, never the text.
    // A has been a member since seq 0, so it is handed every stored message.
    const listed = await a.call('api', 'GET', `/api/mls/groups/${mlsGroupId}/messages?deviceId=${a.deviceId}`);
    expect(listed.status).toBe(200);
    const messages = (listed.body as { messages: { seq: number; message: string }[] }).messages;
    expect(messages.find((m) => m.seq === sentA.seq)?.message).toBe(sentA.ciphertext);
    const rows = await server.ctx.db.select().from(mlsMessages).where(eq(mlsMessages.mlsGroupId, mlsGroupId));
    expect(rows.length).toBe(messages.length);
    expect(Buffer.from(rows.find((r) => r.seq === sentB.seq)!.message).toString('base64')).toBe(sentB.ciphertext);
    const audit = JSON.stringify(await server.ctx.db.select().from(auditLog));
    for (const text of plaintexts) {
      for (const m of messages) expect(b64bytes(m.message).includes(Buffer.from(text))).toBe(false);
      for (const r of rows) expect(Buffer.from(r.message).includes(Buffer.from(text))).toBe(false);
      expect(audit).not.toContain(text);
    }
  });

  it('shows the same safety code at both tabs in an epoch, and a new one after each self-update', async () => {
    const before = await expectSameEpoch();
    const updateA = await a.call('selfUpdate');
    expect(updateA).toMatchObject({ status: 201, epoch: before.epoch + 1 });
    expect(await sync(b)).toEqual([expect.objectContaining({ kind: 'commit', epoch: before.epoch + 1 })]);
    const afterA = await expectSameEpoch();
    expect(afterA.safetyCode).not.toBe(before.safetyCode);

    const updateB = await b.call('selfUpdate');
    expect(updateB).toMatchObject({ status: 201, epoch: before.epoch + 2 });
    await sync(a);
    const afterB = await expectSameEpoch();
    expect(new Set([before.safetyCode, afterA.safetyCode, afterB.safetyCode]).size).toBe(3);
  });

  it('protects a frame in tab A with MLS-derived SFrame keys and unprotects it in tab B, and back', async () => {
    const keysA = await a.call('sframeContext', 'call');
    const keysB = await b.call('sframeContext', 'call');
    expect(keysB.epoch).toBe(keysA.epoch);
    expect(keysB.receiverKids).toEqual([keysA.senderKid]);
    expect(keysA.receiverKids).toEqual([keysB.senderKid]);

    const text = 'video frame 0001 from Aldoria';
    const frame = await a.call('protect', 'call', text);
    expect(b64bytes(frame).includes(Buffer.from(text))).toBe(false);
    const state = await a.call('state');
    expect(await b.call('unprotect', 'call', frame)).toEqual({
      ok: true,
      text,
      kid: keysA.senderKid,
      ctr: '0',
      senderLeaf: state.leaf,
      epoch: state.epoch,
    });
    // The same frame again is a replay.
    expect(await b.call('unprotect', 'call', frame)).toMatchObject({ ok: false, code: 'replay' });
    const reply = await b.call('protect', 'call', 'audio frame from Belmora');
    expect(await a.call('unprotect', 'call', reply)).toMatchObject({ ok: true, text: 'audio frame from Belmora' });
    // A flipped bit does not authenticate, and the refused forgery does not spend the genuine frame's counter.
    const next = await a.call('protect', 'call', 'video frame 0002 from Aldoria');
    const forged = b64bytes(next);
    forged[forged.length - 1]! ^= 1;
    expect(await b.call('unprotect', 'call', forged.toString('base64'))).toMatchObject({
      ok: false,
      code: 'authentication_failed',
    });
    expect(await b.call('unprotect', 'call', next)).toMatchObject({ ok: true, ctr: '1' });
  });

  it('refuses an outsider (a delegate who is not a chair) at every step of claiming and joining', async () => {
    const epoch = (await serverView()).epoch;
    const q = encodeURIComponent(context);
    expect((await c.call('api', 'GET', `/api/mls/groups?context=${q}`)).status).toBe(404);
    expect((await c.call('api', 'POST', '/api/mls/groups', { context, deviceId: c.deviceId })).status).toBe(404);
    expect((await c.call('api', 'GET', `/api/mls/groups/${mlsGroupId}`)).status).toBe(404);
    const claimByC = await c.call('api', 'POST', `/api/mls/groups/${mlsGroupId}/key-packages/claim`, {
      deviceId: c.deviceId,
      userId: b.userId,
    });
    expect(claimByC.status).toBe(404);
    const readByC = `/api/mls/groups/${mlsGroupId}/messages?deviceId=${c.deviceId}`;
    expect((await c.call('api', 'GET', readByC)).status).toBe(404);
    const postByC = { deviceId: c.deviceId, epoch, message: 'AAAA' };
    expect((await c.call('api', 'POST', `/api/mls/groups/${mlsGroupId}/messages`, postByC)).status).toBe(404);

    // A member cannot pull the outsider in either: no key package is handed out ...
    const claimOfC = await a.call('claim', c.userId);
    expect(claimOfC.status).toBe(404);
    // ... and an Add built from one passed along outside the server is refused, leaving A's state untouched.
    const kp = await c.call('unlistedKeyPackage');
    const add = await a.call('addKeyPackage', c.deviceId, kp);
    expect(add.status).toBe(404);
    expect(add.epoch).toBe(epoch);
    expect((await serverView()).epoch).toBe(epoch);
    const welcomes = await c.call('api', 'GET', `/api/mls/welcomes?deviceId=${c.deviceId}`);
    expect(welcomes).toEqual({ status: 200, body: { welcomes: [] } });
    await expect(c.call('join')).rejects.toThrow(/no Welcome/);

    // The group goes on as before.
    const sent = await a.call('send', 'still just the two of us');
    expect(sent.status).toBe(201);
    expect(await sync(b)).toEqual([expect.objectContaining({ text: 'still just the two of us' })]);
    await expectSameEpoch();
  });

  it('after A removes B, a frame A protects in the new epoch does not unprotect in B’s old context', async () => {
    await a.call('sframeContext', 'old');
    const old = await b.call('sframeContext', 'old');
    const stillGood = await a.call('protect', 'old', 'last frame before the removal');
    expect(await b.call('unprotect', 'old', stillGood)).toMatchObject({ ok: true, epoch: old.epoch });

    const removal = await a.call('remove', b.deviceId);
    expect(removal).toMatchObject({ status: 201, epoch: old.epoch + 1 });
    const seen = await sync(b);
    expect(seen.at(-1)).toMatchObject({ kind: 'commit', removedSelf: true });
    expect(await b.call('state')).toMatchObject({ active: false, safetyCode: '' });
    expect((await serverView()).members.map((m) => m.deviceId)).toEqual([a.deviceId]);

    const fresh = await a.call('sframeContext', 'new');
    expect(fresh.epoch).toBe(old.epoch + 1);
    expect(fresh.receiverKids).toEqual([]);
    const frame = await a.call('protect', 'new', 'first frame without Belmora');
    expect(await b.call('unprotect', 'old', frame)).toMatchObject({ ok: false, code: 'unknown_key' });
    // Knowing the new KID does not help: the old epoch's base key does not authenticate the new epoch's frames.
    expect(await b.call('unprotectWithLastBaseKey', frame)).toMatchObject({ ok: false, code: 'authentication_failed' });

    // The server keeps B out of the new epoch too.
    const after = await b.call('api', 'POST', `/api/mls/groups/${mlsGroupId}/messages`, {
      deviceId: b.deviceId,
      epoch: old.epoch + 1,
      message: 'AAAA',
    });
    expect(after.status).toBe(404);
    const sent = await a.call('send', 'minutes for the record');
    expect(sent.status).toBe(201);
    const readByB = await b.call('api', 'GET', `/api/mls/groups/${mlsGroupId}/messages?deviceId=${b.deviceId}`);
    const seqs = (readByB.body as { messages?: { seq: number }[] }).messages?.map((m) => m.seq) ?? [];
    expect(seqs).not.toContain(sent.seq);
  });
});
