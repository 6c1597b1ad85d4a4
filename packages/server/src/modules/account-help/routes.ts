import {
  AccountHelpRequest,
  AccountHelpRequestBody,
  AccountHelpRequestList,
  GroupParams,
  IdParams,
  ResolveAccountHelpBody,
  ResolveAccountHelpResult,
} from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { standingIn } from '../../policy/policy.js';
import { requireUser } from '../auth/plugin.js';
import { authorize, authorizeGroup } from '../groups/access.js';
import { allRequests, requestAccountHelp, requestsOfSide, resolveRequest } from './service.js';

/**
 * A delegation's chair asks the instance administrator to reset or disable the account of one of the side's
 * people (who has lost a factor, or left); the administrator sees the requests and carries them out or declines.
 */
export async function accountHelpRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['account-help'];

  /** The caller's own side in the group, if they chair it; 404/403 otherwise. */
  const chairedSide = async (request: FastifyRequest, groupId: string) => {
    const { actor, group } = await authorizeGroup(ctx, request, groupId, 'group.read');
    const standing = standingIn(actor, group);
    const sideId = standing.kind === 'member' ? standing.sideId : '';
    await authorize(ctx, request, 'side.request-account-help', { type: 'side', group, sideId });
    return sideId;
  };

  r.get(
    '/api/groups/:groupId/account-requests',
    { schema: { tags, params: GroupParams, response: { 200: AccountHelpRequestList } } },
    async (request) => {
      const sideId = await chairedSide(request, request.params.groupId);
      return { requests: await requestsOfSide(ctx.db, request.params.groupId, sideId) };
    },
  );

  r.post(
    '/api/groups/:groupId/account-requests',
    { schema: { tags, params: GroupParams, body: AccountHelpRequestBody, response: { 201: AccountHelpRequest } } },
    async (request, reply) => {
      const user = requireUser(request);
      const { groupId } = request.params;
      const sideId = await chairedSide(request, groupId);
      const created = await requestAccountHelp(ctx, { userId: user.id, groupId, sideId }, request.body);
      reply.status(201);
      return created;
    },
  );

  r.get(
    '/api/admin/account-requests',
    { schema: { tags: ['admin'], response: { 200: AccountHelpRequestList } } },
    async (request) => {
      requireUser(request);
      await authorize(ctx, request, 'instance.administer', { type: 'instance' });
      return { requests: await allRequests(ctx.db) };
    },
  );

  r.post(
    '/api/admin/account-requests/:id/resolve',
    {
      schema: {
        tags: ['admin'],
        params: IdParams,
        body: ResolveAccountHelpBody,
        response: { 200: ResolveAccountHelpResult },
      },
    },
    async (request) => {
      const admin = requireUser(request);
      await authorize(ctx, request, 'instance.administer', { type: 'instance' });
      return resolveRequest(ctx, admin.id, request.params.id, request.body.decision);
    },
  );
}
