import type { MatrixCase } from '../../test-support/matrix.js';
import { callPersonOf, runningCall } from '../calls/index.js';
import { giveFloor } from './service.js';
import { meetingInCall, queue, videoMeeting } from './test-support/fixtures.js';

/** Whoever may take part in the call; the operator sees the meeting but never joins an end-to-end encrypted call. */
const JOINERS = ['chairA', 'memberA', 'observerA', 'chairB', 'memberB'] as const;
/** The meeting's chairs: of both sides, since only a meeting of both sides has a speakers' list. */
const CHAIRS = ['chairA', 'chairB'] as const;
const base = (id: string) => `/api/meetings/${id}/floor`;

export const matrix: MatrixCase[] = [
  {
    route: 'GET /api/meetings/{meetingId}/floor',
    allow: JOINERS,
    request: async (w) => ({ url: base((await videoMeeting(w)).id) }),
  },
  {
    route: 'POST /api/meetings/{meetingId}/floor/hand',
    allow: JOINERS,
    request: async (w) => ({ url: `${base((await videoMeeting(w)).id)}/hand` }),
  },
  {
    route: 'DELETE /api/meetings/{meetingId}/floor/hand',
    allow: JOINERS,
    why: 'each joiner lowers their own raised hand',
    request: async (w, persona) => {
      const facts = await videoMeeting(w);
      if (persona !== 'anonymous') await queue(w, facts, persona);
      return { url: `${base(facts.id)}/hand` };
    },
  },
  {
    route: 'POST /api/meetings/{meetingId}/floor/queue',
    allow: CHAIRS,
    request: async (w) => ({ url: `${base((await videoMeeting(w)).id)}/queue`, body: { userId: w.users.memberB.id } }),
  },
  {
    route: 'DELETE /api/meetings/{meetingId}/floor/queue/{userId}',
    allow: CHAIRS,
    request: async (w) => {
      const facts = await videoMeeting(w);
      await queue(w, facts, 'memberA');
      return { url: `${base(facts.id)}/queue/${w.users.memberA.id}` };
    },
  },
  {
    route: 'POST /api/meetings/{meetingId}/floor/give',
    allow: CHAIRS,
    request: async (w) => {
      const facts = await meetingInCall(w);
      await queue(w, facts, 'memberB');
      return { url: `${base(facts.id)}/give`, body: {} };
    },
  },
  {
    route: 'POST /api/meetings/{meetingId}/floor/take',
    allow: CHAIRS,
    request: async (w) => {
      const facts = await meetingInCall(w);
      const speaker = (await callPersonOf(w.ctx.db, facts, w.users.memberA.id))!;
      const call = (await runningCall(w.ctx.db, facts.id))!;
      await giveFloor(w.ctx, facts, call.id, speaker, w.users.chairA.id);
      return { url: `${base(facts.id)}/take` };
    },
  },
  {
    route: 'POST /api/meetings/{meetingId}/floor/allowance',
    allow: CHAIRS,
    request: async (w) => ({
      url: `${base((await videoMeeting(w)).id)}/allowance`,
      body: { sideId: w.sideB, seconds: 600 },
    }),
  },
];
