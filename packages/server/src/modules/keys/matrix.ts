import { MlsSession } from '@parley/e2ee';
import { mlsContext } from '@parley/protocol';
import type { MatrixCase } from '../../test-support/matrix.js';
import type { Persona, World } from '../../test-support/world.js';
import { resolveContext } from './contexts.js';
import { factsOfUsers } from './mls-queries.js';
import { createMlsGroup } from './mls-service.js';
import {
  addSideAMember,
  deviceInput,
  externalJoinFixture,
  freshGroup,
  GROUP_MEMBERS,
  groupInfoOf,
  mlsFixture,
  newDevice,
  realDevice,
  SIGNED_IN,
} from './test-support/fixtures.js';

const own = (w: World, p: Persona) => w.users[p === 'anonymous' ? 'chairA' : p].id;

/** One MLS group in the world's group, made once, for the read-only rows. */
let shared: Promise<{ id: string; context: string }> | undefined;
function sharedGroup(w: World) {
  shared ??= (async () => {
    const context = mlsContext({ kind: 'group', groupId: w.group.id });
    const userId = w.users.chairA.id;
    const deviceId = await newDevice(w.ctx, userId);
    const actor = (await factsOfUsers(w.ctx.db, [userId])).get(userId)!;
    const scope = (await resolveContext(w.ctx.db, context))!;
    const g = await createMlsGroup(w.ctx, actor, scope, {
      context,
      deviceId,
      cipherSuite: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
    });
    return { id: g.id, context };
  })();
  return shared;
}

