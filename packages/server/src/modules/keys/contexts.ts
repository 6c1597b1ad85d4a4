import { mlsContext, parseMlsContext } from '@parley/protocol';
import type { DbOrTx } from '../../db/client.js';
import {
  type ActorFacts,
  canSeeItem,
  chairPowersWait,
  type GroupFacts,
  type ItemFacts,
  membershipIn,
  standingIn,
} from '../../policy/policy.js';
import { findGroup, findSide } from '../groups/queries.js';
import { findMeetingFacts } from '../meetings/queries.js';

/**
 * What an MLS group keys, resolved to the Parley facts the policy needs. The rules themselves
 * (`mayTakePart`, `mayRequestRemoval`) are pure, like policy/policy.ts, so they can be tested directly.
 */
export type MlsScope =
  | { kind: 'group'; group: GroupFacts }
  | { kind: 'call'; group: GroupFacts; meeting: ItemFacts }
  | { kind: 'caucus-call'; group: GroupFacts; meeting: ItemFacts; sideId: string }
  | { kind: 'caucus'; group: GroupFacts; sideId: string }
  | { kind: 'backchannel'; group: GroupFacts; sideIds: readonly [string, string] };

/**
 * Who may join, read and post:
 * - call: whoever may see the meeting as a delegate of the group, or as a parent-group chair overseeing a track;
 * - caucus call: delegates of that side who may see the meeting (never the other side, whatever the server is told);
 * - caucus: delegates of that side only;
 * - back channel: the chairs of the two sides only;
 * - group: the group's delegates.
 * The operator (admin standing) is never in: end-to-end-encrypted content is out of the server's reach.
 */
export function mayTakePart(actor: ActorFacts, scope: MlsScope): boolean {
  if (actor.userId === null) return false;
  const standing = standingIn(actor, scope.group);
  switch (scope.kind) {
    case 'group':
      return standing.kind === 'member';
    case 'call':
      return (standing.kind === 'member' || standing.kind === 'overseer') && canSeeItem(actor, scope.meeting);
    case 'caucus-call':
      return standing.kind === 'member' && standing.sideId === scope.sideId && canSeeItem(actor, scope.meeting);
    case 'caucus':
      return standing.kind === 'member' && standing.sideId === scope.sideId;
    case 'backchannel':
      return standing.kind === 'member' && standing.role === 'chair' && scope.sideIds.includes(standing.sideId);
  }
}

/**
 * The back channel is a chair's power like any other: in a group that asks chairs signed in through an identity
 * provider to step up, their session reaches it only after the step-up (docs/threat-model.md, "Chair step-up").
 * Kept apart from `mayTakePart`, which also judges other people's standing (removals, rosters): a chair who has not
 * stepped up in one session is still a member, and their devices stay in the group.
 */
export const waitsForStepUp = (actor: ActorFacts, scope: MlsScope): boolean =>
  scope.kind === 'backchannel' && chairPowersWait(actor, scope.group.id);

/**
 * Long-lived threads (back channel, caucus, a group's or track's channel) take external joins (RFC 9420
 * §12.4.3.2): their members may be offline for weeks. A call's group lives only while its participants are there.
 */
export const takesExternalJoins = (scope: MlsScope): boolean => scope.kind !== 'call' && scope.kind !== 'caucus-call';

/**
 * Starting a long-lived thread anew (when no usable GroupInfo is left) is a chair's decision: a chair of either
 * side in a back channel, a chair of the side in its caucus, any side's chair in a group's channel. Nobody else.
 */
export function mayReestablish(actor: ActorFacts, scope: MlsScope): boolean {
  if (!takesExternalJoins(scope) || !mayTakePart(actor, scope)) return false;
  const standing = standingIn(actor, scope.group);
  return standing.kind === 'member' && standing.role === 'chair';
}

/**
 * A removal may be asked by the target's own side chair (for the people they brought), or by any participant
 * once the target no longer may take part (membership ended, device revoked) so that stale members get evicted.
 */
export function mayRequestRemoval(
  actor: ActorFacts,
  scope: MlsScope,
  target: ActorFacts,
  targetDevicesRevoked: boolean,
): boolean {
  if (!mayTakePart(actor, scope)) return false;
  if (!mayTakePart(target, scope) || targetDevicesRevoked) return true;
  const mine = membershipIn(actor, scope.group.id);
  const theirs = membershipIn(target, scope.group.id);
  return mine?.role === 'chair' && !!theirs && theirs.sideId === mine.sideId;
}

/** The side an audit entry of this scope belongs to: side-only contexts stay with the acting side. */
export function auditPlacement(
  scope: MlsScope,
  actor: ActorFacts | null,
): { groupId: string; sideId: string | null; marking: 'shared' | 'side-only' } {
  const groupId = scope.group.id;
  if (scope.kind === 'caucus' || scope.kind === 'caucus-call')
    return { groupId, sideId: scope.sideId, marking: 'side-only' };
  if (scope.kind === 'backchannel') {
    const side = (actor && membershipIn(actor, groupId)?.sideId) ?? scope.sideIds[0];
    return { groupId, sideId: side, marking: 'side-only' };
  }
  if (scope.kind === 'call' && scope.meeting.marking === 'side-only')
    return { groupId, sideId: scope.meeting.sideId, marking: 'side-only' };
  return { groupId, sideId: null, marking: 'shared' };
}

const factsOf = (g: { id: string; kind: 'group' | 'track'; parentGroupId: string | null }): GroupFacts => ({
  id: g.id,
  kind: g.kind,
  parentGroupId: g.parentGroupId,
});

/** Canonical form of a context (back-channel sides sorted) so one conversation has one MLS group. */
export function canonicalContext(context: string): string {
  const parts = parseMlsContext(context);
  return parts ? mlsContext(parts) : context;
}

/** Resolves a context string; undefined when it is none or anything it names does not exist (answered as 404). */
export async function resolveContext(db: DbOrTx, context: string): Promise<MlsScope | undefined> {
  const parts = parseMlsContext(context);
  if (!parts) return undefined;
  const groupOf = async (id: string) => {
    const g = await findGroup(db, id);
    return g ? factsOf(g) : undefined;
  };
  const sideExists = (groupId: string, sideId: string) =>
    findSide(db, groupId, sideId).then(
      () => true,
      () => false,
    );
  switch (parts.kind) {
    case 'group': {
      const group = await groupOf(parts.groupId);
      return group && { kind: 'group', group };
    }
    case 'call': {
      const m = await findMeetingFacts(db, parts.meetingId);
      return m && { kind: 'call', group: m.group, meeting: m.item };
    }
    case 'caucus-call': {
      const m = await findMeetingFacts(db, parts.meetingId);
      if (!m || !(await sideExists(m.group.id, parts.sideId))) return undefined;
      return { kind: 'caucus-call', group: m.group, meeting: m.item, sideId: parts.sideId };
    }
    case 'caucus': {
      const group = await groupOf(parts.groupId);
      if (!group || !(await sideExists(group.id, parts.sideId))) return undefined;
      return { kind: 'caucus', group, sideId: parts.sideId };
    }
    case 'backchannel': {
      const group = await groupOf(parts.groupId);
      const [a, b] = parts.sideIds;
      if (!group || !(await sideExists(group.id, a)) || !(await sideExists(group.id, b))) return undefined;
      return { kind: 'backchannel', group, sideIds: [a, b] };
    }
  }
}
