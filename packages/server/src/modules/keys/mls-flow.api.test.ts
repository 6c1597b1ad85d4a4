import type { AddressInfo } from 'node:net';
import { safetyCode } from '@parley/e2ee';
import { type DeviceLog, mlsContext, verifyDeviceChain } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema.js';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, sessionCookieFor, type World } from '../../test-support/world.js';
import { mlsRuntimeOf } from './runtime.js';
import { MlsDevice, TestSocket } from './test-support/mls-client.js';

/**
 * Five delegates keep one MLS group through the real server: real ts-mls sessions (via @parley/e2ee), real
 * HTTP routes over PGlite, and real WebSockets for chairA (the first nominee) and memberB (Welcome by socket).
 */
let t: TestApp;
let w: World;
let wsUrl: string;
let mlsGroupId: string;
const d = {} as Record<'chairA' | 'memberA' | 'observerA' | 'chairB' | 'memberB', MlsDevice>;
const sockets: TestSocket[] = [];
let wsChairA: TestSocket;
let wsMemberB: TestSocket;
let lastCiphertext = '';

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
  mlsRuntimeOf(t.ctx).nominator.timeoutMs = 300;
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  wsUrl = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/ws`;
  for (const p of ['chairA', 'memberA', 'observerA', 'chairB', 'memberB'] as const) {
    d[p] = await MlsDevice.register(p, await w.client(p), w.users[p].id);
    await d[p].uploadKeyPackages(2);
  }
  wsChairA = await TestSocket.open(wsUrl, await sessionCookieFor(t.ctx, w.users.chairA.id));
  wsMemberB = await TestSocket.open(wsUrl, await sessionCookieFor(t.ctx, w.users.memberB.id));
  sockets.push(wsChairA, wsMemberB);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t.close();
});

const current = () => Object.values(d).filter((x) => x.session?.active);
async function syncAll(except: MlsDevice[] = []) {
  for (const x of current()) if (!except.includes(x)) await x.sync(mlsGroupId);
}
function expectSameEpoch() {
  const [first, ...rest] = current();
  for (const x of rest) {
    expect(x.s.epoch).toBe(first!.s.epoch);
    expect(x.s.epochAuthenticator()).toEqual(first!.s.epochAuthenticator());
    expect(safetyCode(x.s.epochAuthenticator())).toBe(safetyCode(first!.s.epochAuthenticator()));
  }
}
async function serverView() {
  return (await d.chairA.http.get(`/api/mls/groups/${mlsGroupId}`)).json();
}

/** A present member claims the joiner's key package, commits the Add with its Welcome; the joiner joins. */
async function add(joiner: MlsDevice, by: MlsDevice, welcomeOverSocket?: TestSocket) {
  const claim = await by.http.post(`/api/mls/groups/${mlsGroupId}/key-packages/claim`, {
    deviceId: by.deviceId,
    userId: joiner.userId,
  });
  expect(claim.statusCode).toBe(200);
  const [kp] = claim.json().keyPackages;
  expect(kp).toMatchObject({ deviceId: joiner.deviceId, lastResort: false });
  const pending = await by.s.prepareAdd([new Uint8Array(Buffer.from(kp.keyPackage, 'base64'))]);
  expect((await by.postCommit(mlsGroupId, pending, { welcomeTo: [joiner] })).status).toBe(201);
  await syncAll([by]);
  if (welcomeOverSocket) {
    const { data } = await welcomeOverSocket.nextEvent('mls.welcome');
    expect(data.deviceId).toBe(joiner.deviceId);
    if (data.welcome === undefined) throw new Error('a small Welcome rides in its event');
    await joiner.joinFromWelcome(mlsGroupId, { welcome: data.welcome, seq: data.seq });
  } else {
    await joiner.joinFromWelcome(mlsGroupId);
  }
  await syncAll([joiner]);
}

describe('MLS Delivery Service with five members', () => {
  it('lets every member verify the others’ device keys in the hash-chained log', async () => {
    const ids = Object.values(d).map((x) => x.userId);
    const res = await d.memberB.http.get(`/api/devices/log?userIds=${ids.join(',')}`);
    expect(res.statusCode).toBe(200);
    const log = res.json() as DeviceLog;
    expect(log.chains).toHaveLength(5);
    for (const chain of log.chains) {
      const verified = await verifyDeviceChain(chain.userId, chain.entries);
      expect(verified.ok).toBe(true);
      const dev = Object.values(d).find((x) => x.userId === chain.userId)!;
      if (verified.ok)
        expect(verified.active.get(dev.deviceId)).toBe(Buffer.from(dev.identity.signaturePublicKey).toString('base64'));
    }
  });

  it('joins four members: claim → Add commit + Welcome → joiner processes the Welcome and commits a path update', async () => {
    mlsGroupId = await d.chairA.createGroup(mlsContext({ kind: 'group', groupId: w.group.id }));
    await wsChairA.subscribe(`mls:${mlsGroupId}`);
    await wsMemberB.subscribe(`user:${w.users.memberB.id}`);
    await add(d.memberA, d.chairA);
    expectSameEpoch();
    await add(d.observerA, d.memberA);
    await add(d.chairB, d.chairA);
    await add(d.memberB, d.chairB, wsMemberB);
    await wsMemberB.subscribe(`mls:${mlsGroupId}`);
    expectSameEpoch();
    // 4 × (Add + path update) from epoch 0
    expect(d.chairA.s.epoch).toBe(8n);
    const view = await serverView();
    expect(view.epoch).toBe(8);
    const leaves = (m: { deviceId: string; leafIndex: number }[]) =>
      m.map((x) => `${x.leafIndex}:${x.deviceId}`).sort();
    expect(leaves(view.members)).toEqual(leaves(d.chairA.s.members()));
  });

  it('fans application messages out as ciphertext, over HTTP and the WebSocket', async () => {
    const sent = await d.memberA.send(mlsGroupId, 'agenda point 3 is agreed');
    expect(sent.status).toBe(201);
    const ev = await wsMemberB.nextEvent('mls.message', (e) => e.data.kind === 'application');
    expect(ev.data.message).toBe(sent.ciphertext);
    expect(JSON.stringify(ev)).not.toContain('agenda point');
    const incoming = await d.memberB.s.processMessage(new Uint8Array(Buffer.from(sent.ciphertext, 'base64')));
    expect(incoming.kind === 'application' && new TextDecoder().decode(incoming.data)).toBe('agenda point 3 is agreed');
    d.memberB.cursor = ev.data.seq;
    await syncAll([d.memberB]);
    expect(d.chairB.received).toContain('agenda point 3 is agreed');
  });

  it('accepts exactly one of two commits for the same epoch; the loser processes the winner and retries', async () => {
    const epoch = d.chairA.s.epoch;
    const a = await d.chairA.s.prepareSelfUpdate();
    const b = await d.chairB.s.prepareSelfUpdate();
    const [ra, rb] = await Promise.all([d.chairA.postCommit(mlsGroupId, a), d.chairB.postCommit(mlsGroupId, b)]);
    expect([ra.status, rb.status].sort()).toEqual([201, 409]);
    const [, loser] = ra.status === 201 ? [d.chairA, d.chairB] : [d.chairB, d.chairA];
    const conflict = ra.status === 409 ? ra : rb;
    expect(conflict.body.currentState).toMatchObject({ epoch: Number(epoch) + 1 });
    await loser.sync(mlsGroupId);
    expect(loser.s.epoch).toBe(epoch + 1n);
    expect((await loser.postCommit(mlsGroupId, await loser.s.prepareSelfUpdate())).status).toBe(201);
    await syncAll([loser]);
    expectSameEpoch();
    expect(d.chairA.s.epoch).toBe(epoch + 2n);
  });

  it('on leave, nominates a remaining member (by WebSocket) to commit the Remove', async () => {
    const res = await d.observerA.http.post(`/api/mls/groups/${mlsGroupId}/leave`, { deviceId: d.observerA.deviceId });
    expect(res.statusCode).toBe(200);
    expect(res.json().nominee.deviceId).toBe(d.chairA.deviceId);
    const { data: req } = await wsChairA.nextEvent('mls.commit-requested');
    expect(req.deviceId).toBe(d.chairA.deviceId);
    expect(req.remove).toEqual([{ deviceId: d.observerA.deviceId, leafIndex: d.observerA.s.ownLeafIndex }]);
    await d.chairA.sync(mlsGroupId);
    const pending = await d.chairA.s.prepareRemove(req.remove.map((r) => r.leafIndex));
    expect((await d.chairA.postCommit(mlsGroupId, pending, { removed: [d.observerA] })).status).toBe(201);
    const seen = await d.observerA.sync(mlsGroupId);
    expect(seen.at(-1)).toMatchObject({ kind: 'commit', removedSelf: true });
    await syncAll();
    expectSameEpoch();
    expect((await serverView()).nominee).toBeNull();
  });

  it('on removal by a chair, falls back to another member when the nominee does not commit', async () => {
    const res = await d.chairA.http.post(`/api/mls/groups/${mlsGroupId}/removals`, { userId: d.memberA.userId });
    expect(res.statusCode).toBe(200);
    const first = res.json().nominee.deviceId as string;
    // The first nominee stays silent; after the (shortened) timeout the server asks the next member.
    let view = await serverView();
    while (!view.nominee || view.nominee.deviceId === first) {
      await new Promise((r) => setTimeout(r, 50));
      view = await serverView();
    }
    const nominee = Object.values(d).find((x) => x.deviceId === view.nominee.deviceId)!;
    expect([d.chairB, d.memberB, d.chairA]).toContain(nominee);
    expect(nominee).not.toBe(d.memberA);
    await nominee.sync(mlsGroupId);
    const pending = await nominee.s.prepareRemove([d.memberA.s.ownLeafIndex]);
    expect((await nominee.postCommit(mlsGroupId, pending, { removed: [d.memberA] })).status).toBe(201);
    const seen = await d.memberA.sync(mlsGroupId);
    expect(seen.at(-1)).toMatchObject({ kind: 'commit', removedSelf: true });
    await syncAll();
    expectSameEpoch();
  });

  it('keeps a removed member out of the next epoch', async () => {
    const sent = await d.chairB.send(mlsGroupId, 'next steps for the track');
    expect(sent.status).toBe(201);
    lastCiphertext = sent.ciphertext;
    await syncAll([d.chairB]);
    expect(d.chairA.received).toContain('next steps for the track');
    // The server no longer hands it anything, and the ciphertext is useless to it anyway.
    const after = await d.memberA.http.get(
      `/api/mls/groups/${mlsGroupId}/messages?deviceId=${d.memberA.deviceId}&afterSeq=${d.memberA.cursor}`,
    );
    expect(after.json().messages).toEqual([]);
    await expect(d.memberA.s.processMessage(new Uint8Array(Buffer.from(sent.ciphertext, 'base64')))).rejects.toThrow();
    await expect(
      d.observerA.s.processMessage(new Uint8Array(Buffer.from(sent.ciphertext, 'base64'))),
    ).rejects.toThrow();
    const post = await d.memberA.http.post(`/api/mls/groups/${mlsGroupId}/messages`, {
      deviceId: d.memberA.deviceId,
      epoch: Number(d.chairA.s.epoch),
      message: 'AAAA',
    });
    expect(post.statusCode).toBe(404);
    expect(
      current()
        .map((x) => x.name)
        .sort(),
    ).toEqual(['chairA', 'chairB', 'memberB']);
    expectSameEpoch();
  });

  it('records every write in the audit chain with digests, never ciphertext', async () => {
    const rows = await t.ctx.db.select().from(auditLog).where(eq(auditLog.resourceType, 'mls-group'));
    const actions = rows.map((r) => r.action);
    expect(JSON.stringify(rows)).not.toContain(lastCiphertext.slice(0, 40));
    for (const a of [
      'mls-group.create',
      'key-packages.claim',
      'mls.commit',
      'mls.message',
      'mls.leave',
      'mls.remove-request',
      'mls.nominate',
    ])
      expect(actions).toContain(a);
  });
});
