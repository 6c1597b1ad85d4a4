import type { AccountHelpKind, AccountHelpRequest } from '@parley/protocol';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { conflict, fieldError, withCode } from '../../http/errors.js';
import { runWrite } from '../../services/write.js';
import { applyAccountAction, prepareAccountAction } from '../auth/admin-accounts.js';
import { userNames } from '../auth/queries.js';
import { findGroup, membersOfGroup, sidesOf } from '../groups/queries.js';
import { accountHelpRequests } from './schema.js';

type Row = typeof accountHelpRequests.$inferSelect;

export async function toDtos(db: DbOrTx, rows: Row[]): Promise<AccountHelpRequest[]> {
  const names = await userNames(
    db,
    rows.flatMap((r) => [r.subjectUserId, r.requestedBy]),
  );
  const groupIds = [...new Set(rows.map((r) => r.groupId))];
  const groupNames = new Map<string, string>();
  for (const id of groupIds) groupNames.set(id, (await findGroup(db, id))?.name ?? '');
  const sideNames = new Map((await sidesOf(db, groupIds)).map((s) => [s.id, s.name]));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    status: r.status,
    note: r.note,
    createdAt: r.createdAt.toISOString(),
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
    subject: {
      id: r.subjectUserId,
      displayName: names.get(r.subjectUserId)?.displayName ?? '',
      email: names.get(r.subjectUserId)?.email ?? '',
    },
    requestedBy: { id: r.requestedBy, displayName: names.get(r.requestedBy)?.displayName ?? '' },
    group: { id: r.groupId, name: groupNames.get(r.groupId) ?? '' },
    side: { id: r.sideId, name: sideNames.get(r.sideId) ?? '' },
  }));
}

/** A chair asks for one of the side's own people; anyone else in the group is "not found", hidden or not. */
export async function requestAccountHelp(
  ctx: Pick<AppContext, 'db' | 'hub'>,
  chair: { userId: string; groupId: string; sideId: string },
  input: { userId: string; kind: AccountHelpKind; note: string },
): Promise<AccountHelpRequest> {
  const member = (await membersOfGroup(ctx.db, chair.groupId)).find(
    (m) => m.userId === input.userId && m.sideId === chair.sideId,
  );
  if (!member) throw fieldError(404, 'body.userId', 'nobody of your delegation has this account', 'not_in_delegation');
  const row = await runWrite(ctx, chair.userId, async (w) => {
    const [open] = await w.tx
      .select({ id: accountHelpRequests.id })
      .from(accountHelpRequests)
      .where(
        and(
          eq(accountHelpRequests.subjectUserId, input.userId),
          eq(accountHelpRequests.kind, input.kind),
          eq(accountHelpRequests.status, 'open'),
        ),
      );
    if (open)
      throw withCode(
        conflict('The administrator already has this request and has not acted on it yet'),
        'request_pending',
      );
    const [created] = await w.tx
      .insert(accountHelpRequests)
      .values({
        subjectUserId: input.userId,
        requestedBy: chair.userId,
        groupId: chair.groupId,
        sideId: chair.sideId,
        kind: input.kind,
        note: input.note,
      })
      .returning();
    // Side-only: the other side learns nothing of a delegation's account troubles.
    await w.audit({
      action: 'account_help.request',
      resourceType: 'account_help_request',
      resourceId: created!.id,
      groupId: chair.groupId,
      sideId: chair.sideId,
      marking: 'side-only',
      after: { kind: input.kind, subjectUserId: input.userId },
    });
    return created!;
  });
  return (await toDtos(ctx.db, [row]))[0]!;
}

export async function requestsOfSide(db: DbOrTx, groupId: string, sideId: string): Promise<AccountHelpRequest[]> {
  const rows = await db
    .select()
    .from(accountHelpRequests)
    .where(and(eq(accountHelpRequests.groupId, groupId), eq(accountHelpRequests.sideId, sideId)))
    .orderBy(desc(accountHelpRequests.createdAt))
    .limit(100);
  return toDtos(db, rows);
}

/** Open requests first, then the most recent answered ones. */
export async function allRequests(db: DbOrTx): Promise<AccountHelpRequest[]> {
  const rows = await db
    .select()
    .from(accountHelpRequests)
    .orderBy(sql`${accountHelpRequests.status} = 'open' desc`, desc(accountHelpRequests.createdAt))
    .limit(200);
  return toDtos(db, rows);
}

/** The administrator carries a request out (the account action and the answer in one audited write) or declines. */
export async function resolveRequest(
  ctx: Pick<AppContext, 'db' | 'hub'>,
  adminId: string,
  requestId: string,
  decision: 'carry_out' | 'decline',
): Promise<{ request: AccountHelpRequest; temporaryPassword: string | null }> {
  const [pending] = await ctx.db.select().from(accountHelpRequests).where(eq(accountHelpRequests.id, requestId));
  if (!pending) throw fieldError(404, 'params.id', 'no such request', 'no_such_request');
  const prepared = decision === 'carry_out' ? await prepareAccountAction(pending.kind) : null;
  const row = await runWrite(ctx, adminId, async (w) => {
    const [claimed] = await w.tx
      .update(accountHelpRequests)
      .set({ status: prepared ? 'done' : 'declined', resolvedAt: new Date(), resolvedBy: adminId })
      .where(and(eq(accountHelpRequests.id, requestId), inArray(accountHelpRequests.status, ['open'])))
      .returning();
    if (!claimed) throw withCode(conflict('This request has already been answered'), 'request_answered');
    if (prepared) await applyAccountAction(w, pending.subjectUserId, prepared);
    await w.audit({
      action: prepared ? 'account_help.carry_out' : 'account_help.decline',
      resourceType: 'account_help_request',
      resourceId: requestId,
      groupId: pending.groupId,
      sideId: pending.sideId,
      marking: 'side-only',
      after: { kind: pending.kind, subjectUserId: pending.subjectUserId },
    });
    return claimed;
  });
  return { request: (await toDtos(ctx.db, [row]))[0]!, temporaryPassword: prepared?.temporaryPassword ?? null };
}
