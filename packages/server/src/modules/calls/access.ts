import type { Role } from '@parley/protocol';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { forbidden, notFound, unauthorized } from '../../http/errors.js';
import {
  type ActorFacts,
  canSeeItem,
  chairPowersWait,
  decide,
  membershipIn,
  standingIn,
  steppedUp,
} from '../../policy/policy.js';
import { actorOf } from '../auth/plugin.js';
import { userNames } from '../auth/queries.js';
import { stepUpRefusal } from '../auth/step-up.js';
import { agenciesOfGroup, membersOfGroup, sidesOf } from '../groups/queries.js';
import { findMeetingFacts, type MeetingFacts } from '../meetings/index.js';
import { CallError } from './errors.js';

/** Who someone is in a call: what the roster shows and what they may do there. */
export interface CallPerson {
  userId: string;
  displayName: string;
  /** Their side in the meeting's group; an overseeing parent chair stands with the track's copy of their side. */
  sideId: string;
  role: Role;
  agencyName: string | null;
  title: string;
  overseer: boolean;
  /** Chairs, secretariat and overseers skip the lobby and admit their own side's waiting delegates. */
  admits: boolean;
}

export type CallStanding =
  | { kind: 'ok'; person: CallPerson }
  /** Answered like a missing meeting, so ids cannot be probed (other side's side-only meeting, other groups). */
  | { kind: 'not_found' }
  | { kind: 'forbidden'; reason: string };

const ADMITTING: ReadonlySet<Role> = new Set(['chair', 'secretariat']);

/**
 * Whether `actor` may take part in the meeting's call. Members of the meeting's group and overseeing parent chairs
 * may; the operator may not (media is end-to-end encrypted against the server and its operator). In a shared
 * meeting a side-only delegate (or one of a side-only agency) may not either: the other side would see them.
 */
export async function callStanding(db: DbOrTx, actor: ActorFacts, facts: MeetingFacts): Promise<CallStanding> {
  if (actor.userId === null || !canSeeItem(actor, facts.item)) return { kind: 'not_found' };
  const standing = standingIn(actor, facts.group);
  if (standing.kind === 'admin' || standing.kind === 'none')
    return { kind: 'forbidden', reason: 'Only delegates of the group take part in its calls' };
  const overseer = standing.kind === 'overseer';
  const groupId = overseer ? facts.group.parentGroupId! : facts.groupId;
  const [members, agencies, names] = await Promise.all([
    membersOfGroup(db, groupId),
    agenciesOfGroup(db, groupId),
    userNames(db, [actor.userId]),
  ]);
  const m = members.find((x) => x.userId === actor.userId);
  if (!m) return { kind: 'not_found' };
  const agency = m.agencyId ? agencies.find((a) => a.id === m.agencyId) : undefined;
  const hidden = m.marking === 'side-only' || agency?.marking === 'side-only';
  if (hidden && facts.item.marking === 'shared')
    return { kind: 'forbidden', reason: 'A side-only delegate cannot join a call the other side attends' };
  let sideId = m.sideId;
  if (overseer) {
    // Tracks copy their parent's sides (same short code): the overseer stands with their own side's copy.
    const [parentSides, trackSides] = await Promise.all([sidesOf(db, [groupId]), sidesOf(db, [facts.groupId])]);
    const code = parentSides.find((s) => s.id === m.sideId)?.shortCode;
    const copy = trackSides.find((s) => s.shortCode === code);
    if (!copy) return { kind: 'forbidden', reason: 'Your side takes no part in this track' };
    sideId = copy.id;
  }
  if (facts.item.sideId !== null && facts.item.sideId !== sideId) return { kind: 'not_found' };
  return {
    kind: 'ok',
    person: {
      userId: actor.userId,
      displayName: names.get(actor.userId)?.displayName ?? 'Unknown',
      sideId,
      role: m.role,
      agencyName: agency?.name ?? null,
      title: m.title,
      overseer,
      admits: overseer || ADMITTING.has(m.role),
    },
  };
}

/** A chair of the meeting's group (of the owning side for a side-only meeting): starts, ends, removes. */
export function isCallChair(actor: ActorFacts, facts: MeetingFacts): boolean {
  return decide(actor, 'item.chair', { type: 'item', item: facts.item });
}

/** A chair of this side in the meeting's group: may ask that side's delegates to mute. */
export function chairsSide(actor: ActorFacts, facts: MeetingFacts, sideId: string): boolean {
  const m = membershipIn(actor, facts.groupId);
  return !!m && m.role === 'chair' && m.sideId === sideId && !chairPowersWait(actor, facts.groupId);
}

/** A chair refused only because this group wants their step-up first: told so, with the code the browser knows. */
export function chairRefusal(actor: ActorFacts, facts: MeetingFacts, message: string): CallError {
  return chairPowersWait(actor, facts.groupId)
    ? new CallError(
        'chair_step_up_required',
        'Confirm with a passkey or an authenticator code first: this group asks it of chairs who signed in through an identity provider',
      )
    : new CallError('forbidden', message);
}

/** REST: the meeting, if the caller may know it exists; then `need` decides 403. */
export async function restCallAccess(
  ctx: AppContext,
  request: FastifyRequest,
  meetingId: string,
  need: 'join' | 'chair',
): Promise<{ actor: ActorFacts; facts: MeetingFacts; userId: string; sideId: string | null }> {
  const user = request.auth.user;
  if (!user) throw unauthorized();
  const actor = await actorOf(ctx, request);
  const facts = await findMeetingFacts(ctx.db, meetingId);
  if (!facts || !canSeeItem(actor, facts.item)) throw notFound('Meeting');
  if (need === 'chair') {
    if (!isCallChair(actor, facts)) {
      if (isCallChair(steppedUp(actor), facts)) throw await stepUpRefusal(ctx.db, request);
      throw forbidden('Only a chair of the group starts or ends its call');
    }
  } else {
    const s = await callStanding(ctx.db, actor, facts);
    if (s.kind === 'not_found') throw notFound('Meeting');
    if (s.kind === 'forbidden') throw forbidden(s.reason);
  }
  return { actor, facts, userId: user.id, sideId: membershipIn(actor, facts.groupId)?.sideId ?? null };
}

/**
 * REST for a side's caucus: the caller must take part in the call and chair their own side in the meeting's group
 * (an overseeing parent chair keys no caucus of a track). Returns who they are in the call.
 */
export async function restSideChair(
  ctx: AppContext,
  request: FastifyRequest,
  meetingId: string,
): Promise<{ facts: MeetingFacts; person: CallPerson }> {
  if (!request.auth.user) throw unauthorized();
  const actor = await actorOf(ctx, request);
  const facts = await findMeetingFacts(ctx.db, meetingId);
  if (!facts || !canSeeItem(actor, facts.item)) throw notFound('Meeting');
  const s = await callStanding(ctx.db, actor, facts);
  if (s.kind === 'not_found') throw notFound('Meeting');
  if (s.kind === 'forbidden') throw forbidden(s.reason);
  if (
    !s.person.overseer &&
    chairsSide(steppedUp(actor), facts, s.person.sideId) &&
    !chairsSide(actor, facts, s.person.sideId)
  )
    throw await stepUpRefusal(ctx.db, request);
  if (s.person.overseer || !chairsSide(actor, facts, s.person.sideId))
    throw forbidden('Only a chair of your side opens, recalls or closes its caucus');
  return { facts, person: s.person };
}
