import type { MatrixCase } from '../../test-support/matrix.js';
import type { World } from '../../test-support/world.js';
import { accountHelpRequests } from './schema.js';

const SECRET_NOTE = 'Side A account trouble: lost phone in the ministry';

/** An open request of side A, written directly (the service refuses a second open one for the same thing). */
async function openRequestOfSideA(w: World, note = 'matrix'): Promise<string> {
  const [row] = await w.ctx.db
    .insert(accountHelpRequests)
    .values({
      subjectUserId: w.users.memberA.id,
      requestedBy: w.users.chairA.id,
      groupId: w.group.id,
      sideId: w.sideA,
      kind: 'reset_second_factors',
      note,
    })
    .returning({ id: accountHelpRequests.id });
  return row!.id;
}

export const matrix: MatrixCase[] = [
  {
    route: 'GET /api/groups/{groupId}/account-requests',
    allow: ['chairA', 'chairB'],
    why: 'a chair sees the requests of their own side',
    request: (w) => ({ url: `/api/groups/${w.group.id}/account-requests` }),
  },
  {
    route: 'POST /api/groups/{groupId}/account-requests',
    allow: ['chairA', 'chairB'],
    why: 'a chair asks for one of their own side’s people; anyone else is refused',
    request: (w, persona) => ({
      url: `/api/groups/${w.group.id}/account-requests`,
      body: { userId: (persona === 'chairB' ? w.users.memberB : w.users.memberA).id, kind: 'reset_password' },
    }),
  },
  {
    route: 'GET /api/admin/account-requests',
    allow: ['admin'],
    request: () => ({ url: '/api/admin/account-requests' }),
  },
  {
    route: 'POST /api/admin/account-requests/{id}/resolve',
    allow: ['admin'],
    request: async (w) => ({
      url: `/api/admin/account-requests/${await openRequestOfSideA(w)}/resolve`,
      body: { decision: 'decline' },
    }),
  },
];

/** A side's account requests (and their notes) never reach the other side. */
export async function seedSecrets(w: World): Promise<string[]> {
  await openRequestOfSideA(w, SECRET_NOTE);
  return [SECRET_NOTE];
}
