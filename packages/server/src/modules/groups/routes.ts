import {
  AddMembershipBody,
  Agency,
  AgencyParams,
  CreateAgencyBody,
  CreateGroupBody,
  CreateSideBody,
  Group,
  GroupList,
  GroupParams,
  Membership,
  MembershipParams,
  Ok,
  Roster,
  Side,
  SideParams,
  UpdateAgencyBody,
  UpdateGroupBody,
  UpdateMembershipBody,
  UpdateSideBody,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { fieldError } from '../../http/errors.js';
import { decide, membershipIn, standingIn } from '../../policy/policy.js';
import { actorOf, requireUser } from '../auth/plugin.js';
import { findUserByEmail, userNames } from '../auth/queries.js';
import { authorize, authorizeGroup } from './access.js';
import { allGroups, findGroup, findMembership, groupDto, sideDto, sidesOf } from './queries.js';
import { buildRoster } from './roster.js';
import * as svc from './service.js';

const tags = ['groups'];

export async function groupRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  const groupView = async (groupId: string, request: Parameters<typeof actorOf>[1]) => {
    const actor = await actorOf(ctx, request);
    const g = (await findGroup(ctx.db, groupId))!;
    const facts = { id: g.id, kind: g.kind, parentGroupId: g.parentGroupId };
    return groupDto(
      g,
      await sidesOf(ctx.db, [g.id]),
      membershipIn(actor, g.id),
      standingIn(actor, facts).kind === 'overseer',
    );
  };

  r.get('/api/groups', { schema: { tags, response: { 200: GroupList } } }, async (request) => {
    requireUser(request);
    const actor = await actorOf(ctx, request);
    const visible = (await allGroups(ctx.db)).filter((g) =>
      decide(actor, 'group.read', { type: 'group', group: { id: g.id, kind: g.kind, parentGroupId: g.parentGroupId } }),
    );
    const groupSides = await sidesOf(
      ctx.db,
      visible.map((g) => g.id),
    );
    return {
      groups: visible.map((g) =>
        groupDto(
          g,
          groupSides,
          membershipIn(actor, g.id),
          standingIn(actor, { id: g.id, kind: g.kind, parentGroupId: g.parentGroupId }).kind === 'overseer',
        ),
      ),
    };
  });

  r.post(
    '/api/groups',
    { schema: { tags, body: CreateGroupBody, response: { 201: Group } } },
    async (request, reply) => {
      const user = requireUser(request);
      await authorize(ctx, request, 'instance.administer', { type: 'instance' });
      const g = await svc.createGroup(ctx, user.id, request.body);
      reply.status(201);
      return groupView(g.id, request);
    },
  );

  r.get(
    '/api/groups/:groupId',
    { schema: { tags, params: GroupParams, response: { 200: Group } } },
    async (request) => {
      await authorizeGroup(ctx, request, request.params.groupId, 'group.read');
      return groupView(request.params.groupId, request);
    },
  );

  r.patch(
    '/api/groups/:groupId',
    { schema: { tags, params: GroupParams, body: UpdateGroupBody, response: { 200: Group } } },
    async (request) => {
      const user = requireUser(request);
      await authorizeGroup(ctx, request, request.params.groupId, 'group.read');
      await authorize(ctx, request, 'instance.administer', { type: 'instance' });
      await svc.updateGroup(ctx, user.id, request.params.groupId, request.body);
      return groupView(request.params.groupId, request);
    },
  );

  r.get(
    '/api/groups/:groupId/roster',
    { schema: { tags, params: GroupParams, response: { 200: Roster } } },
    async (request) => {
      const { actor, group } = await authorizeGroup(ctx, request, request.params.groupId, 'roster.read');
      return buildRoster(ctx.db, actor, group);
    },
  );

  r.post(
    '/api/groups/:groupId/sides',
    { schema: { tags, params: GroupParams, body: CreateSideBody, response: { 201: Side } } },
    async (request, reply) => {
      const user = requireUser(request);
      const { group } = await authorizeGroup(ctx, request, request.params.groupId, 'group.read');
      await authorize(ctx, request, 'instance.administer', { type: 'instance' });
      reply.status(201);
      return sideDto(await svc.createSide(ctx, user.id, group, request.body));
    },
  );

  r.patch(
    '/api/groups/:groupId/sides/:sideId',
    { schema: { tags, params: SideParams, body: UpdateSideBody, response: { 200: Side } } },
    async (request) => {
      const user = requireUser(request);
      const { group } = await authorizeGroup(ctx, request, request.params.groupId, 'group.read');
      await authorize(ctx, request, 'instance.administer', { type: 'instance' });
      return sideDto(await svc.updateSide(ctx, user.id, group, request.params.sideId, request.body));
    },
  );

  const manageSide = async (request: Parameters<typeof actorOf>[1], groupId: string, sideId: string) => {
    const { group } = await authorizeGroup(ctx, request, groupId, 'group.read');
    await authorize(ctx, request, 'side.manage-delegation', { type: 'side', group, sideId });
    return group;
  };

  r.post(
    '/api/groups/:groupId/sides/:sideId/agencies',
    { schema: { tags, params: SideParams, body: CreateAgencyBody, response: { 201: Agency } } },
    async (request, reply) => {
      const user = requireUser(request);
      const group = await manageSide(request, request.params.groupId, request.params.sideId);
      reply.status(201);
      return svc.createAgency(ctx, user.id, group, request.params.sideId, request.body);
    },
  );

  r.patch(
    '/api/groups/:groupId/sides/:sideId/agencies/:agencyId',
    { schema: { tags, params: AgencyParams, body: UpdateAgencyBody, response: { 200: Agency } } },
    async (request) => {
      const user = requireUser(request);
      const { groupId, sideId, agencyId } = request.params;
      const group = await manageSide(request, groupId, sideId);
      return svc.updateAgency(ctx, user.id, group, sideId, agencyId, request.body);
    },
  );

  r.delete(
    '/api/groups/:groupId/sides/:sideId/agencies/:agencyId',
    { schema: { tags, params: AgencyParams, response: { 200: Ok } } },
    async (request) => {
      const user = requireUser(request);
      const { groupId, sideId, agencyId } = request.params;
      const group = await manageSide(request, groupId, sideId);
      await svc.deleteAgency(ctx, user.id, group, sideId, agencyId);
      return { ok: true as const };
    },
  );

  /** A delegate another side may not see is answered as "not found", never "forbidden". */
  const manageMembership = async (request: Parameters<typeof actorOf>[1], groupId: string, membershipId: string) => {
    const { group, actor } = await authorizeGroup(ctx, request, groupId, 'group.read');
    const existing = await findMembership(ctx.db, groupId, membershipId);
    const item = { group, sideId: existing.sideId, marking: existing.marking };
    if (!decide(actor, 'item.read', { type: 'item', item })) {
      throw fieldError(404, 'params.membershipId', 'no such membership', 'no_such_membership');
    }
    await authorize(ctx, request, 'side.manage-delegation', { type: 'side', group, sideId: existing.sideId });
    return group;
  };

  const membershipDto = async (m: Awaited<ReturnType<typeof findMembership>>) => {
    const n = (await userNames(ctx.db, [m.userId])).get(m.userId);
    return {
      id: m.id,
      groupId: m.groupId,
      sideId: m.sideId,
      userId: m.userId,
      displayName: n?.displayName ?? 'Unknown',
      ...(n ? { email: n.email } : {}),
      role: m.role,
      agencyId: m.agencyId,
      title: m.title,
      marking: m.marking,
    };
  };

  r.post(
    '/api/groups/:groupId/memberships',
    { schema: { tags, params: GroupParams, body: AddMembershipBody, response: { 201: Membership } } },
    async (request, reply) => {
      const user = requireUser(request);
      const { email, ...rest } = request.body;
      const group = await manageSide(request, request.params.groupId, rest.sideId);
      const target = await findUserByEmail(ctx.db, email);
      if (!target)
        throw fieldError(
          404,
          'body.email',
          'no account with this email; send an invitation instead',
          'no_account_invite',
        );
      const m = await svc.addMembership(ctx, user.id, group, { ...rest, userId: target.id });
      reply.status(201);
      return membershipDto(m);
    },
  );

  r.patch(
    '/api/groups/:groupId/memberships/:membershipId',
    { schema: { tags, params: MembershipParams, body: UpdateMembershipBody, response: { 200: Membership } } },
    async (request) => {
      const user = requireUser(request);
      const { groupId, membershipId } = request.params;
      const group = await manageMembership(request, groupId, membershipId);
      return membershipDto(await svc.updateMembership(ctx, user.id, group, membershipId, request.body));
    },
  );

  r.delete(
    '/api/groups/:groupId/memberships/:membershipId',
    { schema: { tags, params: MembershipParams, response: { 200: Ok } } },
    async (request) => {
      const user = requireUser(request);
      const { groupId, membershipId } = request.params;
      const group = await manageMembership(request, groupId, membershipId);
      await svc.removeMembership(ctx, user.id, group, membershipId);
      return { ok: true as const };
    },
  );
}
