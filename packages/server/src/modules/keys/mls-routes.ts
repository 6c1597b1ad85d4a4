import {
  ClaimedKeyPackages,
  ClaimKeyPackagesBody,
  CommitAccepted,
  CommitBody,
  CreateMlsGroupBody,
  LeaveBody,
  MlsGroup,
  MlsGroupParams,
  MlsGroupQuery,
  MlsMessageList,
  MlsMessageQuery,
  MlsSent,
  MlsWelcomeList,
  PendingRemovals,
  RemoveMemberBody,
  SendMlsMessageBody,
  WelcomeQuery,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { requireUser } from '../auth/plugin.js';
import { authorizeContext, authorizeMlsGroup } from './access.js';
import { canonicalContext } from './contexts.js';
import { ownActiveDevice } from './devices.js';
import { claimKeyPackages, leaveGroup, messagesFor, requestRemoval, welcomesFor } from './mls-membership.js';
import { findMlsGroupByContext, viewMlsGroup } from './mls-queries.js';
import { acceptCommit, createMlsGroup, sendApplicationMessage } from './mls-service.js';
import type { MlsRuntime } from './runtime.js';

const tags = ['mls'];

/** The MLS Delivery Service: orders handshake messages, one commit per epoch, ciphertext only. */
export async function mlsRoutes(app: FastifyInstance, opts: { ctx: AppContext; runtime: MlsRuntime }) {
  const { ctx, runtime } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  const view = (id: string) => viewMlsGroup(ctx.db, id);

  r.post(
    '/api/mls/groups',
    { schema: { tags, body: CreateMlsGroupBody, response: { 201: MlsGroup } } },
    async (request, reply) => {
      const context = canonicalContext(request.body.context);
      const { actor, scope } = await authorizeContext(ctx, request, context);
      const g = await createMlsGroup(ctx, actor, scope, { ...request.body, context });
      reply.status(201);
      return view(g.id);
    },
  );

  r.get(
    '/api/mls/groups',
    { schema: { tags, querystring: MlsGroupQuery, response: { 200: MlsGroup } } },
    async (request) => {
      const context = canonicalContext(request.query.context);
      await authorizeContext(ctx, request, context);
      const g = await findMlsGroupByContext(ctx.db, context);
      if (!g) throw notFound('MLS group');
      return view(g.id);
    },
  );

  r.get(
    '/api/mls/groups/:mlsGroupId',
    { schema: { tags, params: MlsGroupParams, response: { 200: MlsGroup } } },
    async (request) => {
      await authorizeMlsGroup(ctx, request, request.params.mlsGroupId);
      return view(request.params.mlsGroupId);
    },
  );

  r.post(
    '/api/mls/groups/:mlsGroupId/key-packages/claim',
    { schema: { tags, params: MlsGroupParams, body: ClaimKeyPackagesBody, response: { 200: ClaimedKeyPackages } } },
    async (request) => {
      const { actor, scope } = await authorizeMlsGroup(ctx, request, request.params.mlsGroupId);
      return claimKeyPackages(ctx, actor, scope, request.params.mlsGroupId, request.body);
    },
  );

  r.post(
    '/api/mls/groups/:mlsGroupId/commits',
    { schema: { tags, params: MlsGroupParams, body: CommitBody, response: { 201: CommitAccepted } } },
    async (request, reply) => {
      const { actor, scope } = await authorizeMlsGroup(ctx, request, request.params.mlsGroupId);
      const res = await acceptCommit(ctx, actor, scope, request.params.mlsGroupId, request.body);
      runtime.nominator.schedule(res.nomination, request.params.mlsGroupId);
      reply.status(201);
      return { seq: res.seq, epoch: res.epoch };
    },
  );

  r.get(
    '/api/mls/groups/:mlsGroupId/messages',
    { schema: { tags, params: MlsGroupParams, querystring: MlsMessageQuery, response: { 200: MlsMessageList } } },
    async (request) => {
      await authorizeMlsGroup(ctx, request, request.params.mlsGroupId);
      return messagesFor(ctx.db, requireUser(request).id, request.params.mlsGroupId, request.query);
    },
  );

  r.post(
    '/api/mls/groups/:mlsGroupId/messages',
    { schema: { tags, params: MlsGroupParams, body: SendMlsMessageBody, response: { 201: MlsSent } } },
    async (request, reply) => {
      const { actor, scope } = await authorizeMlsGroup(ctx, request, request.params.mlsGroupId);
      const sent = await sendApplicationMessage(ctx, actor, scope, request.params.mlsGroupId, request.body);
      reply.status(201);
      return sent;
    },
  );

  r.post(
    '/api/mls/groups/:mlsGroupId/leave',
    { schema: { tags, params: MlsGroupParams, body: LeaveBody, response: { 200: PendingRemovals } } },
    async (request) => {
      const { actor, scope } = await authorizeMlsGroup(ctx, request, request.params.mlsGroupId);
      const res = await leaveGroup(ctx, actor, scope, request.params.mlsGroupId, { deviceId: request.body.deviceId });
      runtime.nominator.schedule(res.nomination, request.params.mlsGroupId);
      return { removing: res.removing, nominee: res.nomination };
    },
  );

  r.post(
    '/api/mls/groups/:mlsGroupId/removals',
    { schema: { tags, params: MlsGroupParams, body: RemoveMemberBody, response: { 200: PendingRemovals } } },
    async (request) => {
      const { actor, scope } = await authorizeMlsGroup(ctx, request, request.params.mlsGroupId);
      const res = await requestRemoval(ctx, actor, scope, request.params.mlsGroupId, request.body.userId);
      runtime.nominator.schedule(res.nomination, request.params.mlsGroupId);
      return { removing: res.removing, nominee: res.nomination };
    },
  );

  r.get(
    '/api/mls/welcomes',
    { schema: { tags, querystring: WelcomeQuery, response: { 200: MlsWelcomeList } } },
    async (request) => {
      const user = requireUser(request);
      await ownActiveDevice(ctx.db, user.id, request.query.deviceId);
      return welcomesFor(ctx.db, request.query.deviceId);
    },
  );
}