export const matrix: MatrixCase[] = [
  {
    route: 'POST /api/devices',
    allow: SIGNED_IN,
    request: (w, p) => ({ url: '/api/devices', body: deviceInput(own(w, p)) }),
  },
  { route: 'GET /api/devices', allow: SIGNED_IN, request: () => ({ url: '/api/devices' }) },
  {
    route: 'POST /api/devices/{deviceId}/revoke',
    allow: SIGNED_IN,
    why: 'everyone revokes their own devices; anonymous callers are refused first',
    request: async (w, p) => ({ url: `/api/devices/${await newDevice(w.ctx, own(w, p))}/revoke` }),
  },
  {
    route: 'POST /api/devices/{deviceId}/key-packages',
    allow: SIGNED_IN,
    request: async (w, p) => ({
      url: `/api/devices/${await newDevice(w.ctx, own(w, p))}/key-packages`,
      body: { keyPackages: ['AAEC', 'AwQF'], lastResort: 'BgcI' },
    }),
  },
  {
    route: 'GET /api/devices/log',
    allow: SIGNED_IN,
    why: 'anyone signed in may ask; the answer holds only users the caller can see (side B never gets hidden A)',
    request: (w) => ({ url: `/api/devices/log?userIds=${w.hiddenMemberA.id},${w.users.chairA.id}` }),
  },
  {
    route: 'POST /api/mls/groups',
    allow: GROUP_MEMBERS,
    why: 'group delegates only; the operator never joins an end-to-end-encrypted group',
    request: async (w, p) => {
      const g = await freshGroup(w);
      return {
        url: '/api/mls/groups',
        body: {
          context: mlsContext({ kind: 'group', groupId: g.groupId }),
          deviceId: await newDevice(w.ctx, own(w, p)),
        },
      };
    },
  },
  {
    route: 'GET /api/mls/groups',
    allow: GROUP_MEMBERS,
    request: async (w) => ({ url: `/api/mls/groups?context=${(await sharedGroup(w)).context}` }),
  },
  {
    route: 'GET /api/mls/groups/{mlsGroupId}',
    allow: GROUP_MEMBERS,
    request: async (w) => ({ url: `/api/mls/groups/${(await sharedGroup(w)).id}` }),
  },
  {
    route: 'POST /api/mls/groups/{mlsGroupId}/key-packages/claim',
    allow: GROUP_MEMBERS,
    why: 'only a member device of the MLS group may claim, and only for someone the context admits',
    request: async (w, p) => {
      const f = await mlsFixture(w, p);
      return {
        url: `/api/mls/groups/${f.mlsGroupId}/key-packages/claim`,
        body: { deviceId: f.deviceId, userId: w.users.memberB.id },
      };
    },
  },
  {
    route: 'POST /api/mls/groups/{mlsGroupId}/commits',
    allow: GROUP_MEMBERS,
    request: async (w, p) => {
      const f = await mlsFixture(w, p);
      return {
        url: `/api/mls/groups/${f.mlsGroupId}/commits`,
        body: { deviceId: f.deviceId, epoch: 0, commit: 'AAAA' },
      };
    },
  },
  {
    route: 'GET /api/mls/groups/{mlsGroupId}/messages',
    allow: GROUP_MEMBERS,
    request: async (w, p) => {
      const f = await mlsFixture(w, p);
      return { url: `/api/mls/groups/${f.mlsGroupId}/messages?deviceId=${f.deviceId}&afterSeq=0` };
    },
  },
  {
    route: 'POST /api/mls/groups/{mlsGroupId}/messages',
    allow: GROUP_MEMBERS,
    request: async (w, p) => {
      const f = await mlsFixture(w, p);
      return {
        url: `/api/mls/groups/${f.mlsGroupId}/messages`,
        body: { deviceId: f.deviceId, epoch: 0, message: 'AAAA' },
      };
    },
  },
  {
    route: 'POST /api/mls/groups/{mlsGroupId}/leave',
    allow: GROUP_MEMBERS,
    request: async (w, p) => {
      const f = await mlsFixture(w, p);
      return { url: `/api/mls/groups/${f.mlsGroupId}/leave`, body: { deviceId: f.deviceId } };
    },
  },
  {
    route: 'POST /api/mls/groups/{mlsGroupId}/removals',
    allow: ['chairA'],
    why: 'a chair removes delegates of their own side; the target here is a side-A delegate',
    request: async (w, p) => {
      const f = await mlsFixture(w, p);
      const target = await addSideAMember(w, f);
      return { url: `/api/mls/groups/${f.mlsGroupId}/removals`, body: { userId: target } };
    },
  },
  {
    route: 'POST /api/mls/groups/{mlsGroupId}/group-info',
    allow: GROUP_MEMBERS,
    why: 'a member device publishes its group’s GroupInfo for external joins',
    request: async (w, p) => {
      const f = await mlsFixture(w, p);
      return {
        url: `/api/mls/groups/${f.mlsGroupId}/group-info`,
        body: { deviceId: f.deviceId, epoch: 0, groupInfo: await groupInfoOf(f.mlsGroupId, own(w, p), f.deviceId) },
      };
    },
  },
  {
    route: 'GET /api/mls/groups/{mlsGroupId}/group-info',
    allow: GROUP_MEMBERS,
    why: 'whoever the context admits may fetch the GroupInfo to join from; nobody else learns the group exists',
    request: async (w, p) => ({ url: `/api/mls/groups/${(await externalJoinFixture(w, p)).mlsGroupId}/group-info` }),
  },
  {
    route: 'POST /api/mls/groups/{mlsGroupId}/external-commits',
    allow: GROUP_MEMBERS,
    why: 'an own logged device of someone the context admits joins by an external commit',
    request: async (w, p) => {
      const f = await externalJoinFixture(w, p);
      const identity = await realDevice(w.ctx, own(w, p));
      const joined = await MlsSession.joinExternal({ identity, groupInfo: f.groupInfo });
      return {
        url: `/api/mls/groups/${f.mlsGroupId}/external-commits`,
        body: {
          deviceId: identity.deviceId,
          epoch: 0,
          commit: Buffer.from(joined.commit).toString('base64'),
          leafIndex: joined.session.ownLeafIndex,
        },
      };
    },
  },
  {
    route: 'POST /api/mls/groups/{mlsGroupId}/reestablish',
    allow: ['chairA', 'chairB'],
    why: 'only a chair starts a thread anew (a group channel: any side’s chair), and never the server',
    request: async (w, p) => {
      const f = await mlsFixture(w, p);
      return { url: `/api/mls/groups/${f.mlsGroupId}/reestablish`, body: { deviceId: f.deviceId } };
    },
  },
  {
    route: 'GET /api/mls/welcomes',
    allow: SIGNED_IN,
    why: 'Welcomes of one’s own device only',
    request: async (w, p) => ({ url: `/api/mls/welcomes?deviceId=${await newDevice(w.ctx, own(w, p))}` }),
  },
];

/** Side A's caucus: side B must never learn that it exists. */
export async function seedSecrets(w: World): Promise<string[]> {
  const context = mlsContext({ kind: 'caucus', groupId: w.group.id, sideId: w.sideA });
  const userId = w.users.chairA.id;
  const deviceId = await newDevice(w.ctx, userId);
  const actor = (await factsOfUsers(w.ctx.db, [userId])).get(userId)!;
  const scope = (await resolveContext(w.ctx.db, context))!;
  const g = await createMlsGroup(w.ctx, actor, scope, {
    context,
    deviceId,
    cipherSuite: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
  });
  return [g.id];
}
