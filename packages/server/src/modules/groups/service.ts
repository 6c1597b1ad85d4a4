import { domainEvent, type Marking, type Role, type RosterChangedEvent } from '@parley/protocol';
import { and, eq, max } from 'drizzle-orm';
import { conflict, fieldError, withCode } from '../../http/errors.js';
import type { GroupFacts } from '../../policy/policy.js';
import { runWrite, type WriteContext, type WriteScope } from '../../services/write.js';
import { findAgency, findGroup, findMembership, findSide } from './queries.js';
import { agencies, groups, memberships, sides } from './schema.js';

type Ctx = WriteContext;

function rosterChanged(
  w: WriteScope,
  group: GroupFacts,
  sideId: string | null,
  marking: Marking,
  resourceType: RosterChangedEvent['resourceType'],
  resourceId: string,
) {
  w.emit({
    topic: `group:${group.id}`,
    event: domainEvent('roster.changed', { groupId: group.id, resourceType, resourceId }),
    audience: { item: { group, sideId, marking } },
  });
}

export async function createGroup(
  ctx: Ctx,
  actorUserId: string | null,
  input: { name: string; description: string; kind: 'group' | 'track'; parentGroupId: string | null },
) {
  if (input.kind === 'track') {
    if (!input.parentGroupId)
      throw fieldError(400, 'body.parentGroupId', 'a track needs its parent group', 'track_needs_parent');
    const parent = await findGroup(ctx.db, input.parentGroupId);
    if (!parent) throw fieldError(404, 'body.parentGroupId', 'no such group', 'no_such_group');
    if (parent.kind !== 'group')
      throw fieldError(
        400,
        'body.parentGroupId',
        'a track belongs to a group, not to another track',
        'track_under_track',
      );
  } else if (input.parentGroupId) {
    throw fieldError(400, 'body.parentGroupId', 'only tracks have a parent group', 'parent_only_for_tracks');
  }
  return runWrite(ctx, actorUserId, async (w) => {
    const [g] = await w.tx.insert(groups).values(input).returning();
    await w.audit({
      action: 'group.create',
      resourceType: 'group',
      resourceId: g!.id,
      groupId: g!.id,
      sideId: null,
      marking: 'shared',
      after: g,
    });
    return g!;
  });
}

export async function updateGroup(
  ctx: Ctx,
  actorUserId: string,
  groupId: string,
  patch: { name?: string; description?: string; chairStepUp?: boolean },
) {
  return runWrite(ctx, actorUserId, async (w) => {
    const before = await findGroup(w.tx, groupId);
    const [g] = await w.tx.update(groups).set(patch).where(eq(groups.id, groupId)).returning();
    await w.audit({
      action: 'group.update',
      resourceType: 'group',
      resourceId: groupId,
      groupId,
      sideId: null,
      marking: 'shared',
      before,
      after: g,
    });
    return g!;
  });
}

export async function createSide(
  ctx: Ctx,
  actorUserId: string | null,
  group: GroupFacts,
  input: { name: string; shortCode: string; colour: string; parentSideId?: string | null },
) {
  return runWrite(ctx, actorUserId, async (w) => {
    const [dup] = await w.tx
      .select({ id: sides.id })
      .from(sides)
      .where(and(eq(sides.groupId, group.id), eq(sides.shortCode, input.shortCode)));
    if (dup)
      throw conflict('A side with this short code exists', undefined, [
        { path: 'body.shortCode', message: 'already used in this group', code: 'short_code_taken' },
      ]);
    const [{ value: last } = { value: null }] = await w.tx
      .select({ value: max(sides.position) })
      .from(sides)
      .where(eq(sides.groupId, group.id));
    const [s] = await w.tx
      .insert(sides)
      .values({ ...input, groupId: group.id, position: (last ?? -1) + 1 })
      .returning();
    await w.audit({
      action: 'side.create',
      resourceType: 'side',
      resourceId: s!.id,
      groupId: group.id,
      sideId: s!.id,
      marking: 'shared',
      after: s,
    });
    rosterChanged(w, group, s!.id, 'shared', 'side', s!.id);
    return s!;
  });
}

export async function updateSide(
  ctx: Ctx,
  actorUserId: string,
  group: GroupFacts,
  sideId: string,
  patch: { name?: string; shortCode?: string; colour?: string },
) {
  return runWrite(ctx, actorUserId, async (w) => {
    const before = await findSide(w.tx, group.id, sideId);
    if (patch.shortCode && patch.shortCode !== before.shortCode) {
      const [dup] = await w.tx
        .select({ id: sides.id })
        .from(sides)
        .where(and(eq(sides.groupId, group.id), eq(sides.shortCode, patch.shortCode)));
      if (dup)
        throw conflict('A side with this short code exists', undefined, [
          { path: 'body.shortCode', message: 'already used in this group', code: 'short_code_taken' },
        ]);
    }
    const [s] = await w.tx.update(sides).set(patch).where(eq(sides.id, sideId)).returning();
    await w.audit({
      action: 'side.update',
      resourceType: 'side',
      resourceId: sideId,
      groupId: group.id,
      sideId,
      marking: 'shared',
      before,
      after: s,
    });
    rosterChanged(w, group, sideId, 'shared', 'side', sideId);
    return s!;
  });
}

