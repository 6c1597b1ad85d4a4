import type { DbOrTx } from '../db/client.js';
import { membershipFactsOf, overseenSidesOf } from '../modules/groups/queries.js';
import type { ActorFacts } from './policy.js';

export async function loadActorFacts(db: DbOrTx, userId: string, isAdmin: boolean): Promise<ActorFacts> {
  const memberships = await membershipFactsOf(db, userId);
  return { userId, isAdmin, memberships, overseenSides: await overseenSidesOf(db, memberships) };
}
