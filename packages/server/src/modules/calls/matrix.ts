import type { MatrixCase } from '../../test-support/matrix.js';
import type { World } from '../../test-support/world.js';
import { findMeetingFacts } from '../meetings/index.js';
import { chairA, freshMeeting } from '../meetings/test-support/fixtures.js';
import { callManagerOf } from './runtime.js';

const JOINERS = ['chairA', 'memberA', 'observerA', 'chairB', 'memberB'] as const;
const CHAIRS = ['chairA', 'chairB'] as const;

const videoMeeting = async (w: World) => (await freshMeeting(w, 'planned', { format: 'video' })).id;

/** A meeting whose call runs (a real Janus room: the matrix's app runs a Janus child). */
async function runningCall(w: World): Promise<string> {
  const id = await videoMeeting(w);
  await callManagerOf(w.ctx)!.start(chairA(w), (await findMeetingFacts(w.ctx.db, id))!);
  return id;
}

export const matrix: MatrixCase[] = [
  {
    route: 'GET /api/meetings/{meetingId}/call',
    allow: JOINERS,
    why: 'whoever may take part; the operator sees the meeting but never joins an end-to-end encrypted call',
    request: async (w) => ({ url: `/api/meetings/${await videoMeeting(w)}/call` }),
  },
  {
    route: 'POST /api/meetings/{meetingId}/call/start',
    allow: CHAIRS,
    request: async (w) => ({ url: `/api/meetings/${await videoMeeting(w)}/call/start` }),
  },
  {
    route: 'POST /api/meetings/{meetingId}/call/end',
    allow: CHAIRS,
    request: async (w) => ({ url: `/api/meetings/${await runningCall(w)}/call/end` }),
  },
  {
    route: 'GET /api/calls/ice-servers',
    allow: JOINERS,
    why: 'TURN relays carry bandwidth: credentials only for delegates',
    request: () => ({ url: '/api/calls/ice-servers' }),
  },
];
