import type { MatrixCase } from '../../test-support/matrix.js';
import type { World } from '../../test-support/world.js';
import { makeOutcome, makeReadout } from './test-support/fixtures.js';

const READERS = ['admin', 'chairA', 'memberA', 'observerA', 'chairB', 'memberB'] as const;
const DELEGATES = ['chairA', 'memberA', 'chairB', 'memberB'] as const;

export const matrix: MatrixCase[] = [
  {
    route: 'GET /api/groups/{groupId}/outcomes',
    allow: READERS,
    request: (w) => ({ url: `/api/groups/${w.group.id}/outcomes` }),
  },
  {
    route: 'GET /api/groups/{groupId}/outcomes/summary',
    allow: READERS,
    request: (w) => ({ url: `/api/groups/${w.group.id}/outcomes/summary` }),
  },
  {
    route: 'POST /api/groups/{groupId}/outcomes',
    allow: DELEGATES,
    why: 'delegates of either side record outcomes; observers, the operator and overseers do not',
    request: (w) => ({ url: `/api/groups/${w.group.id}/outcomes`, body: { kind: 'agreement', text: 'Agreed' } }),
  },
  {
    route: 'GET /api/outcomes/{outcomeId}',
    allow: READERS,
    request: async (w) => ({ url: `/api/outcomes/${(await makeOutcome(w, 'memberA')).id}` }),
  },
  {
    route: 'PATCH /api/outcomes/{outcomeId}',
    allow: ['chairA', 'memberA'],
    why: 'the recording side keeps its entry',
    request: async (w) => ({
      url: `/api/outcomes/${(await makeOutcome(w, 'memberA')).id}`,
      body: { text: 'Reworded' },
    }),
  },
  {
    route: 'POST /api/outcomes/{outcomeId}/status',
    allow: ['chairA', 'memberA', 'memberB'],
    why: 'the recording side, and the owner of the action (here memberB of the other side)',
    request: async (w) => {
      const o = await makeOutcome(w, 'memberA', { kind: 'action', ownerUserId: w.users.memberB.id });
      return { url: `/api/outcomes/${o.id}/status`, body: { status: 'in_progress' } };
    },
  },
  {
    route: 'DELETE /api/outcomes/{outcomeId}',
    allow: ['chairA', 'memberA'],
    request: async (w) => ({ url: `/api/outcomes/${(await makeOutcome(w, 'memberA')).id}` }),
  },
];

/** Side A's private notes: a side-only concern and a readout draft; side B must never see a trace of them. */
export async function seedSecrets(w: World): Promise<string[]> {
  const text = 'SIDE-ONLY-OUTCOME: our red line is the northern corridor';
  const o = await makeOutcome(w, 'memberA', { kind: 'concern', text, marking: 'side-only' });
  const answer = await makeOutcome(w, 'memberA', {
    kind: 'commitment',
    text: 'SIDE-ONLY-ANSWER: we will concede the port',
    marking: 'side-only',
    respondsToId: o.id,
  });
  const draftText = 'READOUT-DRAFT-A: the other side looked tired';
  const r = await makeReadout(w, 'memberA', draftText);
  return [text, o.id, 'SIDE-ONLY-ANSWER', answer.id, draftText, r.id];
}
