import type { MatrixCase } from '../../test-support/matrix.js';

export const matrix: MatrixCase[] = [
  {
    route: 'GET /api/groups/{groupId}/audit',
    allow: ['admin', 'chairA', 'chairB'],
    why: 'chairs and secretariat read their group’s trail (shared + own side); the operator reads shared entries',
    request: (w) => ({ url: `/api/groups/${w.group.id}/audit` }),
  },
];
