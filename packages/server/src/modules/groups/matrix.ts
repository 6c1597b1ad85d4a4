import type { MatrixCase } from '../../test-support/matrix.js';
import type { World } from '../../test-support/world.js';
import { createUser } from '../auth/users.js';
import { addMembership, createAgency } from './service.js';

const READERS = ['admin', 'chairA', 'memberA', 'observerA', 'chairB', 'memberB'] as const;
let n = 0;
/** A fresh delegate of side A for rows that change or remove one (each persona needs its own target). */
async function tempMembership(w: World, prefix: string) {
  const u = await createUser(w.ctx, null, {
    email: `${prefix}${unique()}@test.parley`,
    displayName: 'Temp',
    password: null,
    isAdmin: false,
  });
  return addMembership(w.ctx, null, w.group, {
    userId: u.id,
    sideId: w.sideA,
    role: 'member',
    agencyId: null,
    title: '',
    marking: 'shared',
  });
}
const unique = () => `${Date.now().toString(36)}${(n++).toString(36)}`;

export const matrix: MatrixCase[] = [
  {
    route: 'GET /api/groups',
    allow: ['admin', 'chairA', 'memberA', 'observerA', 'chairB', 'memberB', 'outsider'],
    request: () => ({ url: '/api/groups' }),
  },
  {
    route: 'POST /api/groups',
    allow: ['admin'],
    request: () => ({ url: '/api/groups', body: { name: `G ${unique()}` } }),
  },
  { route: 'GET /api/groups/{groupId}', allow: READERS, request: (w) => ({ url: `/api/groups/${w.group.id}` }) },
  {
    route: 'PATCH /api/groups/{groupId}',
    allow: ['admin'],
    request: (w) => ({ url: `/api/groups/${w.group.id}`, body: { description: 'x' } }),
  },
  {
    route: 'GET /api/groups/{groupId}/roster',
    allow: READERS,
    request: (w) => ({ url: `/api/groups/${w.group.id}/roster` }),
  },
  {
    route: 'POST /api/groups/{groupId}/sides',
    allow: ['admin'],
    request: (w) => ({
      url: `/api/groups/${w.group.id}/sides`,
      body: {
        name: 'C',
        shortCode: `C${
          unique()
            .replace(/[^a-z]/g, '')
            .toUpperCase()
            .slice(0, 4) || 'X'
        }Q`,
        colour: '#123456',
      },
    }),
  },
  {
    route: 'PATCH /api/groups/{groupId}/sides/{sideId}',
    allow: ['admin'],
    request: (w) => ({ url: `/api/groups/${w.group.id}/sides/${w.sideA}`, body: { colour: '#224488' } }),
  },
  {
    route: 'POST /api/groups/{groupId}/sides/{sideId}/agencies',
    allow: ['admin', 'chairA'],
    why: 'a side manages its own agencies; the other side and plain members cannot',
    request: (w) => ({
      url: `/api/groups/${w.group.id}/sides/${w.sideA}/agencies`,
      body: { name: `Agency ${unique()}` },
    }),
  },
  {
    route: 'PATCH /api/groups/{groupId}/sides/{sideId}/agencies/{agencyId}',
    allow: ['admin', 'chairA'],
    request: (w) => ({
      url: `/api/groups/${w.group.id}/sides/${w.sideA}/agencies/${w.agencyA}`,
      body: { name: 'Foreign Ministry A' },
    }),
  },
  {
    route: 'DELETE /api/groups/{groupId}/sides/{sideId}/agencies/{agencyId}',
    allow: ['admin', 'chairA'],
    request: async (w) => {
      const a = await createAgency(w.ctx, w.users.admin.id, w.group, w.sideA, {
        name: `Temp ${unique()}`,
        marking: 'shared',
      });
      return { url: `/api/groups/${w.group.id}/sides/${w.sideA}/agencies/${a.id}` };
    },
  },
  {
    route: 'POST /api/groups/{groupId}/memberships',
    allow: ['admin', 'chairA'],
    request: async (w) => {
      const u = await createUser(w.ctx, null, {
        email: `m${unique()}@test.parley`,
        displayName: 'New',
        password: null,
        isAdmin: false,
      });
      return {
        url: `/api/groups/${w.group.id}/memberships`,
        body: { email: u.email, sideId: w.sideA, role: 'member' },
      };
    },
  },
  {
    route: 'PATCH /api/groups/{groupId}/memberships/{membershipId}',
    allow: ['admin', 'chairA'],
    request: async (w) => {
      const m = await tempMembership(w, 'p');
      return { url: `/api/groups/${w.group.id}/memberships/${m.id}`, body: { title: 'Senior Adviser' } };
    },
  },
  {
    route: 'DELETE /api/groups/{groupId}/memberships/{membershipId}',
    allow: ['admin', 'chairA'],
    request: async (w) => {
      const m = await tempMembership(w, 'd');
      return { url: `/api/groups/${w.group.id}/memberships/${m.id}` };
    },
  },
];

export async function seedSecrets(): Promise<string[]> {
  // The world already holds side A's hidden agency and delegate; their names are checked by the matrix test.
  return [];
}
