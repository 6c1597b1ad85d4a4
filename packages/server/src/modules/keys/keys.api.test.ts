import { randomBytes } from 'node:crypto';
import { type DeviceLog, mlsContext, verifyDeviceChain } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestClient } from '../../test-support/app.js';
import { buildWorld, type World } from '../../test-support/world.js';
import { addMembership, createGroup, createSide } from '../groups/service.js';
import { freshMeeting } from '../meetings/test-support/fixtures.js';
import { deviceInput } from './test-support/fixtures.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

async function device(c: TestClient, userId: string, packages: string[] = [], lastResort?: string) {
  const input = deviceInput(userId);
  expect((await c.post('/api/devices', input)).statusCode).toBe(201);
  if (packages.length || lastResort)
    expect(
      (await c.post(`/api/devices/${input.deviceId}/key-packages`, { keyPackages: packages, lastResort })).statusCode,
    ).toBe(201);
  return input;
}
const log = async (c: TestClient, ...userIds: string[]) =>
  (await c.get(`/api/devices/log?userIds=${userIds.join(',')}`)).json() as DeviceLog;

describe('device keys and the device-key log', () => {
  it('chains add and revoke entries that a client can verify, and refuses a changed key for a device', async () => {
    const a = await w.client('memberA');
    const me = w.users.memberA.id;
    const one = await device(a, me);
    const two = await device(a, me);
    expect((await a.post('/api/devices', one)).statusCode).toBe(200);
    const changed = { ...one, signaturePublicKey: randomBytes(32).toString('base64') };
    expect((await a.post('/api/devices', changed)).statusCode).toBe(409);
    const other = await w.client('memberB');
    expect(
      (
        await other.post('/api/devices', {
          ...one,
          credential: deviceInput(w.users.memberB.id, one.deviceId).credential,
        })
      ).statusCode,
    ).toBe(409);
    expect((await a.post('/api/devices/' + one.deviceId + '/revoke')).statusCode).toBe(200);
    expect((await a.post('/api/devices/' + one.deviceId + '/revoke')).statusCode).toBe(404);
    const [chain] = (await log(await w.client('chairB'), me)).chains;
    expect(chain!.entries.map((e) => `${e.action}:${e.deviceId}`)).toEqual([
      `add:${one.deviceId}`,
      `add:${two.deviceId}`,
      `revoke:${one.deviceId}`,
    ]);
    const ok = await verifyDeviceChain(me, chain!.entries);
    expect(ok.ok && [...ok.active.keys()]).toEqual([two.deviceId]);
    // Any rewrite of history shows.
    const forged = chain!.entries.map((e, i) =>
      i === 1 ? { ...e, signaturePublicKey: changed.signaturePublicKey } : e,
    );
    expect((await verifyDeviceChain(me, forged)).ok).toBe(false);
    expect((await verifyDeviceChain(me, chain!.entries.slice(1))).ok).toBe(false);
  });

  it('only registers credentials that name the signed-in user and the device', async () => {
    const a = await w.client('chairA');
    const forOther = deviceInput(w.users.chairB.id);
    expect((await a.post('/api/devices', forOther)).statusCode).toBe(400);
    expect(
      (await a.post('/api/devices', { ...deviceInput(w.users.chairA.id), signaturePublicKey: 'AAAA' })).statusCode,
    ).toBe(400);
  });

  it('never shows side B the device keys of side A’s side-only delegate', async () => {
    const res = await (await w.client('memberB')).get(
      `/api/devices/log?userIds=${w.hiddenMemberA.id},${w.users.chairA.id}`,
    );
    expect(res.json().chains.map((c: { userId: string }) => c.userId)).toEqual([w.users.chairA.id]);
    expect(res.body).not.toContain(w.hiddenMemberA.id);
    const sideA = await log(await w.client('memberA'), w.hiddenMemberA.id);
    expect(sideA.chains.map((c) => c.userId)).toEqual([w.hiddenMemberA.id]);
    expect((await log(await w.client('outsider'), w.users.chairA.id)).chains).toEqual([]);
  });
});

