import type { Marking, Role } from '@parley/protocol';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { conflict, fieldError, HttpError, withCode } from '../../http/errors.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import type { GroupFacts } from '../../policy/policy.js';
import { runWrite, type WriteScope } from '../../services/write.js';
import { hashPassword } from '../auth/passwords.js';
import type { UserRow } from '../auth/queries.js';
import { createUser } from '../auth/users.js';
import { findAgency, findSide, groupFacts } from '../groups/queries.js';
import { addMembership } from '../groups/service.js';
import { invitations } from './schema.js';

type Ctx = Pick<AppContext, 'db' | 'hub'>;
export type InvitationRow = typeof invitations.$inferSelect;

export interface InvitationInput {
  sideId: string;
  role: Role;
  agencyId: string | null;
  title: string;
  marking: Marking;
  email?: string | undefined;
  expiresInHours: number;
}

// Who was invited (often by name and email) is the inviting side's business: audited side-only.
const auditInvitation = (w: WriteScope, action: string, inv: InvitationRow, after?: unknown) =>
  w.audit({
    action,
    resourceType: 'invitation',
    resourceId: inv.id,
    groupId: inv.groupId,
    sideId: inv.sideId,
    marking: 'side-only',
    ...(after === undefined ? {} : { after }),
  });

/** Returns the token once; only its SHA-256 is kept, so the database cannot be mined for working links. */
export async function createInvitation(ctx: Ctx, actorUserId: string, group: GroupFacts, input: InvitationInput) {
  await findSide(ctx.db, group.id, input.sideId).catch(() => {
    throw fieldError(404, 'body.sideId', 'no such side in this group', 'no_such_side');
  });
  if (input.agencyId) {
    await findAgency(ctx.db, group.id, input.sideId, input.agencyId).catch(() => {
      throw fieldError(404, 'body.agencyId', 'no such agency on this side', 'no_such_agency');
    });
  }
  const token = randomToken();
  const row = await runWrite(ctx, actorUserId, async (w) => {
    const [inv] = await w.tx
      .insert(invitations)
      .values({
        tokenHash: sha256Hex(token),
        groupId: group.id,
        sideId: input.sideId,
        agencyId: input.agencyId,
        role: input.role,
        title: input.title,
        marking: input.marking,
        email: input.email ?? null,
        createdBy: actorUserId,
        expiresAt: new Date(Date.now() + input.expiresInHours * 3_600_000),
      })
      .returning();
    await auditInvitation(w, 'invitation.create', inv!, {
      id: inv!.id,
      sideId: inv!.sideId,
      agencyId: inv!.agencyId,
      role: inv!.role,
      email: inv!.email,
      expiresAt: inv!.expiresAt.toISOString(),
    });
    return inv!;
  });
  return { invitation: row, token };
}

const gone = (path: string, detail: string, code: string) =>
  new HttpError(410, 'Gone', detail, [{ path, message: detail, code }]);

/** The invitation behind a token: 404 when unknown, 410 once used or expired. */
export async function findUsableInvitation(db: DbOrTx, token: string, path: string): Promise<InvitationRow> {
  const [inv] = await db
    .select()
    .from(invitations)
    .where(eq(invitations.tokenHash, sha256Hex(token)));
  if (!inv) throw fieldError(404, path, 'no such invitation', 'no_such_invitation');
  if (inv.usedAt) throw gone(path, 'this invitation has already been used', 'invitation_used');
  if (inv.expiresAt.getTime() <= Date.now()) throw gone(path, 'this invitation has expired', 'invitation_expired');
  return inv;
}

/**
 * Marks the invitation used, once: of two concurrent acceptances the second finds `used_at` set after the
 * first commits, updates nothing and is refused.
 */
async function claim(w: WriteScope, inv: InvitationRow, usedBy: string | null, path: string): Promise<void> {
  const [row] = await w.tx
    .update(invitations)
    .set({ usedAt: new Date(), usedBy })
    .where(and(eq(invitations.id, inv.id), isNull(invitations.usedAt), gt(invitations.expiresAt, sql`now()`)))
    .returning({ id: invitations.id });
  if (!row) throw gone(path, 'this invitation has already been used', 'invitation_used');
}

async function joinAs(ctx: Ctx, w: WriteScope, inv: InvitationRow, userId: string) {
  const group = await groupFacts(w.tx, inv.groupId);
  const m = await addMembership(w.nested(ctx), w.actorUserId, group, {
    userId,
    sideId: inv.sideId,
    role: inv.role,
    agencyId: inv.agencyId,
    title: inv.title,
    marking: inv.marking,
  });
  await auditInvitation(w, 'invitation.accept', inv, { id: inv.id, usedBy: userId, membershipId: m.id });
  return m;
}

/** A newcomer: the account, the membership and the used mark are one transaction — all or nothing. */
export async function acceptInvitation(
  ctx: Ctx,
  input: { token: string; email: string; displayName: string; password: string },
) {
  const inv = await findUsableInvitation(ctx.db, input.token, 'body.token');
  if (inv.email && inv.email !== input.email) {
    throw new HttpError(403, 'Forbidden', 'This invitation was sent to a different email address', [
      { path: 'body.email', message: 'does not match the invitation', code: 'invitation_other_email' },
    ]);
  }
  const passwordHash = await hashPassword(input.password);
  return runWrite(ctx, null, async (w) => {
    await claim(w, inv, null, 'body.token');
    const user = await createUser(w.nested(ctx), null, {
      email: input.email,
      displayName: input.displayName,
      password: null,
      passwordHash,
      isAdmin: false,
    });
    await w.tx.update(invitations).set({ usedBy: user.id }).where(eq(invitations.id, inv.id));
    const membership = await joinAs(ctx, w, inv, user.id);
    return { user, membership, groupId: inv.groupId };
  });
}

/** Someone who already has an account joins with it. */
export async function joinInvitation(ctx: Ctx, user: UserRow, token: string) {
  const inv = await findUsableInvitation(ctx.db, token, 'params.token');
  if (inv.email && inv.email !== user.email) {
    throw new HttpError(403, 'Forbidden', 'This invitation was sent to a different email address', [
      { path: 'params.token', message: 'addressed to another account', code: 'invitation_other_email' },
    ]);
  }
  return runWrite(ctx, user.id, async (w) => {
    await claim(w, inv, user.id, 'params.token');
    const membership = await joinAs(ctx, w, inv, user.id);
    return { membership, groupId: inv.groupId };
  });
}

export async function revokeInvitation(ctx: Ctx, actorUserId: string, inv: InvitationRow) {
  await runWrite(ctx, actorUserId, async (w) => {
    const [row] = await w.tx
      .delete(invitations)
      .where(and(eq(invitations.id, inv.id), isNull(invitations.usedAt)))
      .returning({ id: invitations.id });
    if (!row) throw withCode(conflict('This invitation has already been used'), 'invitation_used');
    await auditInvitation(w, 'invitation.revoke', inv);
  });
}
