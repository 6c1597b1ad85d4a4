import type { Marking, Role } from '@parley/protocol';

/**
 * The one place that decides actor × action × resource. Routes never compare roles or sides themselves:
 * they describe the resource and ask. Everything here is pure so the matrix tests can run it directly.
 */

export interface MembershipFact {
  groupId: string;
  sideId: string;
  role: Role;
}

export interface ActorFacts {
  userId: string | null;
  isAdmin: boolean;
  memberships: readonly MembershipFact[];
  /** Track sides standing for a parent-group side this actor chairs (see `standingIn`). */
  overseenSides?: readonly { groupId: string; sideId: string }[];
  /**
   * Groups whose chair powers this actor holds only after a step-up (the group asks for one and the session, begun
   * at an identity provider, has not confirmed a passkey or TOTP code yet). Standing and reading are unchanged.
   */
  stepUpPending?: readonly string[];
}

export const ANONYMOUS: ActorFacts = { userId: null, isAdmin: false, memberships: [] };

export interface GroupFacts {
  id: string;
  kind: 'group' | 'track';
  parentGroupId: string | null;
}

/** An item of group content: owned by a side (or by the group as a whole) and marked. */
export interface ItemFacts {
  group: GroupFacts;
  sideId: string | null;
  marking: Marking;
}

export type Action =
  | 'instance.administer' // users, groups, sides
  | 'group.read'
  | 'group.write' // add content as a delegate (later modules: meetings, outcomes ...)
  | 'roster.read'
  | 'audit.read'
  | 'side.manage-delegation' // agencies, memberships, invitations of one side
  | 'item.read'
  | 'item.write'
  | 'item.chair' // act as chair of the item's side (publish, approve)
  | 'group.chair' // act as a chair of the group (start a call, approve on behalf of one's side)
  | 'group.oversee' // parent-group chairs over a track
  | 'side.represent' // speak for one side (cancel or re-request a meeting): its chairs and secretariat
  | 'side.request-account-help'; // ask the instance administrator to reset or disable one of the side's accounts

export type Resource =
  | { type: 'instance' }
  | { type: 'group'; group: GroupFacts }
  | { type: 'side'; group: GroupFacts; sideId: string }
  | { type: 'item'; item: ItemFacts };

export type Standing =
  | { kind: 'member'; sideId: string; role: Role }
  | { kind: 'overseer'; sideId: string | null }
  | { kind: 'admin' }
  | { kind: 'none' };

export function membershipIn(actor: ActorFacts, groupId: string): MembershipFact | undefined {
  return actor.memberships.find((m) => m.groupId === groupId);
}

/** How the actor stands in a group: a delegate of one side, an overseeing parent chair, the operator, or nobody. */
export function standingIn(actor: ActorFacts, group: GroupFacts): Standing {
  const m = membershipIn(actor, group.id);
  if (m) return { kind: 'member', sideId: m.sideId, role: m.role };
  if (group.kind === 'track' && group.parentGroupId) {
    const parent = membershipIn(actor, group.parentGroupId);
    if (parent?.role === 'chair') {
      const own = actor.overseenSides?.find((o) => o.groupId === group.id)?.sideId ?? null;
      return { kind: 'overseer', sideId: own };
    }
  }
  if (actor.isAdmin) return { kind: 'admin' };
  return { kind: 'none' };
}

/** Whether chair powers in `groupId` wait for this session's step-up. */
export function chairPowersWait(actor: ActorFacts, groupId: string | null): boolean {
  return groupId !== null && (actor.stepUpPending?.includes(groupId) ?? false);
}

/** The actor as they stand once stepped up: tells a refusal that a step-up would lift from any other. */
export function steppedUp(actor: ActorFacts): ActorFacts {
  return actor.stepUpPending?.length ? { ...actor, stepUpPending: [] } : actor;
}

const MANAGING_ROLES: ReadonlySet<Role> = new Set(['chair', 'secretariat']);
const WRITING_ROLES: ReadonlySet<Role> = new Set(['chair', 'member', 'secretariat']);

/**
 * Side-only items are visible to their own side only — never the other side or the operator. A parent-group
 * chair overseeing a track is of one side too: they see that side's own items (its people, its agencies) in
 * the track, never the other side's.
 * Shared items are visible to every side, to parent-group chairs overseeing a track, and to the operator
 * (who runs the database and could read them anyway; end-to-end-encrypted content is out of everyone's reach).
 */
