import type { MatrixCase } from '../../test-support/matrix.js';
import { makeMeeting, makeReadout } from '../outcomes/test-support/fixtures.js';

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
