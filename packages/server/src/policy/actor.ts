import type { DbOrTx } from '../db/client.js';
import { chairStepUpGroupsOf, membershipFactsOf, overseenSidesOf } from '../modules/groups/queries.js';
import type { ActorFacts } from './policy.js';

/**
 * `owesStepUp`: the session began at an identity provider and has not confirmed a passkey or TOTP code; chair
 * powers in groups that ask for a step-up then wait for one (docs/threat-model.md, "Chair step-up"). It may be a
 * question to ask the database, asked only of chairs: a realtime node reloads every socket's facts, most of them
 * delegates', and must not query a session for each.
 */
export async function loadActorFacts(
  db: DbOrTx,
  userId: string,
  isAdmin: boolean,
  owesStepUp: boolean | (() => Promise<boolean>) = false,
): Promise<ActorFacts> {
  const memberships = await membershipFactsOf(db, userId);
  const chaired = memberships.filter((m) => m.role === 'chair').map((m) => m.groupId);
  const owes = chaired.length > 0 && (typeof owesStepUp === 'function' ? await owesStepUp() : owesStepUp);
  return {
    userId,
    isAdmin,
    memberships,
    overseenSides: await overseenSidesOf(db, memberships),
    ...(owes ? { stepUpPending: await chairStepUpGroupsOf(db, chaired) } : {}),
  };
}
