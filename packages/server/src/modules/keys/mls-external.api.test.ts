import { type MlsGroupOwner, MlsSession } from '@parley/e2ee';
import { mlsContext } from '@parley/protocol';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubEvents } from '../../ops/hub-events.js';
import { createTestApp, type TestApp, TestClient } from '../../test-support/app.js';
import { buildWorld, sessionCookieFor, type World } from '../../test-support/world.js';
import { createUser } from '../auth/users.js';
import { memberships } from '../groups/schema.js';
import { addMembership, removeMembership } from '../groups/service.js';
import { mlsGroupInfos, mlsGroups, mlsMembers, mlsMessages } from './schema.js';
import { freshGroup, unique } from './test-support/fixtures.js';
import { MlsDevice } from './test-support/mls-client.js';

/**
 * External joins (RFC 9420 §12.4.3.2) at the Delivery Service: a member publishes the GroupInfo of every epoch; a
 * device the policy allows commits itself in with nobody else online; everyone else's external commit is refused
 * with a 4xx naming why, and nothing stored changes.
 */
let t: TestApp;
let w: World;
let g: Awaited<ReturnType<typeof freshGroup>>;
let mlsGroupId: string;
let a: MlsDevice;
let context: string;

const client = async (userId: string) => {
  const c = new TestClient(t.app);
  c.cookie = await sessionCookieFor(t.ctx, userId);
  return c;
};

/** Everything an external commit could change, to compare before and after a refusal. */
async function stored() {
  const [group] = await t.ctx.db.select().from(mlsGroups).where(eq(mlsGroups.id, mlsGroupId));
  const [members] = await t.ctx.db.select({ n: count() }).from(mlsMembers).where(eq(mlsMembers.mlsGroupId, mlsGroupId));
  const [messages] = await t.ctx.db
    .select({ n: count() })
    .from(mlsMessages)
    .where(eq(mlsMessages.mlsGroupId, mlsGroupId));
  return { epoch: group!.epoch, lastSeq: group!.lastSeq, members: members!.n, messages: messages!.n };
}

async function newChairB(): Promise<{ userId: string; membershipId: string }> {
  const u = await createUser(t.ctx, null, {
    email: `chair${unique()}@test.parley`,
    displayName: 'Second chair B',
    password: null,
    isAdmin: false,
  });
  await addMembership(
    t.ctx,
    w.users.admin.id,
    { id: g.groupId, kind: 'group', parentGroupId: null },
    { userId: u.id, sideId: g.sideB, role: 'chair', agencyId: null, title: '', marking: 'shared' },
  );
  const [m] = await t.ctx.db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.userId, u.id), eq(memberships.groupId, g.groupId)));
  return { userId: u.id, membershipId: m!.id };
}

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
  g = await freshGroup(w);
  context = mlsContext({ kind: 'backchannel', groupId: g.groupId, sideIds: [g.sideA, g.sideB] });
  a = await MlsDevice.register('chairA', await client(w.users.chairA.id), w.users.chairA.id);
  mlsGroupId = await a.createGroup(context);
});
afterAll(() => t.close());

