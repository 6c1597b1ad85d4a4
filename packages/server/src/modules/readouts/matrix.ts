import type { MatrixCase } from '../../test-support/matrix.js';
import type { World } from '../../test-support/world.js';
import { actor, makeMeeting, makeReadout } from '../outcomes/test-support/fixtures.js';
import { publishReadout } from './service.js';

const OWN_SIDE = ['chairA', 'memberA', 'observerA'] as const;

export const matrix: MatrixCase[] = [
  {
    route: 'GET /api/groups/{groupId}/readouts',
    allow: ['admin', 'chairA', 'memberA', 'observerA', 'chairB', 'memberB'],
    request: (w) => ({ url: `/api/groups/${w.group.id}/readouts` }),
  },
  {
    route: 'POST /api/groups/{groupId}/readouts',
    allow: ['chairA', 'memberA', 'chairB', 'memberB'],
    request: async (w) => ({
      url: `/api/groups/${w.group.id}/readouts`,
      body: { meetingId: (await makeMeeting(w)).id, title: 'Our readout', text: 'We met.' },
    }),
  },
  {
    route: 'GET /api/readouts/{readoutId}',
    allow: OWN_SIDE,
    why: 'a draft is side-only: the other side, the operator and outsiders get 404',
    request: async (w) => ({ url: `/api/readouts/${(await makeReadout(w, 'memberA', 'Draft')).id}` }),
  },
  {
    route: 'GET /api/readouts/{readoutId}/versions',
    allow: OWN_SIDE,
    request: async (w) => ({ url: `/api/readouts/${(await makeReadout(w, 'memberA', 'Draft')).id}/versions` }),
  },
  {
    route: 'POST /api/readouts/{readoutId}/versions',
    allow: ['chairA', 'memberA'],
    request: async (w) => ({
      url: `/api/readouts/${(await makeReadout(w, 'memberA', 'Draft')).id}/versions`,
      body: { text: 'Draft, revised', baseVersion: 1 },
    }),
  },
  {
    route: 'POST /api/readouts/{readoutId}/publish',
    allow: ['chairA'],
    why: 'only a chair of the readout’s own side publishes it',
    request: async (w) => ({
      url: `/api/readouts/${(await makeReadout(w, 'memberA', 'Draft')).id}/publish`,
      body: { version: 1 },
    }),
  },
];

/**
 * A readout of side A's side-only meeting, which its chair tried to publish: the attempt must fail, and whether
 * it does or not, nothing of it may reach side B or the public (the statements page and feed are matrix rows).
 */
export async function seedSecrets(w: World): Promise<string[]> {
  const meeting = await makeMeeting(w, { marking: 'side-only', sideId: w.sideA, title: 'Aldoria readout prep' });
  const text = 'SIDE-ONLY-READOUT our fallback on the basing clause';
  const r = await makeReadout(w, 'memberA', text, meeting.id);
  await publishReadout(w.ctx, await actor(w, 'chairA'), w.group, r.id, 1).catch(() => undefined);
  return [meeting.id, meeting.title, meeting.icalUid, r.id, text];
}
