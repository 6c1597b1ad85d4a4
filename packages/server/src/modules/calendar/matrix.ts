import type { MatrixCase } from '../../test-support/matrix.js';
import { rotateCalendarToken } from './service.js';

const SIGNED_IN = ['admin', 'chairA', 'memberA', 'observerA', 'chairB', 'memberB', 'outsider'] as const;

export const matrix: MatrixCase[] = [
  { route: 'POST /api/calendar/token', allow: SIGNED_IN, request: () => ({ url: '/api/calendar/token', body: {} }) },
  { route: 'DELETE /api/calendar/token', allow: SIGNED_IN, request: () => ({ url: '/api/calendar/token' }) },
  {
    route: 'GET /calendar/{token}.ics',
    allow: [...SIGNED_IN, 'anonymous'],
    why: 'no sign-in: the secret address is the credential; each persona reads its own feed (anonymous uses memberB’s)',
    request: async (w, p) => {
      const owner = p === 'anonymous' ? w.users.memberB : w.users[p];
      const { token } = await rotateCalendarToken(w.ctx, owner.id);
      return { url: `/calendar/${token}.ics` };
    },
  },
];
