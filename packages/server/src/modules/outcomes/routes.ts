import {
  CreateOutcomeBody,
  GroupParams,
  Ok,
  Outcome,
  OutcomeList,
  OutcomeParams,
  OutcomeQuery,
  OutcomeStatusBody,
  OutcomeSummary,
  UpdateOutcomeBody,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { type ActorFacts, decide, type GroupFacts } from '../../policy/policy.js';
import { authorize, authorizeGroup } from '../groups/access.js';
import { visibleOutcome } from './access.js';
import { listOutcomes, type OutcomeRow, outcomeDtos, outcomeItem, outcomeSummary } from './queries.js';
import * as svc from './service.js';

const tags = ['outcomes'];

export async function outcomeRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const one = async (actor: ActorFacts, group: GroupFacts, row: OutcomeRow) =>
    (await outcomeDtos(ctx.db, actor, group, [row]))[0]!;

  r.get(
    '/api/groups/:groupId/outcomes',
    { schema: { tags, params: GroupParams, querystring: OutcomeQuery, response: { 200: OutcomeList } } },
    async (request) => {
      const { actor, group } = await authorizeGroup(ctx, request, request.params.groupId, 'group.read');
      const rows = await listOutcomes(ctx.db, actor, group, request.query);
      return { outcomes: await outcomeDtos(ctx.db, actor, group, rows) };
    },
  );

  r.get(
    '/api/groups/:groupId/outcomes/summary',
    { schema: { tags, params: GroupParams, response: { 200: OutcomeSummary } } },
    async (request) => {
      const { actor, group } = await authorizeGroup(ctx, request, request.params.groupId, 'group.read');
      return outcomeSummary(ctx.db, actor, group);
    },
  );

  r.post(
    '/api/groups/:groupId/outcomes',
    { schema: { tags, params: GroupParams, body: CreateOutcomeBody, response: { 201: Outcome } } },
    async (request, reply) => {
      const { actor, group } = await authorizeGroup(ctx, request, request.params.groupId, 'group.write');
      const row = await svc.createOutcome(ctx, actor, group, request.body);
      reply.status(201);
      return one(actor, group, row);
    },
  );

  r.get(
    '/api/outcomes/:outcomeId',
    { schema: { tags, params: OutcomeParams, response: { 200: Outcome } } },
    async (request) => {
      const { row, group, actor } = await visibleOutcome(ctx, request, request.params.outcomeId);
      return one(actor, group, row);
    },
  );

  r.patch(
    '/api/outcomes/:outcomeId',
    { schema: { tags, params: OutcomeParams, body: UpdateOutcomeBody, response: { 200: Outcome } } },
    async (request) => {
      const { group, item } = await visibleOutcome(ctx, request, request.params.outcomeId);
      const actor = await authorize(ctx, request, 'item.write', { type: 'item', item });
      const row = await svc.updateOutcome(ctx, actor, group, request.params.outcomeId, request.body);
      return one(actor, group, row);
    },
  );

  r.post(
    '/api/outcomes/:outcomeId/status',
    { schema: { tags, params: OutcomeParams, body: OutcomeStatusBody, response: { 200: Outcome } } },
    async (request) => {
      const { row: found, group, actor } = await visibleOutcome(ctx, request, request.params.outcomeId);
      // The recording side keeps the entry; whoever owns an action may also report its progress.
      const mayWrite = decide(actor, 'item.write', { type: 'item', item: outcomeItem(group, found) });
      const isOwner = found.ownerUserId !== null && found.ownerUserId === actor.userId;
      if (!mayWrite && !isOwner)
        await authorize(ctx, request, 'item.write', { type: 'item', item: outcomeItem(group, found) });
      const row = await svc.setOutcomeStatus(ctx, actor, group, found.id, request.body.status);
      return one(actor, group, row);
    },
  );

  r.delete(
    '/api/outcomes/:outcomeId',
    { schema: { tags, params: OutcomeParams, response: { 200: Ok } } },
    async (request) => {
      const { group, item } = await visibleOutcome(ctx, request, request.params.outcomeId);
      const actor = await authorize(ctx, request, 'item.write', { type: 'item', item });
      await svc.deleteOutcome(ctx, actor, group, request.params.outcomeId);
      return { ok: true as const };
    },
  );
}
