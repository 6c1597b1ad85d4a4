import { CallCaucus, CallStatus, IceServerList, MeetingParams } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { forbidden, notFound } from '../../http/errors.js';
import { actorOf, requireUser } from '../auth/plugin.js';
import { restCallAccess, restSideChair } from './access.js';
import { iceServersFor } from './ice.js';
import type { CallManager } from './manager.js';

const tags = ['calls'];

export async function callRoutes(app: FastifyInstance, opts: { ctx: AppContext; mgr: CallManager }) {
  const { ctx, mgr } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/meetings/:meetingId/call',
    { schema: { tags, params: MeetingParams, response: { 200: CallStatus } } },
    async (request) => {
      const { facts, sideId } = await restCallAccess(ctx, request, request.params.meetingId, 'join');
      return mgr.status(facts, sideId);
    },
  );

  r.post(
    '/api/meetings/:meetingId/call/start',
    { schema: { tags, params: MeetingParams, response: { 201: CallStatus } } },
    async (request, reply) => {
      const { facts, userId, sideId } = await restCallAccess(ctx, request, request.params.meetingId, 'chair');
      await mgr.start({ userId, sideId }, facts);
      reply.status(201);
      return mgr.status(facts);
    },
  );

  r.post(
    '/api/meetings/:meetingId/call/end',
    { schema: { tags, params: MeetingParams, response: { 200: CallStatus } } },
    async (request) => {
      const { facts, userId, sideId } = await restCallAccess(ctx, request, request.params.meetingId, 'chair');
      await mgr.end({ userId, sideId }, facts);
      return mgr.status(facts);
    },
  );

  // A side's caucus (docs/call-keys.md §12): everything here answers the caller's own side's caucus only.
  r.post(
    '/api/meetings/:meetingId/call/caucus',
    { schema: { tags, params: MeetingParams, response: { 201: CallCaucus } } },
    async (request, reply) => {
      const { facts, person } = await restSideChair(ctx, request, request.params.meetingId);
      const caucus = await mgr.openCaucus(person.userId, facts, person.sideId);
      reply.status(201);
      return caucus.caucusView()!;
    },
  );

  r.post(
    '/api/meetings/:meetingId/call/caucus/recall',
    { schema: { tags, params: MeetingParams, response: { 200: CallCaucus } } },
    async (request) => {
      const { facts, person } = await restSideChair(ctx, request, request.params.meetingId);
      const caucus = await mgr.caucusOf(facts, person.sideId);
      if (!caucus) throw notFound('Caucus');
      await mgr.recallCaucus(person.userId, person.displayName, caucus);
      return caucus.caucusView()!;
    },
  );

  r.post(
    '/api/meetings/:meetingId/call/caucus/close',
    { schema: { tags, params: MeetingParams, response: { 200: CallStatus } } },
    async (request) => {
      const { facts, person } = await restSideChair(ctx, request, request.params.meetingId);
      const caucus = await mgr.caucusOf(facts, person.sideId);
      if (!caucus) throw notFound('Caucus');
      await mgr.closeCaucus(person.userId, caucus);
      return mgr.status(facts, person.sideId);
    },
  );

  r.get('/api/calls/ice-servers', { schema: { tags, response: { 200: IceServerList } } }, async (request) => {
    const user = requireUser(request);
    // Relay credentials only for delegates: TURN is bandwidth others could abuse.
    if ((await actorOf(ctx, request)).memberships.length === 0) throw forbidden('Only delegates take part in calls');
    return { iceServers: iceServersFor(ctx.config.calls, user.id) };
  });
}
