import type { Persona, World } from '../../../test-support/world.js';
import { callPersonOf } from '../../calls/index.js';
import type { MeetingFacts } from '../../meetings/index.js';
import * as svc from '../service.js';

/** Assigns a persona as interpreter as a chair would (no-op for someone who takes no part). */
export async function assignAs(
  w: World,
  facts: MeetingFacts,
  persona: Exclude<Persona, 'anonymous'>,
  pair: { from: string; to: string },
): Promise<void> {
  const person = await callPersonOf(w.ctx.db, facts, w.users[persona].id);
  if (person) await svc.assign(w.ctx, facts, person, pair, w.users.chairA.id);
}