describe('key packages', () => {
  it('hands out each one-time package once, then the last-resort one without consuming it', async () => {
    const b = await w.client('memberB');
    const dev = await device(b, w.users.memberB.id, ['AAEC', 'AwQF'], 'BgcI');
    const a = await w.client('chairA');
    const mine = await device(a, w.users.chairA.id);
    const g = (
      await a.post('/api/mls/groups', {
        context: mlsContext({ kind: 'group', groupId: w.group.id }),
        deviceId: mine.deviceId,
      })
    ).json();
    const claim = async () =>
      (
        await a.post(`/api/mls/groups/${g.id}/key-packages/claim`, {
          deviceId: mine.deviceId,
          userId: w.users.memberB.id,
        })
      ).json().keyPackages as { deviceId: string; keyPackage: string; lastResort: boolean }[];
    const got = [...(await claim()), ...(await claim()), ...(await claim()), ...(await claim())].filter(
      (k) => k.deviceId === dev.deviceId,
    );
    expect(got.map((k) => `${k.keyPackage}:${k.lastResort}`)).toEqual([
      'AAEC:false',
      'AwQF:false',
      'BgcI:true',
      'BgcI:true',
    ]);
    const devices = (await b.get('/api/devices')).json().devices;
    expect(devices.find((x: { deviceId: string }) => x.deviceId === dev.deviceId)).toMatchObject({
      keyPackages: 0,
      hasLastResort: true,
    });
  });

  it('claims only for the devices named, leaving the other devices their one-time packages', async () => {
    const b = await w.client('memberB');
    const inCall = await device(b, w.users.memberB.id, ['AAEC'], 'BgcI');
    const other = await device(b, w.users.memberB.id, ['AwQF'], 'CQoL');
    const a = await w.client('chairA');
    // The group's own group, keyed by chairA's device: it is the one a member claims packages for.
    const context = mlsContext({ kind: 'group', groupId: w.group.id });
    const g = (await a.get(`/api/mls/groups?context=${context}`)).json();
    const member = g.members[0].deviceId as string;
    const claimed = await a.post(`/api/mls/groups/${g.id}/key-packages/claim`, {
      deviceId: member,
      userId: w.users.memberB.id,
      devices: [inCall.deviceId],
    });
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(claimed.json().keyPackages.map((k: { deviceId: string }) => k.deviceId)).toEqual([inCall.deviceId]);
    const left = (await b.get('/api/devices')).json().devices as { deviceId: string; keyPackages: number }[];
    expect(left.find((x) => x.deviceId === other.deviceId)?.keyPackages).toBe(1);
    expect(left.find((x) => x.deviceId === inCall.deviceId)?.keyPackages).toBe(0);
    const bad = await a.post(`/api/mls/groups/${g.id}/key-packages/claim`, {
      deviceId: member,
      userId: w.users.memberB.id,
      devices: [],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('devices');
  });

  it('refuses uploads to someone else’s or a revoked device', async () => {
    const a = await w.client('memberA');
    const dev = await device(a, w.users.memberA.id);
    const b = await w.client('memberB');
    expect((await b.post(`/api/devices/${dev.deviceId}/key-packages`, { keyPackages: ['AAEC'] })).statusCode).toBe(404);
    await a.post(`/api/devices/${dev.deviceId}/revoke`);
    expect((await a.post(`/api/devices/${dev.deviceId}/key-packages`, { keyPackages: ['AAEC'] })).statusCode).toBe(404);
  });
});

describe('MLS group policy', () => {
  it('keeps outsiders from claiming key packages or posting into a group’s MLS group', async () => {
    const a = await w.client('chairA');
    const g = (await a.get(`/api/mls/groups?context=group:${w.group.id}`)).json();
    const o = await w.client('outsider');
    const od = await device(o, w.users.outsider.id);
    const base = `/api/mls/groups/${g.id}`;
    expect(
      (await o.post(`${base}/key-packages/claim`, { deviceId: od.deviceId, userId: w.users.chairA.id })).statusCode,
    ).toBe(404);
    expect((await o.post(`${base}/messages`, { deviceId: od.deviceId, epoch: 0, message: 'AAAA' })).statusCode).toBe(
      404,
    );
    expect((await o.post(`${base}/commits`, { deviceId: od.deviceId, epoch: 0, commit: 'AAAA' })).statusCode).toBe(404);
    expect((await o.get(`${base}/messages?deviceId=${od.deviceId}`)).statusCode).toBe(404);
    // A member cannot add the outsider either, nor claim the outsider's packages.
    const mine = g.members[0].deviceId as string;
    const added = await a.post(`${base}/commits`, {
      deviceId: mine,
      epoch: g.epoch,
      commit: 'AAAA',
      addedDevices: [{ deviceId: od.deviceId, leafIndex: 1 }],
    });
    expect(added.statusCode).toBe(404);
    expect(
      (await a.post(`${base}/key-packages/claim`, { deviceId: mine, userId: w.users.outsider.id })).statusCode,
    ).toBe(404);
  });

  it('keeps side B out of side A’s caucus', async () => {
    const a = await w.client('memberA');
    const ad = await device(a, w.users.memberA.id);
    const context = mlsContext({ kind: 'caucus', groupId: w.group.id, sideId: w.sideA });
    const created = await a.post('/api/mls/groups', { context, deviceId: ad.deviceId });
    expect(created.statusCode).toBe(201);
    const g = created.json();
    const b = await w.client('chairB');
    const bd = await device(b, w.users.chairB.id, ['AAEC']);
    expect((await b.get(`/api/mls/groups?context=${context}`)).statusCode).toBe(404);
    expect((await b.get(`/api/mls/groups/${g.id}`)).statusCode).toBe(404);
    expect((await b.post('/api/mls/groups', { context, deviceId: bd.deviceId })).statusCode).toBe(404);
    expect((await b.post(`/api/mls/groups/${g.id}/leave`, { deviceId: bd.deviceId })).statusCode).toBe(404);
    // Side A cannot bring side B in: neither their key packages nor a declared Add are accepted.
    const base = `/api/mls/groups/${g.id}`;
    expect(
      (await a.post(`${base}/key-packages/claim`, { deviceId: ad.deviceId, userId: w.users.chairB.id })).statusCode,
    ).toBe(404);
    const commit = await a.post(`${base}/commits`, {
      deviceId: ad.deviceId,
      epoch: 0,
      commit: 'AAAA',
      addedDevices: [{ deviceId: bd.deviceId, leafIndex: 1 }],
      welcomes: [{ deviceId: bd.deviceId, welcome: 'AAAA' }],
    });
    expect(commit.statusCode).toBe(404);
    expect((await b.get(`/api/mls/welcomes?deviceId=${bd.deviceId}`)).json().welcomes).toEqual([]);
    // And the caucus does not show in side B's view of the group's audit trail.
    const audit = await b.get(`/api/groups/${w.group.id}/audit?limit=200`);
    expect(audit.body).not.toContain(g.id);
  });

  it('keys a context afresh once everyone has left its group, and not before', async () => {
    // A group of its own, so that no other test's MLS group holds the context.
    const g = await createGroup(t.ctx, null, { name: 'Rekeyed', description: '', kind: 'group', parentGroupId: null });
    const facts = { id: g.id, kind: 'group' as const, parentGroupId: null };
    const side = await createSide(t.ctx, null, facts, { name: 'A', shortCode: 'AAA', colour: '#123456' });
    await addMembership(t.ctx, null, facts, {
      userId: w.users.chairA.id,
      sideId: side.id,
      role: 'chair',
      agencyId: null,
      title: '',
      marking: 'shared',
    });
    const a = await w.client('chairA');
    const ad = await device(a, w.users.chairA.id);
    const first = await a.post('/api/mls/groups', {
      context: mlsContext({ kind: 'group', groupId: g.id }),
      deviceId: ad.deviceId,
    });
    expect(first.statusCode).toBe(201);
    const again = await a.post('/api/mls/groups', {
      context: mlsContext({ kind: 'group', groupId: g.id }),
      deviceId: ad.deviceId,
    });
    expect(again.statusCode).toBe(409);
    expect(
      (await a.post(`/api/mls/groups/${first.json().id}/leave`, { deviceId: ad.deviceId })).statusCode,
    ).toBeLessThan(300);
    const fresh = await a.post('/api/mls/groups', {
      context: mlsContext({ kind: 'group', groupId: g.id }),
      deviceId: ad.deviceId,
    });
    expect(fresh.statusCode, fresh.body).toBe(201);
    expect(fresh.json().id).not.toBe(first.json().id);
  });

  it('admits only the two chairs to their back channel', async () => {
    const ids = [w.sideA, w.sideB].sort();
    // Written by hand, sides the wrong way round: the server keeps the one canonical form of the conversation.
    const context = `backchannel:${w.group.id}:${ids[1]}:${ids[0]}`;
    const a = await w.client('chairA');
    const ad = await device(a, w.users.chairA.id);
    const g = await a.post('/api/mls/groups', { context, deviceId: ad.deviceId });
    expect(g.statusCode).toBe(201);
    expect(g.json().context).toBe(`backchannel:${w.group.id}:${ids[0]}:${ids[1]}`);
    expect((await (await w.client('chairB')).get(`/api/mls/groups/${g.json().id}`)).statusCode).toBe(200);
    expect((await (await w.client('memberB')).get(`/api/mls/groups/${g.json().id}`)).statusCode).toBe(404);
    expect((await (await w.client('memberA')).get(`/api/mls/groups/${g.json().id}`)).statusCode).toBe(404);
  });

  it('delivers a Welcome only to its recipient device', async () => {
    const a = await w.client('chairA');
    const context = mlsContext({ kind: 'caucus', groupId: w.group.id, sideId: w.sideB });
    const b = await w.client('chairB');
    const bd = await device(b, w.users.chairB.id);
    const g = (await b.post('/api/mls/groups', { context, deviceId: bd.deviceId })).json();
    const m = await w.client('memberB');
    const md = await device(m, w.users.memberB.id);
    const other = await device(m, w.users.memberB.id);
    const res = await b.post(`/api/mls/groups/${g.id}/commits`, {
      deviceId: bd.deviceId,
      epoch: 0,
      commit: 'AAAA',
      addedDevices: [{ deviceId: md.deviceId, leafIndex: 1 }],
      welcomes: [{ deviceId: md.deviceId, welcome: 'V2VsY29tZQ==' }],
    });
    expect(res.statusCode).toBe(201);
    expect((await m.get(`/api/mls/welcomes?deviceId=${md.deviceId}`)).json().welcomes).toMatchObject([
      { mlsGroupId: g.id, welcome: 'V2VsY29tZQ==', seq: 1, epoch: 1 },
    ]);
    expect((await m.get(`/api/mls/welcomes?deviceId=${other.deviceId}`)).json().welcomes).toEqual([]);
    expect((await a.get(`/api/mls/welcomes?deviceId=${md.deviceId}`)).statusCode).toBe(404);
  });

  it('admits the meeting’s delegates, not the operator or outsiders, to a call’s group', async () => {
    const meeting = await freshMeeting(w, 'planned', { format: 'video' });
    const context = mlsContext({ kind: 'call', meetingId: meeting.id });
    const b = await w.client('memberB');
    const g = await b.post('/api/mls/groups', { context, deviceId: (await device(b, w.users.memberB.id)).deviceId });
    expect(g.statusCode).toBe(201);
    for (const p of ['chairA', 'observerA'] as const)
      expect((await (await w.client(p)).get(`/api/mls/groups?context=${context}`)).statusCode).toBe(200);
    for (const p of ['admin', 'outsider'] as const)
      expect((await (await w.client(p)).get(`/api/mls/groups/${g.json().id}`)).statusCode).toBe(404);
  });
});
