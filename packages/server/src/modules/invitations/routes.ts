import {
  AcceptInvitationBody,
  CreateInvitationBody,
  GroupParams,
  InvitationAccepted,
  InvitationCreated,
  InvitationList,
  InvitationParams,
  InvitationPreview,
  InvitationTokenParams,
  Ok,
} from '@parley/protocol';
import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { decide, membershipIn } from '../../policy/policy.js';
import { requireUser } from '../auth/plugin.js';
import { toUserDto } from '../auth/queries.js';
import { startSession } from '../auth/sessions.js';
import { authorize, authorizeGroup } from '../groups/access.js';
import { findAgency, findGroup, findSide } from '../groups/queries.js';
import { invitations } from './schema.js';
import * as svc from './service.js';

const tags = ['invitations'];

const invitationDto = (i: svc.InvitationRow) => ({
  id: i.id,
  groupId: i.groupId,
  sideId: i.sideId,
  agencyId: i.agencyId,
  role: i.role,
  title: i.title,
  marking: i.marking,
  email: i.email,
  createdBy: i.createdBy,
  createdAt: i.createdAt.toISOString(),
  expiresAt: i.expiresAt.toISOString(),
});

export async function invitationRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/groups/:groupId/invitations',
    { schema: { tags, params: GroupParams, body: CreateInvitationBody, response: { 201: InvitationCreated } } },
    async (request, reply) => {
      const user = requireUser(request);
      const { group } = await authorizeGroup(ctx, request, request.params.groupId, 'group.read');
      await authorize(ctx, request, 'side.manage-delegation', { type: 'side', group, sideId: request.body.sideId });
      const { invitation, token } = await svc.createInvitation(ctx, user.id, group, request.body);
      reply.status(201);
      return {
        id: invitation.id,
        token,
        url: `${ctx.config.publicUrl}/invite/${token}`,
        expiresAt: invitation.expiresAt.toISOString(),
      };
    },
  );

  r.get(
    '/api/groups/:groupId/invitations',
    { schema: { tags, params: GroupParams, response: { 200: InvitationList } } },
    async (request) => {
      const { actor, group } = await authorizeGroup(ctx, request, request.params.groupId, 'group.read');
      // The operator sees every side's; a chair or secretariat only their own side's, never the other's.
      const ownSide = actor.isAdmin ? null : (membershipIn(actor, group.id)?.sideId ?? '');
      if (ownSide !== null)
        await authorize(ctx, request, 'side.manage-delegation', { type: 'side', group, sideId: ownSide });
      const rows = await ctx.db
        .select()
        .from(invitations)
        .where(
          and(
            eq(invitations.groupId, group.id),
            isNull(invitations.usedAt),
            gt(invitations.expiresAt, new Date()),
            ownSide === null ? undefined : eq(invitations.sideId, ownSide),
          ),
        )
        .orderBy(asc(invitations.createdAt));
      return { invitations: rows.map(invitationDto) };
    },
  );

  r.delete(
    '/api/groups/:groupId/invitations/:id',
    { schema: { tags, params: InvitationParams, response: { 200: Ok } } },
    async (request) => {
      const user = requireUser(request);
      const { actor, group } = await authorizeGroup(ctx, request, request.params.groupId, 'group.read');
      const [inv] = await ctx.db
        .select()
        .from(invitations)
        .where(and(eq(invitations.id, request.params.id), eq(invitations.groupId, group.id)));
      if (!inv) throw notFound('Invitation');
      const side = { type: 'side' as const, group, sideId: inv.sideId };
      // Another side's invitation is answered exactly like a missing one; one's own side's gets a 403.
      if (!decide(actor, 'side.manage-delegation', side) && membershipIn(actor, group.id)?.sideId !== inv.sideId) {
        throw notFound('Invitation');
      }
      await authorize(ctx, request, 'side.manage-delegation', side);
      await svc.revokeInvitation(ctx, user.id, inv);
      return { ok: true as const };
    },
  );

  r.get(
    '/api/invitations/:token',
    { schema: { tags, params: InvitationTokenParams, response: { 200: InvitationPreview } } },
    async (request) => {
      // The token is the capability: whoever holds it may see what it offers, without signing in.
      const inv = await svc.findUsableInvitation(ctx.db, request.params.token, 'params.token');
      const group = await findGroup(ctx.db, inv.groupId);
      const side = await findSide(ctx.db, inv.groupId, inv.sideId);
      const agency = inv.agencyId ? await findAgency(ctx.db, inv.groupId, inv.sideId, inv.agencyId) : null;
      return {
        groupName: group?.name ?? '',
        sideName: side.name,
        agencyName: agency?.name ?? null,
        role: inv.role,
        title: inv.title,
        email: inv.email,
        expiresAt: inv.expiresAt.toISOString(),
      };
    },
  );

  r.post(
    '/api/invitations/accept',
    { schema: { tags, body: AcceptInvitationBody, response: { 201: InvitationAccepted } } },
    async (request, reply) => {
      const { user, membership, groupId } = await svc.acceptInvitation(ctx, request.body);
      await startSession(ctx, request, reply, user.id, 'full', 'auth.login');
      reply.status(201);
      return { user: await toUserDto(ctx.db, user), groupId, membershipId: membership.id };
    },
  );

  r.post(
    '/api/invitations/:token/join',
    { schema: { tags, params: InvitationTokenParams, response: { 200: InvitationAccepted } } },
    async (request) => {
      const user = requireUser(request);
      const { membership, groupId } = await svc.joinInvitation(ctx, user, request.params.token);
      return { user: await toUserDto(ctx.db, user), groupId, membershipId: membership.id };
    },
  );
}
