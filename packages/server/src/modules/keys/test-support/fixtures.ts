import { randomBytes, randomUUID } from 'node:crypto';
import { createDeviceIdentity, type DeviceIdentity, encodeCredentialIdentity, MlsSession } from '@parley/e2ee';
import { mlsContext } from '@parley/protocol';
import type { AppContext } from '../../../context.js';
import type { ActorFacts } from '../../../policy/policy.js';
import type { Persona, World } from '../../../test-support/world.js';
import { createUser } from '../../auth/users.js';
import { addMembership, createGroup, createSide } from '../../groups/service.js';
import { resolveContext } from '../contexts.js';
import { registerDevice } from '../devices.js';
import { publishGroupInfo } from '../mls-external.js';
import { factsOfUsers } from '../mls-queries.js';
import { acceptCommit, createMlsGroup } from '../mls-service.js';

let n = 0;
export const unique = () => `${Date.now().toString(36)}${(n++).toString(36)}`;
export const SIGNED_IN = ['admin', 'chairA', 'memberA', 'observerA', 'chairB', 'memberB', 'outsider'] as const;
export const GROUP_MEMBERS = ['chairA', 'memberA', 'observerA', 'chairB', 'memberB'] as const;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** Registration input for a device of `userId` with a random (opaque to the server) public key. */
export function deviceInput(userId: string, deviceId = randomUUID()) {
  return {
    deviceId,
    signaturePublicKey: b64(randomBytes(32)),
    credential: Buffer.from(`${userId}:${deviceId}`).toString('base64'),
    label: 'Test device',
  };
}

export async function newDevice(ctx: AppContext, userId: string): Promise<string> {
  const input = deviceInput(userId);
  await registerDevice(ctx, userId, input);
  return input.deviceId;
}

const personaUser = (w: World, p: Persona) => w.users[p === 'anonymous' ? 'chairA' : p].id;

async function factsOf(ctx: AppContext, userId: string): Promise<ActorFacts> {
  return (await factsOfUsers(ctx.db, [userId])).get(userId)!;
}

/** A fresh Parley group with the world's delegates in the same sides and roles: a new `group:` context. */
export async function freshGroup(w: World) {
  const { ctx } = w;
  const admin = w.users.admin.id;
  const g = await createGroup(ctx, admin, {
    name: `MLS ${unique()}`,
    description: '',
    kind: 'group',
    parentGroupId: null,
  });
  const group = { id: g.id, kind: 'group' as const, parentGroupId: null };
  const sideA = await createSide(ctx, admin, group, { name: 'A', shortCode: 'AAA', colour: '#224488' });
  const sideB = await createSide(ctx, admin, group, { name: 'B', shortCode: 'BBB', colour: '#884422' });
  const roles = {
    chairA: 'chair',
    memberA: 'member',
    observerA: 'observer',
    chairB: 'chair',
    memberB: 'member',
  } as const;
  for (const p of GROUP_MEMBERS) {
    await addMembership(ctx, admin, group, {
      userId: w.users[p].id,
      sideId: p.endsWith('A') ? sideA.id : sideB.id,
      role: roles[p],
      agencyId: null,
      title: '',
      marking: 'shared',
    });
  }
  return { groupId: g.id, sideA: sideA.id, sideB: sideB.id };
}

/**
 * An MLS group in a fresh group, created by the persona's new device when the policy lets the persona in,
 * else by chairA (the persona then only has a device outside the group).
 */
export async function mlsFixture(w: World, persona: Persona) {
  const { ctx } = w;
  const g = await freshGroup(w);
  const inGroup = (GROUP_MEMBERS as readonly string[]).includes(persona);
  const creator = inGroup ? personaUser(w, persona) : w.users.chairA.id;
  const creatorDevice = await newDevice(ctx, creator);
  const context = mlsContext({ kind: 'group', groupId: g.groupId });
  const scope = (await resolveContext(ctx.db, context))!;
  const actor = await factsOf(ctx, creator);
  const mls = await createMlsGroup(ctx, actor, scope, {
    context,
    deviceId: creatorDevice,
    cipherSuite: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
  });
  const deviceId = inGroup ? creatorDevice : await newDevice(ctx, personaUser(w, persona));
  return { ...g, mlsGroupId: mls.id, deviceId, creator, creatorDevice, scope, actor };
}

/** Adds a fresh side-A delegate with a device to the fixture's MLS group (a commit by the creator). */
export async function addSideAMember(w: World, f: Awaited<ReturnType<typeof mlsFixture>>) {
  const u = await createUser(w.ctx, null, {
    email: `t${unique()}@test.parley`,
    displayName: 'T',
    password: null,
    isAdmin: false,
  });
  await addMembership(
    w.ctx,
    w.users.admin.id,
    { id: f.groupId, kind: 'group', parentGroupId: null },
    {
      userId: u.id,
      sideId: f.sideA,
      role: 'member',
      agencyId: null,
      title: '',
      marking: 'shared',
    },
  );
  const device = await newDevice(w.ctx, u.id);
  await acceptCommit(w.ctx, f.actor, f.scope, f.mlsGroupId, {
    deviceId: f.creatorDevice,
    epoch: 0,
    commit: 'AAAA',
    welcomes: [{ deviceId: device, welcome: 'AAAA' }],
    addedDevices: [{ deviceId: device, leafIndex: 1 }],
    removedDevices: [],
  });
  return u.id;
}

/** A device of `userId` registered with a real Ed25519 key, for requests the server parses as MLS. */
export async function realDevice(ctx: AppContext, userId: string): Promise<DeviceIdentity> {
  const identity = await createDeviceIdentity(userId, randomUUID());
  await registerDevice(ctx, userId, {
    deviceId: identity.deviceId,
    signaturePublicKey: b64(identity.signaturePublicKey),
    credential: b64(encodeCredentialIdentity(identity)),
    label: 'Test device',
  });
  return identity;
}

/**
 * A `group:` MLS group created by a real device of someone other than the persona (chairA, or memberA for chairA),
 * with the GroupInfo of epoch 0 published: what an external join starts from.
 */
export async function externalJoinFixture(w: World, persona: Persona) {
  const { ctx } = w;
  const g = await freshGroup(w);
  const creator = persona === 'chairA' ? w.users.memberA.id : w.users.chairA.id;
  const identity = await realDevice(ctx, creator);
  const context = mlsContext({ kind: 'group', groupId: g.groupId });
  const scope = (await resolveContext(ctx.db, context))!;
  const actor = await factsOf(ctx, creator);
  const mls = await createMlsGroup(ctx, actor, scope, {
    context,
    deviceId: identity.deviceId,
    cipherSuite: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
  });
  const session = await MlsSession.create({ identity, groupId: mls.id });
  const groupInfo = await session.groupInfo();
  await publishGroupInfo(ctx, actor, scope, mls.id, {
    deviceId: identity.deviceId,
    epoch: 0,
    groupInfo: b64(groupInfo),
  });
  return { ...g, mlsGroupId: mls.id, groupInfo, creatorDevice: identity.deviceId };
}

/** A real GroupInfo of epoch 0 for `mlsGroupId`, signed by a fresh identity of `userId` (the server checks framing). */
export async function groupInfoOf(mlsGroupId: string, userId: string, deviceId: string): Promise<string> {
  const session = await MlsSession.create({
    identity: await createDeviceIdentity(userId, deviceId),
    groupId: mlsGroupId,
  });
  return b64(await session.groupInfo());
}
