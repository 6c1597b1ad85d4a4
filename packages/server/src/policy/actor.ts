import type { DbOrTx } from '../db/client.js';
import { membershipFactsOf } from '../modules/groups/queries.js';
import type { ActorFacts } from './policy.js';

export async function loadActorFacts(db: DbOrTx, userId: string, isAdmin: boolean): Promise<ActorFacts> {
  return { userId, isAdmin, memberships: await membershipFactsOf(db, userId) };
}