describe('external join of a back channel', () => {
  it('a member publishes the GroupInfo of the current epoch, and only of that epoch', async () => {
    expect((await a.publishGroupInfo(mlsGroupId)).status).toBe(200);
    const view = await a.http.get(`/api/mls/groups/${mlsGroupId}`);
    expect(view.json().groupInfoEpoch).toBe(0);
    const wrongEpoch = await a.http.post(`/api/mls/groups/${mlsGroupId}/group-info`, {
      deviceId: a.deviceId,
      epoch: 1,
      groupInfo: Buffer.from(await a.s.groupInfo()).toString('base64'),
    });
    expect(wrongEpoch.statusCode).toBe(400);
    expect(wrongEpoch.body).toContain('another epoch');
  });

  it('refuses the other side’s delegate: the policy keeps them out of the back channel', async () => {
    const before = await stored();
    const delegate = await MlsDevice.register('memberB', await client(w.users.memberB.id), w.users.memberB.id);
    // The GroupInfo is not theirs to fetch either; they build the commit from one a chair handed them.
    expect((await delegate.http.get(`/api/mls/groups/${mlsGroupId}/group-info`)).statusCode).toBe(404);
    const gi = await a.http.get(`/api/mls/groups/${mlsGroupId}/group-info`);
    const attempt = await MlsSession.joinExternal({
      identity: delegate.identity,
      groupInfo: new Uint8Array(Buffer.from(gi.json().groupInfo, 'base64')),
    });
    const res = await delegate.postExternalCommit(mlsGroupId, attempt);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).toContain('MLS group not found');
    expect(await stored()).toEqual(before);
  });

  it('refuses a chair whose membership was removed', async () => {
    const chair = await newChairB();
    const device = await MlsDevice.register('removed chair', await client(chair.userId), chair.userId);
    const attempt = await device.prepareExternalJoin(mlsGroupId);
    await removeMembership(
      t.ctx,
      w.users.admin.id,
      { id: g.groupId, kind: 'group', parentGroupId: null },
      chair.membershipId,
    );
    const before = await stored();
    const res = await device.postExternalCommit(mlsGroupId, attempt);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).toContain('MLS group not found');
    expect(await stored()).toEqual(before);
  });

  it('refuses a device missing from the device-key log, and a leaf whose key is not the logged one', async () => {
    const before = await stored();
    const http = await client(w.users.chairB.id);
    const ghost = await MlsDevice.unregistered('unlogged', http, w.users.chairB.id);
    const res = await ghost.postExternalCommit(mlsGroupId, await ghost.prepareExternalJoin(mlsGroupId));
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).toContain('device-key log');

    // A registered device id, but the commit is signed with another key than its log entry.
    const logged = await MlsDevice.register('logged', http, w.users.chairB.id);
    const forged = await MlsDevice.unregistered('forged', http, w.users.chairB.id);
    Object.assign(forged.identity, { deviceId: logged.deviceId });
    const attempt = await forged.prepareExternalJoin(mlsGroupId);
    const wrongKey = await http.post(`/api/mls/groups/${mlsGroupId}/external-commits`, {
      deviceId: logged.deviceId,
      epoch: Number(attempt.epoch),
      commit: Buffer.from(attempt.commit).toString('base64'),
      leafIndex: attempt.session.ownLeafIndex,
    });
    expect(wrongKey.statusCode).toBe(400);
    expect(wrongKey.body).toContain('not the device’s key in the device-key log');
    expect(await stored()).toEqual(before);
  });

  it('accepts an allowed chair’s device with nobody else online; members see it join and talk with it', async () => {
    const b = await MlsDevice.register('chairB', await client(w.users.chairB.id), w.users.chairB.id);
    const rival = await MlsDevice.register('chairB 2', await client(w.users.chairB.id), w.users.chairB.id);
    const first = await b.prepareExternalJoin(mlsGroupId);
    const second = await rival.prepareExternalJoin(mlsGroupId);
    const accepted = await b.postExternalCommit(mlsGroupId, first);
    expect(accepted.status).toBe(201);
    // One commit per epoch: the second join from the same GroupInfo loses.
    const before = await stored();
    const lost = await rival.postExternalCommit(mlsGroupId, second);
    expect(lost.status).toBe(409);
    expect(await stored()).toEqual(before);
    // The GroupInfo of the old epoch is no longer handed out.
    expect((await b.http.get(`/api/mls/groups/${mlsGroupId}/group-info`)).statusCode).toBe(404);

    const processed = await a.sync(mlsGroupId);
    const commit = processed.find((m) => m.kind === 'commit');
    expect(commit?.kind === 'commit' && commit.added.map((m) => m.deviceId)).toEqual([b.deviceId]);
    expect(b.s.epochAuthenticator()).toEqual(a.s.epochAuthenticator());
    expect((await b.send(mlsGroupId, 'from the joined device')).status).toBe(201);
    await a.sync(mlsGroupId);
    expect(a.received).toContain('from the joined device');
    expect((await a.send(mlsGroupId, 'received')).status).toBe(201);
    await b.sync(mlsGroupId);
    expect(b.received).toEqual(['received']);
    // The joiner publishes the new epoch's GroupInfo, and the rival joins from it.
    expect((await b.publishGroupInfo(mlsGroupId)).status).toBe(200);
    expect((await rival.postExternalCommit(mlsGroupId, await rival.prepareExternalJoin(mlsGroupId))).status).toBe(201);
    const [row] = await t.ctx.db.select().from(mlsGroupInfos).where(eq(mlsGroupInfos.mlsGroupId, mlsGroupId));
    expect(row?.epoch).toBe(1);
  });

  it('refuses an external commit from a device that is a member already', async () => {
    const before = await stored();
    await a.sync(mlsGroupId);
    expect((await a.publishGroupInfo(mlsGroupId)).status).toBe(200);
    const again = await MlsDevice.unregistered('again', a.http, a.userId);
    Object.assign(again, { identity: a.identity });
    const res = await again.postExternalCommit(mlsGroupId, await again.prepareExternalJoin(mlsGroupId));
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).toContain('member already');
    expect((await stored()).epoch).toBe(before.epoch);
  });
});

