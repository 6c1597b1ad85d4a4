import { CreateTrackBody, GroupParams, OutcomeParams, Track, TrackList } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { fieldError } from '../../http/errors.js';
import { authorize, authorizeGroup } from '../groups/access.js';
import { visibleOutcome } from '../outcomes/access.js';
import { tracksOfParent } from './queries.js';
import { createTrack } from './service.js';
import { trackDtos } from './view.js';

const tags = ['tracks'];

export async function trackRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/outcomes/:outcomeId/tracks',
    { schema: { tags, params: OutcomeParams, body: CreateTrackBody, response: { 201: Track } } },
    async (request, reply) => {
      const { row, group } = await visibleOutcome(ctx, request, request.params.outcomeId);
      const actor = await authorize(ctx, request, 'group.chair', { type: 'group', group });
      if (group.kind !== 'group')
        throw fieldError(400, 'params.outcomeId', 'tracks start from a group, not a track', 'track_from_group');
      if (row.marking !== 'shared')
        throw fieldError(
          400,
          'params.outcomeId',
          'a track involves every side, so it starts from a shared entry',
          'track_from_shared',
        );
      const track = await createTrack(ctx, actor, group, row, request.body);
      reply.status(201);
      return (await trackDtos(ctx.db, actor, [track]))[0]!;
    },
  );

  r.get(
    '/api/groups/:groupId/tracks',
    { schema: { tags, params: GroupParams, response: { 200: TrackList } } },
    async (request) => {
      const { actor, group } = await authorizeGroup(ctx, request, request.params.groupId, 'group.read');
      return { tracks: await trackDtos(ctx.db, actor, await tracksOfParent(ctx.db, group.id)) };
    },
  );
}