export async function createAgency(
  ctx: Ctx,
  actorUserId: string | null,
  group: GroupFacts,
  sideId: string,
  input: { name: string; marking: Marking },
) {
  return runWrite(ctx, actorUserId, async (w) => {
    await findSide(w.tx, group.id, sideId);
    const [a] = await w.tx
      .insert(agencies)
      .values({ ...input, groupId: group.id, sideId })
      .returning();
    await w.audit({
      action: 'agency.create',
      resourceType: 'agency',
      resourceId: a!.id,
      groupId: group.id,
      sideId,
      marking: input.marking,
      after: a,
    });
    rosterChanged(w, group, sideId, input.marking, 'agency', a!.id);
    return a!;
  });
}

export async function updateAgency(
  ctx: Ctx,
  actorUserId: string,
  group: GroupFacts,
  sideId: string,
  agencyId: string,
  patch: { name?: string; marking?: Marking },
) {
  return runWrite(ctx, actorUserId, async (w) => {
    const before = await findAgency(w.tx, group.id, sideId, agencyId);
    const [a] = await w.tx.update(agencies).set(patch).where(eq(agencies.id, agencyId)).returning();
    // Audit and announce under the stricter of old and new marking, so a downgrade to side-only does not leak.
    const marking: Marking = before.marking === 'side-only' || a!.marking === 'side-only' ? 'side-only' : 'shared';
    await w.audit({
      action: 'agency.update',
      resourceType: 'agency',
      resourceId: agencyId,
      groupId: group.id,
      sideId,
      marking,
      before,
      after: a,
    });
    rosterChanged(w, group, sideId, marking, 'agency', agencyId);
    return a!;
  });
}

export async function deleteAgency(ctx: Ctx, actorUserId: string, group: GroupFacts, sideId: string, agencyId: string) {
  return runWrite(ctx, actorUserId, async (w) => {
    const before = await findAgency(w.tx, group.id, sideId, agencyId);
    const [used] = await w.tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(eq(memberships.agencyId, agencyId))
      .limit(1);
    if (used) throw withCode(conflict('Move or remove the delegates of this agency first'), 'agency_in_use');
    await w.tx.delete(agencies).where(eq(agencies.id, agencyId));
    await w.audit({
      action: 'agency.delete',
      resourceType: 'agency',
      resourceId: agencyId,
      groupId: group.id,
      sideId,
      marking: before.marking,
      before,
    });
    rosterChanged(w, group, sideId, before.marking, 'agency', agencyId);
  });
}

export interface MembershipInput {
  userId: string;
  sideId: string;
  role: Role;
  agencyId: string | null;
  title: string;
  marking: Marking;
}

export async function addMembership(ctx: Ctx, actorUserId: string | null, group: GroupFacts, input: MembershipInput) {
  return runWrite(ctx, actorUserId, async (w) => {
    await findSide(w.tx, group.id, input.sideId).catch(() => {
      throw fieldError(404, 'body.sideId', 'no such side in this group', 'no_such_side');
    });
    if (input.agencyId) {
      await findAgency(w.tx, group.id, input.sideId, input.agencyId).catch(() => {
        throw fieldError(404, 'body.agencyId', 'no such agency on this side', 'no_such_agency');
      });
    }
    const [existing] = await w.tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.groupId, group.id), eq(memberships.userId, input.userId)));
    if (existing)
      throw conflict('This person is already in the group', undefined, [
        { path: 'body.email', message: 'already a member of this group', code: 'already_member' },
      ]);
    const [m] = await w.tx
      .insert(memberships)
      .values({ ...input, groupId: group.id })
      .returning();
    await w.audit({
      action: 'membership.create',
      resourceType: 'membership',
      resourceId: m!.id,
      groupId: group.id,
      sideId: input.sideId,
      marking: input.marking,
      after: m,
    });
    rosterChanged(w, group, input.sideId, input.marking, 'membership', m!.id);
    return m!;
  });
}

export async function updateMembership(
  ctx: Ctx,
  actorUserId: string | null,
  group: GroupFacts,
  membershipId: string,
  patch: { role?: Role; agencyId?: string | null; title?: string; marking?: Marking },
) {
  return runWrite(ctx, actorUserId, async (w) => {
    const before = await findMembership(w.tx, group.id, membershipId);
    if (patch.agencyId) {
      await findAgency(w.tx, group.id, before.sideId, patch.agencyId).catch(() => {
        throw fieldError(404, 'body.agencyId', 'no such agency on this side', 'no_such_agency');
      });
    }
    const [m] = await w.tx.update(memberships).set(patch).where(eq(memberships.id, membershipId)).returning();
    const marking: Marking = before.marking === 'side-only' || m!.marking === 'side-only' ? 'side-only' : 'shared';
    await w.audit({
      action: 'membership.update',
      resourceType: 'membership',
      resourceId: membershipId,
      groupId: group.id,
      sideId: before.sideId,
      marking,
      before,
      after: m,
    });
    rosterChanged(w, group, before.sideId, marking, 'membership', membershipId);
    return m!;
  });
}

export async function removeMembership(ctx: Ctx, actorUserId: string, group: GroupFacts, membershipId: string) {
  return runWrite(ctx, actorUserId, async (w) => {
    const before = await findMembership(w.tx, group.id, membershipId);
    await w.tx.delete(memberships).where(eq(memberships.id, membershipId));
    await w.audit({
      action: 'membership.delete',
      resourceType: 'membership',
      resourceId: membershipId,
      groupId: group.id,
      sideId: before.sideId,
      marking: before.marking,
      before,
    });
    rosterChanged(w, group, before.sideId, before.marking, 'membership', membershipId);
  });
}
