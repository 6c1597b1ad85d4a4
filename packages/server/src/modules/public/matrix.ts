import type { MatrixCase } from '../../test-support/matrix.js';
import { PERSONAS } from '../../test-support/world.js';
import { publishedReadout } from '../outcomes/test-support/fixtures.js';

// Published texts are public (a readout here: other rows add sides to the shared world, so a joint
// statement there could never collect every side's approval): everyone, signed in or not, gets the same page.
export const matrix: MatrixCase[] = [
  { route: 'GET /statements', allow: PERSONAS, request: () => ({ url: '/statements' }) },
  { route: 'GET /statements/feed.atom', allow: PERSONAS, request: () => ({ url: '/statements/feed.atom' }) },
  {
    route: 'GET /statements/{id}',
    allow: PERSONAS,
    request: async (w) => ({ url: `/statements/${(await publishedReadout(w, 'Public text')).id}` }),
  },
  {
    route: 'GET /statements/{id}.pdf',
    allow: PERSONAS,
    request: async (w) => ({ url: `/statements/${(await publishedReadout(w, 'Public text')).id}.pdf` }),
  },
];
