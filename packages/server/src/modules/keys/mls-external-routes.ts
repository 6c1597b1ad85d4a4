import {
  CommitAccepted,
  ExternalCommitBody,
  MlsGroup,
  MlsGroupParams,
  PublishedGroupInfo,
  PublishGroupInfoBody,
  ReestablishBody,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { authorizeMlsGroup } from './access.js';
import { acceptExternalCommit, currentGroupInfo, publishGroupInfo, reestablishGroup } from './mls-external.js';
import { viewMlsGroup } from './mls-queries.js';
import type { MlsRuntime } from './runtime.js';

const tags = ['mls'];

/** External joins (RFC 9420 §12.4.3.2) and starting a long-lived thread anew: see mls-external.ts. */
export async function mlsExternalRoutes(app: FastifyInstance, opts: { ctx: AppContext; runtime: MlsRuntime }) {
  const { ctx, runtime } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/mls/groups/:mlsGroupId/group-info',
    {
      schema: {
        tags,
        params: MlsGroupParams,
        body: PublishGroupInfoBody,
        response: { 200: z.object({ epoch: z.number().int() }) },
      },
    },
    async (request) => {
      const { actor, scope } = await authorizeMlsGroup(ctx, request, request.params.mlsGroupId);
      return publishGroupInfo(ctx, actor, scope, request.params.mlsGroupId, request.body);
    },
  );

  r.get(
    '/api/mls/groups/:mlsGroupId/group-info',
    { schema: { tags, params: MlsGroupParams, response: { 200: PublishedGroupInfo } } },
    async (request) => {
      const { group } = await authorizeMlsGroup(ctx, request, request.params.mlsGroupId);
      return currentGroupInfo(ctx, group);
    },
  );

  r.post(
    '/api/mls/groups/:mlsGroupId/external-commits',
    { schema: { tags, params: MlsGroupParams, body: ExternalCommitBody, response: { 201: CommitAccepted } } },
    async (request, reply) => {
      const { actor, scope } = await authorizeMlsGroup(ctx, request, request.params.mlsGroupId);
      const res = await acceptExternalCommit(ctx, actor, scope, request.params.mlsGroupId, request.body);
      runtime.nominator.schedule(res.nomination, request.params.mlsGroupId);
      reply.status(201);
      return { seq: res.seq, epoch: res.epoch };
    },
  );

  r.post(
    '/api/mls/groups/:mlsGroupId/reestablish',
    { schema: { tags, params: MlsGroupParams, body: ReestablishBody, response: { 201: MlsGroup } } },
    async (request, reply) => {
      const { actor, scope, group } = await authorizeMlsGroup(ctx, request, request.params.mlsGroupId);
      const fresh = await reestablishGroup(ctx, actor, scope, group, request.body);
      reply.status(201);
      return viewMlsGroup(ctx.db, fresh.id);
    },
  );
}
