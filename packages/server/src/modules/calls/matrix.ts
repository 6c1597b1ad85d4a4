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

/** A running call in which side A's chair has opened side A's caucus. */
async function caucusOfA(w: World): Promise<{ meetingId: string; caucusId: string }> {
  const meetingId = await runningCall(w);
  const facts = (await findMeetingFacts(w.ctx.db, meetingId))!;
  const caucus = await callManagerOf(w.ctx)!.openCaucus(w.users.chairA.id, facts, w.sideA);
  return { meetingId, caucusId: caucus.callId };
}

/** Side A's open caucus, seeded once: side B, the operator and the public must learn nothing of it but the side. */
let seeded: { meetingId: string; caucusId: string } | undefined;

export async function seedSecrets(w: World): Promise<string[]> {
  seeded = await caucusOfA(w);
  return [seeded.caucusId, `caucus-call:${seeded.meetingId}:${w.sideA}`];
}

export const matrix: MatrixCase[] = [
  {
    route: 'GET /api/meetings/{meetingId}/call',
    allow: JOINERS,
    why: 'whoever may take part; the operator sees the meeting but never joins an end-to-end encrypted call',
    // The meeting whose call has side A's caucus open: side B reads its status with nothing of the caucus in it.
    request: async (w) => ({ url: `/api/meetings/${seeded?.meetingId ?? (await videoMeeting(w))}/call` }),
  },
  {
    route: 'POST /api/meetings/{meetingId}/call/caucus',
    allow: CHAIRS,
    why: 'a chair opens their own side’s caucus; delegates and the operator cannot',
    request: async (w) => ({ url: `/api/meetings/${await runningCall(w)}/call/caucus` }),
  },
  {
    route: 'POST /api/meetings/{meetingId}/call/caucus/recall',
    allow: ['chairA'],
    why: 'only a chair of the caucus’s side; side B’s chair has no caucus there (404, as if none existed)',
    request: async (w) => ({ url: `/api/meetings/${(await caucusOfA(w)).meetingId}/call/caucus/recall` }),
  },
  {
    route: 'POST /api/meetings/{meetingId}/call/caucus/close',
    allow: ['chairA'],
    why: 'only a chair of the caucus’s side; side B’s chair has no caucus there (404, as if none existed)',
    request: async (w) => ({ url: `/api/meetings/${(await caucusOfA(w)).meetingId}/call/caucus/close` }),
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
