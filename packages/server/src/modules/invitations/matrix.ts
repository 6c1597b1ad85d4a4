import type { MatrixCase } from '../../test-support/matrix.js';
import type { World } from '../../test-support/world.js';
import { createGroup, createSide } from '../groups/service.js';
import { createInvitation, type InvitationInput } from './service.js';

const SIGNED_IN = ['admin', 'chairA', 'memberA', 'observerA', 'chairB', 'memberB', 'outsider'] as const;
const EVERYONE = [...SIGNED_IN, 'anonymous'] as const;
let n = 0;
const unique = () => `${Date.now().toString(36)}${(n++).toString(36)}`;

const SIDE_A_MEMBER: InvitationInput = {
  sideId: '',
  role: 'member',
  agencyId: null,
  title: '',
  marking: 'shared',
  expiresInHours: 24,
};

const inviteToSideA = (w: World, extra: Partial<InvitationInput> = {}) =>
  createInvitation(w.ctx, w.users.admin.id, w.group, { ...SIDE_A_MEMBER, sideId: w.sideA, ...extra });

export const matrix: MatrixCase[] = [
  {
    route: 'POST /api/groups/{groupId}/invitations',
    allow: ['admin', 'chairA'],
    why: 'a side’s chairs and secretariat invite into their own side only',
    request: (w) => ({ url: `/api/groups/${w.group.id}/invitations`, body: { sideId: w.sideA, role: 'member' } }),
  },
  {
    route: 'GET /api/groups/{groupId}/invitations',
    allow: ['admin', 'chairA', 'chairB'],
    why: 'each side’s managers see their own side’s pending invitations; the operator sees all',
    request: (w) => ({ url: `/api/groups/${w.group.id}/invitations` }),
  },
  {
    route: 'DELETE /api/groups/{groupId}/invitations/{id}',
    allow: ['admin', 'chairA'],
    why: 'side B gets a 404 for side A’s invitation, as if it did not exist',
    request: async (w) => {
      const { invitation } = await inviteToSideA(w);
      return { url: `/api/groups/${w.group.id}/invitations/${invitation.id}` };
    },
  },
  {
    route: 'GET /api/invitations/{token}',
    allow: EVERYONE,
    why: 'the unguessable token is the capability: its holder may see what it offers without an account',
    request: async (w) => ({ url: `/api/invitations/${(await inviteToSideA(w, { agencyId: w.agencyA })).token}` }),
  },
  {
    route: 'POST /api/invitations/accept',
    allow: EVERYONE,
    why: 'the token is the capability; accepting creates a new account (and signs it in)',
    request: async (w) => ({
      url: '/api/invitations/accept',
      body: {
        token: (await inviteToSideA(w)).token,
        email: `accept${unique()}@test.parley`,
        displayName: 'Matrix Invitee',
        password: 'a long enough password',
      },
    }),
  },
  {
    route: 'POST /api/invitations/{token}/join',
    allow: SIGNED_IN,
    why: 'any signed-in holder of the token joins with their own account; the row invites into a fresh group',
    request: async (w) => {
      const g = await createGroup(w.ctx, w.users.admin.id, {
        name: `Join ${unique()}`,
        description: '',
        kind: 'group',
        parentGroupId: null,
      });
      const group = { id: g.id, kind: 'group' as const, parentGroupId: null };
      const side = await createSide(w.ctx, w.users.admin.id, group, {
        name: 'Side J',
        shortCode: 'JJJ',
        colour: '#336699',
      });
      const { token } = await createInvitation(w.ctx, w.users.admin.id, group, { ...SIDE_A_MEMBER, sideId: side.id });
      return { url: `/api/invitations/${token}/join`, body: {} };
    },
  },
];

/** A side-only invitation of side A: who was invited, and as what, must never reach side B. */
export async function seedSecrets(w: World): Promise<string[]> {
  const { invitation } = await inviteToSideA(w, {
    email: 'covert-invitee-a@test.parley',
    title: 'Covert Liaison A',
    marking: 'side-only',
    agencyId: w.hiddenAgencyA,
  });
  return ['covert-invitee-a@test.parley', 'Covert Liaison A', invitation.id];
}
