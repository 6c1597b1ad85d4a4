import {
  CreateReadoutBody,
  GroupParams,
  PublishReadoutBody,
  Readout,
  ReadoutList,
  ReadoutParams,
  ReadoutQuery,
  ReadoutVersionList,
  SaveReadoutBody,
} from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { notFound, unauthorized } from '../../http/errors.js';
import { type ActorFacts, canSeeItem, type GroupFacts, membershipIn } from '../../policy/policy.js';
import { actorOf } from '../auth/plugin.js';
import { userNames } from '../auth/queries.js';
import { authorize, authorizeGroup } from '../groups/access.js';
import { groupFacts } from '../groups/queries.js';
import {
  findReadout,
  listReadouts,
  type ReadoutRow,
  readoutDtos,
  readoutFacts,
  readoutHistoryItem,
  versionsOf,
} from './queries.js';
import * as svc from './service.js';

const tags = ['readouts'];

export async function readoutRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const one = async (actor: ActorFacts, group: GroupFacts, row: ReadoutRow) =>
    (await readoutDtos(ctx.db, actor, group, [row]))[0]!;

  /** Missing, other sides' drafts and (for history) other sides' readouts are one and the same 404. */
  const visible = async (request: FastifyRequest, id: string, history = false) => {
    if (!request.auth.user) throw unauthorized();
    const row = await findReadout(ctx.db, id);
    if (!row) throw notFound('Readout');
    const group = await groupFacts(ctx.db, row.groupId);
    const actor = await actorOf(ctx, request);
    if (!canSeeItem(actor, history ? readoutHistoryItem(group, row) : await readoutFacts(ctx.db, group, row)))
      throw notFound('Readout');
    return { row, group, actor };
  };

  r.get(
    '/api/groups/:groupId/readouts',
    { schema: { tags, params: GroupParams, querystring: ReadoutQuery, response: { 200: ReadoutList } } },
    async (request) => {
      const { actor, group } = await authorizeGroup(ctx, request, request.params.groupId, 'group.read');
      const rows = await listReadouts(ctx.db, actor, group, request.query.meetingId);
      return { readouts: await readoutDtos(ctx.db, actor, group, rows) };
    },
  );

  r.post(
    '/api/groups/:groupId/readouts',
    { schema: { tags, params: GroupParams, body: CreateReadoutBody, response: { 201: Readout } } },
    async (request, reply) => {
      const { actor, group } = await authorizeGroup(ctx, request, request.params.groupId, 'group.write');
      const sideId = membershipIn(actor, group.id)!.sideId;
      await authorize(ctx, request, 'item.write', { type: 'item', item: { group, sideId, marking: 'side-only' } });
      const row = await svc.createReadout(ctx, actor, group, request.body);
      reply.status(201);
      return one(actor, group, row);
    },
  );

  r.get(
    '/api/readouts/:readoutId',
    { schema: { tags, params: ReadoutParams, response: { 200: Readout } } },
    async (request) => {
      const { row, group, actor } = await visible(request, request.params.readoutId);
      return one(actor, group, row);
    },
  );

  r.get(
    '/api/readouts/:readoutId/versions',
    { schema: { tags, params: ReadoutParams, response: { 200: ReadoutVersionList } } },
    async (request) => {
      const { row } = await visible(request, request.params.readoutId, true);
      const versions = await versionsOf(ctx.db, [row.id]);
      const names = await userNames(
        ctx.db,
        versions.map((v) => v.authorUserId),
      );
      return {
        versions: versions.map((v) => ({
          version: v.version,
          title: v.title,
          text: v.text,
          language: v.language,
          secondLanguage: v.secondLanguage,
          secondText: v.secondText,
          author: { userId: v.authorUserId, name: names.get(v.authorUserId)?.displayName ?? 'Unknown' },
          createdAt: v.createdAt.toISOString(),
        })),
      };
    },
  );

  r.post(
    '/api/readouts/:readoutId/versions',
    { schema: { tags, params: ReadoutParams, body: SaveReadoutBody, response: { 201: Readout } } },
    async (request, reply) => {
      const { row, group } = await visible(request, request.params.readoutId);
      const actor = await authorize(ctx, request, 'item.write', { type: 'item', item: readoutHistoryItem(group, row) });
      const saved = await svc.saveReadoutVersion(ctx, actor, group, row.id, request.body);
      reply.status(201);
      return one(actor, group, saved);
    },
  );

  r.post(
    '/api/readouts/:readoutId/publish',
    { schema: { tags, params: ReadoutParams, body: PublishReadoutBody, response: { 200: Readout } } },
    async (request) => {
      const { row, group } = await visible(request, request.params.readoutId);
      const actor = await authorize(ctx, request, 'item.chair', { type: 'item', item: readoutHistoryItem(group, row) });
      return one(actor, group, await svc.publishReadout(ctx, actor, group, row.id, request.body.version));
    },
  );
}
