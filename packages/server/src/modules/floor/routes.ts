import {
  FloorAddBody,
  FloorAllowanceBody,
  FloorGiveBody,
  FloorQueueParams,
  FloorState,
  MeetingParams,
} from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { conflict, fieldError, forbidden, notFound, unauthorized, withCode } from '../../http/errors.js';
import { type ActorFacts, canSeeItem } from '../../policy/policy.js';
import { actorOf } from '../auth/plugin.js';
import { type CallPerson, callPersonOf, callStanding, isCallChair, runningCall, waitsInLobby } from '../calls/index.js';
import { sidesOf } from '../groups/queries.js';
import { findMeetingFacts, type MeetingFacts } from '../meetings/index.js';
import { floorState } from './queries.js';
import * as svc from './service.js';

const tags = ['floor'];

interface Access {
  actor: ActorFacts;
  facts: MeetingFacts;
  userId: string;
  /** Set when the caller takes part (`need: 'take_part'`). */
  person: CallPerson | null;
}

export async function floorRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  /**
   * The meeting, if the caller may know it exists (404 otherwise, as for its call), then what `need` asks: taking
   * part in the call, or chairing the meeting. A side-only meeting has no list: its call has only one side.
   */
  async function access(request: FastifyRequest, meetingId: string, need: 'take_part' | 'chair'): Promise<Access> {
    const user = request.auth.user;
    if (!user) throw unauthorized();
    const actor = await actorOf(ctx, request);
    const facts = await findMeetingFacts(ctx.db, meetingId);
    if (!facts || !canSeeItem(actor, facts.item)) throw notFound('Meeting');
    const standing = await callStanding(ctx.db, actor, facts);
    if (standing.kind === 'not_found') throw notFound('Meeting');
    if (need === 'chair' && !isCallChair(actor, facts))
      throw forbidden("Only a chair of the meeting keeps its speakers' list");
    if (need === 'take_part' && standing.kind === 'forbidden') throw forbidden(standing.reason);
    if (facts.item.marking !== 'shared')
      throw withCode(
        conflict("A side-only meeting's call has one side only, so it keeps no speakers' list"),
        'side_only_no_speakers_list',
      );
    return { actor, facts, userId: user.id, person: standing.kind === 'ok' ? standing.person : null };
  }

  function open(facts: MeetingFacts): void {
    if (facts.status !== 'planned' || facts.endedAt)
      throw withCode(conflict("The meeting is over: its speakers' list is closed"), 'speakers_list_closed');
  }

  /** The person a chair names: someone who may take part in the call (the same answer for anyone else). */
  async function named(facts: MeetingFacts, userId: string, path: string): Promise<CallPerson> {
    const person = await callPersonOf(ctx.db, facts, userId);
    if (!person) throw fieldError(400, path, 'is not someone who takes part in this call', 'not_in_call');
    return person;
  }

  const state = async (facts: MeetingFacts) =>
    floorState(ctx.db, facts, (await runningCall(ctx.db, facts.id))?.id ?? null);

  r.get(
    '/api/meetings/:meetingId/floor',
    { schema: { tags, params: MeetingParams, response: { 200: FloorState } } },
    async (request) => state((await access(request, request.params.meetingId, 'take_part')).facts),
  );

  r.post(
    '/api/meetings/:meetingId/floor/hand',
    { schema: { tags, params: MeetingParams, response: { 200: FloorState } } },
    async (request) => {
      const { facts, person, userId } = await access(request, request.params.meetingId, 'take_part');
      open(facts);
      if (waitsInLobby(ctx, facts.id, userId))
        throw forbidden('You can raise your hand once your side has let you into the call');
      await svc.enqueue(ctx, facts, person!, null, userId);
      return state(facts);
    },
  );

  r.delete(
    '/api/meetings/:meetingId/floor/hand',
    { schema: { tags, params: MeetingParams, response: { 200: FloorState } } },
    async (request) => {
      const { facts, userId } = await access(request, request.params.meetingId, 'take_part');
      open(facts);
      await svc.dequeue(ctx, facts, userId, userId);
      return state(facts);
    },
  );

  r.post(
    '/api/meetings/:meetingId/floor/queue',
    { schema: { tags, params: MeetingParams, body: FloorAddBody, response: { 201: FloorState } } },
    async (request, reply) => {
      const { facts, userId } = await access(request, request.params.meetingId, 'chair');
      open(facts);
      const person = await named(facts, request.body.userId, 'body.userId');
      await svc.enqueue(ctx, facts, person, userId, userId);
      reply.status(201);
      return state(facts);
    },
  );

  r.delete(
    '/api/meetings/:meetingId/floor/queue/:userId',
    { schema: { tags, params: FloorQueueParams, response: { 200: FloorState } } },
    async (request) => {
      const { facts, userId } = await access(request, request.params.meetingId, 'chair');
      open(facts);
      await svc.dequeue(ctx, facts, request.params.userId, userId);
      return state(facts);
    },
  );

  r.post(
    '/api/meetings/:meetingId/floor/give',
    { schema: { tags, params: MeetingParams, body: FloorGiveBody, response: { 200: FloorState } } },
    async (request) => {
      const { facts, userId } = await access(request, request.params.meetingId, 'chair');
      open(facts);
      const call = await runningCall(ctx.db, facts.id);
      if (!call) throw withCode(conflict('The floor can be given once the call is running'), 'floor_needs_call');
      const to = request.body.userId ? await named(facts, request.body.userId, 'body.userId') : null;
      await svc.giveFloor(ctx, facts, call.id, to, userId);
      return state(facts);
    },
  );

  r.post(
    '/api/meetings/:meetingId/floor/take',
    { schema: { tags, params: MeetingParams, response: { 200: FloorState } } },
    async (request) => {
      const { facts, userId } = await access(request, request.params.meetingId, 'chair');
      open(facts);
      await svc.takeFloor(ctx, facts, userId);
      return state(facts);
    },
  );

  r.post(
    '/api/meetings/:meetingId/floor/allowance',
    { schema: { tags, params: MeetingParams, body: FloorAllowanceBody, response: { 200: FloorState } } },
    async (request) => {
      const { facts, userId } = await access(request, request.params.meetingId, 'chair');
      open(facts);
      const sides = await sidesOf(ctx.db, [facts.groupId]);
      if (!sides.some((s) => s.id === request.body.sideId))
        throw fieldError(400, 'body.sideId', 'is not a side of this meeting', 'no_such_side');
      await svc.setAllowance(ctx, facts, request.body.sideId, request.body.seconds, userId);
      return state(facts);
    },
  );
}
