import type { MatrixCase } from '../../test-support/matrix.js';
import { videoMeeting } from '../floor/test-support/fixtures.js';
import { assignAs } from './test-support/fixtures.js';

/** Whoever may take part in the call; the operator sees the meeting but never joins an end-to-end encrypted call. */
const JOINERS = ['chairA', 'memberA', 'observerA', 'chairB', 'memberB'] as const;
/** The meeting's chairs (a side's chair assigns its own delegates; both are chairs of a shared meeting). */
const CHAIRS = ['chairA', 'chairB'] as const;
const base = (id: string) => `/api/meetings/${id}/interpretation`;

export const matrix: MatrixCase[] = [
  {
    route: 'GET /api/meetings/{meetingId}/interpretation',
    allow: JOINERS,
    request: async (w) => {
      const facts = await videoMeeting(w);
      await assignAs(w, facts, 'memberA', { from: 'en', to: 'fr' });
      return { url: base(facts.id) };
    },
  },
  {
    route: 'POST /api/meetings/{meetingId}/interpretation',
    allow: CHAIRS,
    request: async (w) => ({
      url: base((await videoMeeting(w)).id),
      body: { userId: w.users.memberB.id, from: 'en', to: 'fr' },
    }),
  },
  {
    route: 'DELETE /api/meetings/{meetingId}/interpretation/{userId}',
    allow: CHAIRS,
    request: async (w) => {
      const facts = await videoMeeting(w);
      await assignAs(w, facts, 'memberB', { from: 'fr', to: 'en' });
      return { url: `${base(facts.id)}/${w.users.memberB.id}` };
    },
  },
];
