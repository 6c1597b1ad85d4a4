import type { MatrixCase } from '../../test-support/matrix.js';
import { makeStatement } from '../outcomes/test-support/fixtures.js';

const READERS = ['admin', 'chairA', 'memberA', 'observerA', 'chairB', 'memberB'] as const;
const DELEGATES = ['chairA', 'memberA', 'chairB', 'memberB'] as const;

export const matrix: MatrixCase[] = [
  {
    route: 'GET /api/groups/{groupId}/statements',
    allow: READERS,
    request: (w) => ({ url: `/api/groups/${w.group.id}/statements` }),
  },
  {
    route: 'POST /api/groups/{groupId}/statements',
    allow: DELEGATES,
    request: (w) => ({ url: `/api/groups/${w.group.id}/statements`, body: { text: 'Draft joint statement' } }),
  },
  {
    route: 'GET /api/statements/{statementId}',
    allow: READERS,
    request: async (w) => ({ url: `/api/statements/${(await makeStatement(w)).id}` }),
  },
  {
    route: 'PATCH /api/statements/{statementId}',
    allow: DELEGATES,
    request: async (w) => {
      const s = await makeStatement(w);
      return { url: `/api/statements/${s.id}`, body: { text: 'Edited text', baseHash: s.textHash } };
    },
  },
  {
    route: 'POST /api/statements/{statementId}/approvals',
    allow: ['chairA', 'chairB'],
    why: 'a chair of each side approves for that side',
    request: async (w) => {
      const s = await makeStatement(w);
      return { url: `/api/statements/${s.id}/approvals`, body: { textHash: s.textHash } };
    },
  },
];
