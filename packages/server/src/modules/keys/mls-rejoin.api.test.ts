import { mlsContext } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, type World } from '../../test-support/world.js';
import { resolveContext } from './contexts.js';
import { leaveGroup } from './mls-membership.js';
import { factsOfUsers, findMember } from './mls-queries.js';
import { MlsDevice } from './test-support/mls-client.js';

/**
 * A device leaves a group and is added again (a delegate who leaves a call and rejoins). Two things must hold for
 * the rejoined device: a departure of its earlier membership that is handled late does not end the new one, and a
 * device still holding the earlier membership's state learns from the Delivery Service that it must start over.
 */
let t: TestApp;
let w: World;
let mlsGroupId: string;
let a: MlsDevice;
let b: MlsDevice;
const context = () => mlsContext({ kind: 'group', groupId: w.group.id });

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
  a = await MlsDevice.register('chairA', await w.client('chairA'), w.users.chairA.id);
  b = await MlsDevice.register('chairB', await w.client('chairB'), w.users.chairB.id);
  await b.uploadKeyPackages(3);
  mlsGroupId = await a.createGroup(context());
});
afterAll(() => t.close());

async function addB(): Promise<number> {
  await a.sync(mlsGroupId);
  const claim = await a.http.post(`/api/mls/groups/${mlsGroupId}/key-packages/claim`, {
    deviceId: a.deviceId,
    userId: b.userId,
  });
  const [kp] = claim.json().keyPackages;
  const pending = await a.s.prepareAdd([new Uint8Array(Buffer.from(kp.keyPackage, 'base64'))]);
  const res = await a.postCommit(mlsGroupId, pending, { welcomeTo: [b] });
  expect(res.status).toBe(201);
  return res.body.seq as number;
}

async function removeB(): Promise<void> {
  await a.sync(mlsGroupId);
  const pending = await a.s.prepareRemove([b.s.ownLeafIndex]);
  expect((await a.postCommit(mlsGroupId, pending, { removed: [b] })).status).toBe(201);
}

const readAs = (device: MlsDevice, afterSeq: number) =>
  device.http.get(`/api/mls/groups/${mlsGroupId}/messages?deviceId=${device.deviceId}&afterSeq=${afterSeq}`);

describe('a device that leaves and is added again', () => {
  let firstJoin: number;
  let staleCursor: number;

  it('reads from the seq its membership began, and the list says which seq that is', async () => {
    firstJoin = await addB();
    await b.joinFromWelcome(mlsGroupId);
    expect(b.cursor).toBe(firstJoin);
    const res = await readAs(b, b.cursor);
    expect(res.statusCode).toBe(200);
    expect(res.json().joinedSeq).toBe(firstJoin);
    expect((await readAs(a, 0)).json().joinedSeq).toBe(0);
  });

  it('a late departure of the earlier membership leaves the new one in place', async () => {
    staleCursor = b.cursor;
    await removeB();
    const secondJoin = await addB();
    expect(secondJoin).toBeGreaterThan(firstJoin);
    // The first stay's departure, handled only now (the calls module names the membership it saw end).
    const scope = (await resolveContext(t.ctx.db, context()))!;
    const facts = (await factsOfUsers(t.ctx.db, [b.userId])).get(b.userId)!;
    const res = await leaveGroup(t.ctx, facts, scope, mlsGroupId, { deviceId: b.deviceId, joinedSeq: firstJoin });
    expect(res.removing).toEqual([]);
    expect(res.nomination).toBeNull();
    expect(await findMember(t.ctx.db, mlsGroupId, b.deviceId)).toMatchObject({
      status: 'active',
      joinedSeq: secondJoin,
    });
  });

  it('tells a device still on the earlier membership’s state that its membership began later', async () => {
    // B's session never saw its removal (the commits before its new Welcome are not its to read).
    const res = await readAs(b, staleCursor);
    expect(res.statusCode).toBe(200);
    expect(res.json().messages).toEqual([]);
    expect(res.json().joinedSeq).toBeGreaterThan(staleCursor);
    // Joining afresh from the current Welcome puts it in the epoch everyone else is in.
    await b.joinFromWelcome(mlsGroupId);
    await a.sync(mlsGroupId);
    expect(b.s.epoch).toBe(a.s.epoch);
    expect(b.s.epochAuthenticator()).toEqual(a.s.epochAuthenticator());
  });

  it('a departure naming the current membership still ends it', async () => {
    const current = (await findMember(t.ctx.db, mlsGroupId, b.deviceId))!;
    const scope = (await resolveContext(t.ctx.db, context()))!;
    const facts = (await factsOfUsers(t.ctx.db, [b.userId])).get(b.userId)!;
    const res = await leaveGroup(t.ctx, facts, scope, mlsGroupId, {
      deviceId: b.deviceId,
      joinedSeq: current.joinedSeq,
    });
    expect(res.removing).toEqual([b.deviceId]);
    expect(res.nomination?.deviceId).toBe(a.deviceId);
  });
});
