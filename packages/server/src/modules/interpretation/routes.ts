import {
  canonicalLanguage,
  InterpretationState,
  InterpreterAssignBody,
  InterpreterParams,
  MeetingParams,
} from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { fieldError, forbidden, notFound, unauthorized } from '../../http/errors.js';
import { type ActorFacts, canSeeItem, membershipIn } from '../../policy/policy.js';
import { actorOf } from '../auth/plugin.js';
import { type CallPerson, callPersonOf, callStanding, chairsSide, isCallChair } from '../calls/index.js';
import { findMeetingFacts, type MeetingFacts } from '../meetings/index.js';
import { interpretationState, interpretersOf } from './queries.js';
import * as svc from './service.js';

const tags = ['interpretation'];

export async function interpretationRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  /**
   * The meeting, if the caller may know it exists (404 otherwise, as for its call: the other side never learns of a
   * side-only meeting's interpreters), and the caller takes part in its call.
   */
  async function access(
    request: FastifyRequest,
    meetingId: string,
  ): Promise<{ actor: ActorFacts; facts: MeetingFacts }> {
    if (!request.auth.user) throw unauthorized();
    const actor = await actorOf(ctx, request);
    const facts = await findMeetingFacts(ctx.db, meetingId);
    if (!facts || !canSeeItem(actor, facts.item)) throw notFound('Meeting');
    const standing = await callStanding(ctx.db, actor, facts);
    if (standing.kind === 'not_found') throw notFound('Meeting');
    if (standing.kind === 'forbidden') throw forbidden(standing.reason);
    return { actor, facts };
  }

  /** The meeting's chairs assign anyone of the call; a side's chair assigns a member of their own side. */
  function mayAssign(actor: ActorFacts, facts: MeetingFacts, person: Pick<CallPerson, 'sideId'>): void {
    if (!isCallChair(actor, facts) && !chairsSide(actor, facts, person.sideId))
      throw forbidden("Only the meeting's chairs, or a chair of the interpreter's side, assign interpreters");
  }

  /** Before looking at whom a chair names: whoever cannot assign anybody hears 403, not a hint about the name. */
  function mayAssignSomeone(actor: ActorFacts, facts: MeetingFacts): void {
    const own = membershipIn(actor, facts.groupId);
    if (!isCallChair(actor, facts) && !(own?.role === 'chair' && own.sideId))
      throw forbidden("Only the meeting's chairs, or a chair of the interpreter's side, assign interpreters");
  }

  r.get(
    '/api/meetings/:meetingId/interpretation',
    { schema: { tags, params: MeetingParams, response: { 200: InterpretationState } } },
    async (request) => {
      const { facts } = await access(request, request.params.meetingId);
      return interpretationState(ctx.db, facts.id);
    },
  );

  r.post(
    '/api/meetings/:meetingId/interpretation',
    { schema: { tags, params: MeetingParams, body: InterpreterAssignBody, response: { 201: InterpretationState } } },
    async (request, reply) => {
      const { actor, facts } = await access(request, request.params.meetingId);
      mayAssignSomeone(actor, facts);
      svc.refuseClosed(facts);
      const person = await callPersonOf(ctx.db, facts, request.body.userId);
      // The same answer for a side-only delegate of a shared meeting as for nobody at all.
      if (!person) throw fieldError(400, 'body.userId', 'is not someone who takes part in this call', 'not_in_call');
      mayAssign(actor, facts, person);
      const from = canonicalLanguage(request.body.from)!;
      const to = canonicalLanguage(request.body.to)!;
      await svc.assign(ctx, facts, person, { from, to }, request.auth.user!.id);
      reply.status(201);
      return interpretationState(ctx.db, facts.id);
    },
  );

  r.delete(
    '/api/meetings/:meetingId/interpretation/:userId',
    { schema: { tags, params: InterpreterParams, response: { 200: InterpretationState } } },
    async (request) => {
      const { actor, facts } = await access(request, request.params.meetingId);
      mayAssignSomeone(actor, facts);
      svc.refuseClosed(facts);
      const row = (await interpretersOf(ctx.db, facts.id)).find((i) => i.userId === request.params.userId);
      if (!row) throw notFound('Interpreter');
      mayAssign(actor, facts, row);
      await svc.unassign(ctx, facts, row.userId, request.auth.user!.id);
      return interpretationState(ctx.db, facts.id);
    },
  );
}
