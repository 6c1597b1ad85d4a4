import type { MatrixCase } from '../../test-support/matrix.js';
import { makeOutcome, membershipIdOf } from '../outcomes/test-support/fixtures.js';

export const matrix: MatrixCase[] = [
  {
    route: 'POST /api/outcomes/{outcomeId}/tracks',
    allow: ['chairA', 'chairB'],
    why: 'a chair of the group starts a follow-up track',
    request: async (w) => {
      const o = await makeOutcome(w, 'memberB', { kind: 'commitment', text: 'Follow-up expert talks' });
      return {
        url: `/api/outcomes/${o.id}/tracks`,
        body: {
          name: 'Expert track',
          experts: [
            { membershipId: await membershipIdOf(w, 'memberA') },
            { membershipId: await membershipIdOf(w, 'memberB') },
          ],
        },
      };
    },
  },
  {
    route: 'GET /api/groups/{groupId}/tracks',
    allow: ['admin', 'chairA', 'memberA', 'observerA', 'chairB', 'memberB'],
    request: (w) => ({ url: `/api/groups/${w.group.id}/tracks` }),
  },
];
