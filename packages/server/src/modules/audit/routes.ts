import { AuditList, AuditQuery, GroupParams } from '@parley/protocol';
import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { userNames } from '../auth/queries.js';
import { authorizeGroup } from '../groups/access.js';
import { visibleUserIds } from '../groups/roster.js';
import { auditLog } from './schema.js';

/** A group's audit trail as its chairs and secretariat see it: shared entries plus their own side's. */
export async function auditRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/groups/:groupId/audit',
    { schema: { tags: ['audit'], params: GroupParams, querystring: AuditQuery, response: { 200: AuditList } } },
    async (request) => {
      const { actor, group } = await authorizeGroup(ctx, request, request.params.groupId, 'audit.read');
      const ownSide = actor.memberships.find((m) => m.groupId === group.id)?.sideId ?? null;
      // The marking filter is in SQL so that hidden entries never leave the database, not even as counts.
      const visible = ownSide
        ? or(eq(auditLog.marking, 'shared'), and(eq(auditLog.marking, 'side-only'), eq(auditLog.sideId, ownSide)))
        : eq(auditLog.marking, 'shared');
      const { limit, beforeSeq } = request.query;
      const rows = await ctx.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.groupId, group.id), visible, beforeSeq ? lt(auditLog.seq, beforeSeq) : sql`true`))
        .orderBy(desc(auditLog.seq))
        .limit(limit);
      // A side-only delegate acting on a shared item must not be revealed to the other side through the trail.
      const knowable = await visibleUserIds(ctx.db, actor, group);
      const showActor = (e: (typeof rows)[number]) =>
        e.actorUserId !== null &&
        (knowable.has(e.actorUserId) || (ownSide !== null && e.sideId === ownSide) || e.actorUserId === actor.userId);
      const names = await userNames(
        ctx.db,
        rows.map((r) => r.actorUserId).filter((x): x is string => x !== null),
      );
      return {
        entries: rows.map((e) => ({
          seq: e.seq,
          at: e.at.toISOString(),
          actorUserId: showActor(e) ? e.actorUserId : null,
          actorName: showActor(e) ? (names.get(e.actorUserId!)?.displayName ?? null) : null,
          action: e.action,
          resourceType: e.resourceType,
          resourceId: e.resourceId,
          groupId: e.groupId,
          sideId: e.sideId,
          marking: e.marking,
          beforeDigest: e.beforeDigest,
          afterDigest: e.afterDigest,
          hash: e.hash,
        })),
      };
    },
  );
}