export function canSeeItem(actor: ActorFacts, item: ItemFacts): boolean {
  const s = standingIn(actor, item.group);
  if (s.kind === 'none') return false;
  if (item.marking === 'shared') return true;
  return (s.kind === 'member' || s.kind === 'overseer') && item.sideId !== null && s.sideId === item.sideId;
}

/**
 * An item made from another (a readout of a meeting, a statement tied to one) is never more visible than its
 * source: while the source is side-only, the derived item is its side's own, whatever its own marking says
 * (published included). Only reclassifying the source itself (a chair sharing the meeting, told what the other
 * side will then see) lets the derived item out. An unknown source counts as side-only: nothing leaks by default.
 */
export function derivedItem(item: ItemFacts, source: Pick<ItemFacts, 'sideId' | 'marking'> | null): ItemFacts {
  if (source?.marking === 'shared') return item;
  return { ...item, sideId: source?.sideId ?? item.sideId, marking: 'side-only' };
}

/** Whether an item derived from `source` may be made shared or public (published, issued) at all. */
export function mayShareDerived(source: Pick<ItemFacts, 'marking'> | null): boolean {
  return source?.marking === 'shared';
}

export function decide(actor: ActorFacts, action: Action, resource: Resource): boolean {
  if (actor.userId === null) return false;
  switch (action) {
    case 'instance.administer':
      return actor.isAdmin;
    case 'group.read':
    case 'roster.read': {
      if (resource.type !== 'group') return false;
      return standingIn(actor, resource.group).kind !== 'none';
    }
    case 'group.write': {
      if (resource.type !== 'group') return false;
      const s = standingIn(actor, resource.group);
      return s.kind === 'member' && WRITING_ROLES.has(s.role);
    }
    case 'group.chair': {
      if (resource.type !== 'group') return false;
      const s = standingIn(actor, resource.group);
      return s.kind === 'member' && s.role === 'chair' && !chairPowersWait(actor, resource.group.id);
    }
    case 'group.oversee': {
      if (resource.type !== 'group') return false;
      return (
        standingIn(actor, resource.group).kind === 'overseer' && !chairPowersWait(actor, resource.group.parentGroupId)
      );
    }
    case 'audit.read': {
      if (resource.type !== 'group') return false;
      const s = standingIn(actor, resource.group);
      return s.kind === 'admin' || (s.kind === 'member' && MANAGING_ROLES.has(s.role));
    }
    case 'side.manage-delegation': {
      if (resource.type !== 'side') return false;
      if (actor.isAdmin) return true;
      const s = standingIn(actor, resource.group);
      return s.kind === 'member' && s.sideId === resource.sideId && MANAGING_ROLES.has(s.role);
    }
    case 'side.request-account-help': {
      // Only a chair vouches for a person's identity; the administrator, who acts, has no need to ask.
      if (resource.type !== 'side') return false;
      const s = standingIn(actor, resource.group);
      return (
        s.kind === 'member' &&
        s.sideId === resource.sideId &&
        s.role === 'chair' &&
        !chairPowersWait(actor, resource.group.id)
      );
    }
    case 'side.represent': {
      if (resource.type !== 'side') return false;
      const s = standingIn(actor, resource.group);
      return s.kind === 'member' && s.sideId === resource.sideId && MANAGING_ROLES.has(s.role);
    }
    case 'item.read':
      return resource.type === 'item' && canSeeItem(actor, resource.item);
    case 'item.write': {
      if (resource.type !== 'item') return false;
      const s = standingIn(actor, resource.item.group);
      if (s.kind !== 'member' || !WRITING_ROLES.has(s.role)) return false;
      // Side-owned items are written by their side; group-wide items (sideId null) by any delegate.
      return resource.item.sideId === null || resource.item.sideId === s.sideId;
    }
    case 'item.chair': {
      if (resource.type !== 'item') return false;
      const s = standingIn(actor, resource.item.group);
      return (
        s.kind === 'member' &&
        s.role === 'chair' &&
        !chairPowersWait(actor, resource.item.group.id) &&
        (resource.item.sideId === null || resource.item.sideId === s.sideId)
      );
    }
  }
}