describe('starting a thread anew', () => {
  it('is refused while a GroupInfo of the current epoch exists, and to anyone but a chair', async () => {
    const own = await MlsDevice.register('chairB again', await client(w.users.chairB.id), w.users.chairB.id);
    const res = await own.http.post(`/api/mls/groups/${mlsGroupId}/reestablish`, { deviceId: own.deviceId });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('published GroupInfo');

    const caucus = mlsContext({ kind: 'caucus', groupId: g.groupId, sideId: g.sideA });
    const delegate = await MlsDevice.register('memberA', await client(w.users.memberA.id), w.users.memberA.id);
    const caucusId = await delegate.createGroup(caucus);
    const refused = await delegate.http.post(`/api/mls/groups/${caucusId}/reestablish`, {
      deviceId: delegate.deviceId,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Only a chair');
  });

  it('a chair starts it anew when no usable GroupInfo is left; the earlier group stays stored, out of use', async () => {
    // A commit moved the epoch and nobody published its GroupInfo (every device gone since).
    await a.sync(mlsGroupId);
    expect((await a.postCommit(mlsGroupId, await a.s.prepareSelfUpdate())).status).toBe(201);
    const messagesBefore = (await stored()).messages;
    const chairB = await MlsDevice.register('chairB new', await client(w.users.chairB.id), w.users.chairB.id);
    const res = await chairB.http.post(`/api/mls/groups/${mlsGroupId}/reestablish`, { deviceId: chairB.deviceId });
    expect(res.statusCode).toBe(201);
    const fresh = res.json();
    expect(fresh.context).toBe(context);
    expect(fresh.reestablished).toMatchObject({ byUserId: w.users.chairB.id, previousMlsGroupId: mlsGroupId });
    expect(fresh.members).toEqual([expect.objectContaining({ deviceId: chairB.deviceId, leafIndex: 0 })]);
    // The earlier ciphertext is still stored; its group is out of use for everyone.
    expect((await stored()).messages).toBe(messagesBefore);
    expect((await a.http.get(`/api/mls/groups/${mlsGroupId}`)).statusCode).toBe(404);
    const found = await a.http.get(`/api/mls/groups?context=${encodeURIComponent(context)}`);
    expect(found.json().id).toBe(fresh.id);
    expect(found.json().reestablished.byUserId).toBe(w.users.chairB.id);
  });
});

describe('a thread whose last device left', () => {
  /** What a thread's page does with its group client here: nothing to add, nothing to keep. */
  const quietOwner = (seen: string[]): MlsGroupOwner => ({
    changed: () => undefined,
    persist: async () => undefined,
    created: async () => undefined,
    joined: async () => {
      seen.push('joined');
    },
    caughtUp: async () => undefined,
    added: async () => undefined,
    application: () => undefined,
    removalsDone: async (ok) => {
      seen.push(`removals ${ok ? 'done' : 'lost'}`);
    },
    toAdd: async () => [],
  });

  it('keeps the departed leaf due, and the next device to join removes it before its owner hears of the join', async () => {
    const fresh = await freshGroup(w);
    const threadContext = mlsContext({
      kind: 'backchannel',
      groupId: fresh.groupId,
      sideIds: [fresh.sideA, fresh.sideB],
    });
    const last = await MlsDevice.register('chairA', await client(w.users.chairA.id), w.users.chairA.id);
    const thread = await last.createGroup(threadContext);
    expect((await last.publishGroupInfo(thread)).status).toBe(200);
    expect((await last.http.post(`/api/mls/groups/${thread}/leave`, { deviceId: last.deviceId })).statusCode).toBe(200);
    // Nobody remains to commit its Remove: it stays due, with its leaf, where before it was forgotten.
    const [row] = await t.ctx.db.select().from(mlsMembers).where(eq(mlsMembers.deviceId, last.deviceId));
    expect(row).toMatchObject({ status: 'leaving', leafIndex: 0 });

    const b = await MlsDevice.register('chairB', await client(w.users.chairB.id), w.users.chairB.id);
    const events = new HubEvents(t.ctx, w.users.chairB.id);
    const seen: string[] = [];
    // Nobody is there to add it: it joins by itself after a short wait (§9 item 3).
    const joiner = b.group(
      { context: threadContext, ws: events, externalJoin: true, timing: { externalJoinWaitMs: 200 } },
      quietOwner(seen),
    );
    try {
      await joiner.start();
      await expect.poll(() => seen.includes('joined'), { timeout: 15_000 }).toBe(true);
      expect(joiner.phase).toBe('ready');
      // The Remove was committed before the owner was told of the join, so nothing is written while the leaf is in.
      expect(seen.slice(0, 2)).toEqual(['removals done', 'joined']);
      expect(joiner.session?.members().map((m) => m.deviceId)).toEqual([b.deviceId]);
      const view = (await b.http.get(`/api/mls/groups/${thread}`)).json();
      expect(view.members.map((m: { deviceId: string }) => m.deviceId)).toEqual([b.deviceId]);
      expect(view.nominee).toBeNull();
      const [gone] = await t.ctx.db.select().from(mlsMembers).where(eq(mlsMembers.deviceId, last.deviceId));
      expect(gone?.status).toBe('removed');
    } finally {
      joiner.close();
      events.close();
    }
  });
});
